/**
 * The examples ship with their datasets: start-up seeding imports every examples/*.dataset.* under
 * its stem (the name an optimizer node's file reference resolves to), idempotently by content hash
 * (a restart or a second process stores no copy), and importExampleDataset reads only files of the
 * examples folder.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetNameCandidates } from "../../engine/dataset/ref.js";
import { createAppServices, type AppServices } from "./app.js";
import { EXAMPLES_DIR, exampleDatasetName, exampleDatasetRefName, importExampleDataset, seedExampleDatasets } from "./examples.js";

const rowsOf = (file: string) => readFileSync(path.join(EXAMPLES_DIR, file), "utf8").split("\n").filter((l) => l.trim()).length;

describe("example datasets", () => {
  let dir: string;
  let app: AppServices;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-examples-"));
    app = await createAppServices({ databaseUrl: `file:${path.join(dir, "x.db")}`, latencyScale: 0, seedExamples: true });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("are imported at seed time under their stems, with every row of the file", async () => {
    const list = await app.datasets.list();
    for (const [name, file] of [["qa", "qa.dataset.jsonl"], ["jury", "jury.dataset.jsonl"], ["map", "map.dataset.jsonl"], ["triage", "triage.dataset.jsonl"]]) {
      const ds = list.find((d) => d.name === name);
      expect(ds, name).toMatchObject({ version: 1, fileName: file, rows: rowsOf(file) });
    }
  });

  it("the qa example's optimizer node reference resolves to the seeded dataset", async () => {
    const qa = await app.workflows.get("qa");
    const tune = qa!.graph.nodes.find((n) => n.kind === "optimizer")!;
    const ref = (tune.config as { dataset: string }).dataset;
    expect(ref).toBe("examples/qa.dataset.jsonl");
    const found = await Promise.all(datasetNameCandidates(ref).map((n) => app.datasets.get(n, undefined, { limit: 1 })));
    expect(found.find(Boolean)).toMatchObject({ name: "qa", rows: rowsOf("qa.dataset.jsonl") });
  });

  it("seeding again (a restart) stores no new version", async () => {
    const before = await app.datasets.list();
    const again = await seedExampleDatasets(app.datasets);
    expect(again.every((r) => !r.created)).toBe(true);
    expect(await app.datasets.list()).toEqual(before);
  });

  it("two processes seeding the same database at once store each dataset once", async () => {
    const url = `file:${path.join(dir, "two.db")}`;
    const [a, b] = await Promise.all([createAppServices({ databaseUrl: url, latencyScale: 0, seedExamples: true }), createAppServices({ databaseUrl: url, latencyScale: 0, seedExamples: true })]);
    try {
      const list = await a.datasets.list();
      expect(list.filter((d) => d.name === "qa")).toHaveLength(1);
      expect(list.map((d) => `${d.name} v${d.version}`).sort()).toEqual(["agent v1", "jury v1", "map v1", "qa v1", "triage v1"]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("a user's newer version of the name is kept newest: reseeding finds the example rows by hash", async () => {
    const text = readFileSync(path.join(EXAMPLES_DIR, "qa.dataset.jsonl"), "utf8").split("\n").slice(0, 5).join("\n");
    const mine = await app.datasets.importDataset({ name: "qa", fileName: "mine.jsonl", text });
    expect(mine).toMatchObject({ version: 2, created: true });
    await seedExampleDatasets(app.datasets);
    expect((await app.datasets.get("qa", undefined, { limit: 0 }))?.version).toBe(2);
    expect((await app.datasets.list()).filter((d) => d.name === "qa")).toHaveLength(2);
  });

  it("importExampleDataset reads examples/NAME.dataset.* only", async () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), "flowtune-exdir-"));
    try {
      const examples = path.join(scratch, "examples");
      mkdirSync(examples);
      copyFileSync(path.join(EXAMPLES_DIR, "qa.dataset.jsonl"), path.join(examples, "fresh.dataset.jsonl"));
      writeFileSync(path.join(scratch, "secret.dataset.jsonl"), '{"a":1}\n{"a":2}\n{"a":3}\n');
      mkdirSync(path.join(examples, "dir.dataset.jsonl"));
      const ok = await importExampleDataset(app.datasets, "examples/fresh.dataset.jsonl", examples);
      expect(ok).toMatchObject({ name: "fresh", version: 1, created: true, rows: rowsOf("qa.dataset.jsonl"), fileName: "fresh.dataset.jsonl" });
      expect(await importExampleDataset(app.datasets, "fresh.dataset.jsonl", examples)).toMatchObject({ id: ok.id, created: false });
      for (const ref of [
        "../secret.dataset.jsonl",
        "examples/../secret.dataset.jsonl",
        path.join(scratch, "secret.dataset.jsonl"),
        "other/fresh.dataset.jsonl",
        "examples/sub/fresh.dataset.jsonl",
        "examples/missing.dataset.jsonl",
        "examples/qa.flow.json",
        "examples/dir.dataset.jsonl",
        "",
      ]) {
        await expect(importExampleDataset(app.datasets, ref, examples), ref).rejects.toMatchObject({ code: "NOT_FOUND", location: { field: "ref" } });
      }
      expect((await app.datasets.list()).map((d) => d.name)).not.toContain("secret");
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("names: the stem of the file, as a node's reference resolves it", () => {
    expect(exampleDatasetName("qa.dataset.jsonl")).toBe("qa");
    expect(exampleDatasetName("big-set.dataset.csv")).toBe("big-set");
    expect(exampleDatasetRefName("examples/qa.dataset.jsonl")).toBe("qa");
    expect(exampleDatasetRefName("../qa.dataset.jsonl")).toBeUndefined();
    expect(exampleDatasetRefName("qa")).toBeUndefined();
  });
});
