import path from "node:path";
import type { AppServices } from "../../server/services/app.js";
import { EXIT } from "../errors.js";
import { table } from "../format.js";
import { DatasetFileNameSchema, DatasetNameSchema } from "../../engine/schema/labels.js";
import { textOption } from "../text-option.js";
import { readUserFile } from "../read-file.js";

/** `flowtune dataset import FILE --name NAME [--json]`: stores a JSONL/CSV file as a dataset version. */
export async function datasetImportCommand(file: string, flags: { name: string; json?: boolean }, services: () => Promise<AppServices>): Promise<number> {
  const name = textOption(DatasetNameSchema, flags.name, "--name");
  const fileName = textOption(DatasetFileNameSchema, path.basename(file), "the file name");
  const text = readUserFile(file, "dataset file");
  const result = await (await services()).datasets.importDataset({ name, fileName, text });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  }
  const what = result.created ? "new version" : `unchanged: same rows as v${result.version}, nothing stored`;
  process.stdout.write(`dataset ${result.name} v${result.version}: ${result.rows} rows, sha256 ${result.hash.slice(0, 16)}… (${what})\nid ${result.id}\n`);
  return EXIT.ok;
}

/** `flowtune dataset list [--json]`: every stored dataset version. */
export async function datasetListCommand(flags: { json?: boolean }, services: () => Promise<AppServices>): Promise<number> {
  const datasets = await (await services()).datasets.list();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(datasets, null, 2)}\n`);
    return EXIT.ok;
  }
  if (datasets.length === 0) {
    process.stdout.write("no datasets yet — try: npx flowtune dataset import examples/qa.dataset.jsonl --name qa\n");
    return EXIT.ok;
  }
  process.stdout.write(
    `${table(
      ["name", "version", "rows", "hash", "file", "created", "id"],
      datasets.map((d) => [d.name, `v${d.version}`, String(d.rows), d.hash.slice(0, 12), d.fileName, d.createdAt.toISOString().replace("T", " ").slice(0, 19), d.id]),
    )}\n`,
  );
  return EXIT.ok;
}
