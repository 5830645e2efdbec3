import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateArithmeticRows, generateMapRows, generateSentimentRows, generateTaskRows, generateTicketRows } from "./index.js";

const examples = fileURLToPath(new URL("../../../examples", import.meta.url));
const readJsonl = (name: string): unknown[] =>
  readFileSync(join(examples, name), "utf8").trim().split("\n").map((l) => JSON.parse(l) as unknown);

describe("task generators", () => {
  it("are deterministic per seed and differ across seeds", () => {
    expect(generateTaskRows("intent", 20, 5)).toEqual(generateTaskRows("intent", 20, 5));
    expect(generateTaskRows("arithmetic", 20, 5)).not.toEqual(generateTaskRows("arithmetic", 20, 6));
  });

  it("make map rows of 3-6 labelled reviews", () => {
    for (const row of generateMapRows(30, 2)) {
      expect(row.reviews.length).toBeGreaterThanOrEqual(3);
      expect(row.reviews.length).toBeLessThanOrEqual(6);
      expect(row.expected).toHaveLength(row.reviews.length);
    }
  });

  it.skipIf(!existsSync(join(examples, "qa.dataset.jsonl")))("example datasets are what scripts/gen-datasets.ts writes (seed 42)", () => {
    const qa = readJsonl("qa.dataset.jsonl");
    expect(qa.length).toBeGreaterThanOrEqual(30);
    expect(qa).toEqual(generateArithmeticRows(qa.length, 42));
    const triage = readJsonl("triage.dataset.jsonl") as Array<Record<string, unknown>>;
    expect(triage).toEqual(generateTicketRows(triage.length, 42));
    for (const row of triage) {
      expect(Object.keys(row).slice(0, 4)).toEqual(["ticket", "channel", "priority", "expected"]);
      if (row.channel === "email") expect(Object.keys(JSON.parse(row.expected_fields as string) as object)).toEqual(["name", "email", "date"]);
    }
    const jury = readJsonl("jury.dataset.jsonl");
    expect(jury).toEqual(generateSentimentRows(jury.length, 42));
    const map = readJsonl("map.dataset.jsonl");
    expect(map).toEqual(generateMapRows(map.length, 42));
  });
});
