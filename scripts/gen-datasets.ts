/**
 * Writes the example datasets (examples/*.dataset.jsonl) from the sim's deterministic task generators.
 * Usage: npx tsx scripts/gen-datasets.ts [seed]   (default seed 42; same seed → byte-identical files)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateArithmeticRows, generateMapRows, generateSentimentRows, generateTicketRows } from "../engine/providers/sim/index.js";

const seed = Number(process.argv[2] ?? 42);
if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got "${process.argv[2]}"`);

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "examples");
mkdirSync(outDir, { recursive: true });

function write(name: string, rows: readonly object[]): void {
  // One JSON object per line, fields in a fixed order, trailing newline.
  writeFileSync(join(outDir, name), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  console.log(`wrote examples/${name} (${rows.length} rows)`);
}

write("qa.dataset.jsonl", generateArithmeticRows(40, seed).map(({ question, expected }) => ({ question, expected })));
write(
  "triage.dataset.jsonl",
  generateTicketRows(45, seed).map((r) => ({
    ticket: r.ticket,
    channel: r.channel,
    priority: r.priority,
    expected: r.expected,
    ...(r.expected_fields ? { expected_fields: r.expected_fields } : {}),
  })),
);
write("jury.dataset.jsonl", generateSentimentRows(40, seed).map(({ review, expected }) => ({ review, expected })));
write("map.dataset.jsonl", generateMapRows(30, seed).map(({ reviews, expected }) => ({ reviews, expected })));
