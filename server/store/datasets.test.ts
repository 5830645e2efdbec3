import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { datasetHash } from "../../engine/index.js";
import { checksumOf } from "./canonical.js";
import { createDatasetStore, type DatasetStore } from "./datasets.js";
import { createOptimizationStore } from "./optimizations.js";

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

describe("dataset store", () => {
  let db: FlowtuneDatabase;
  let store: DatasetStore;
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
    store = createDatasetStore(db.prisma);
  });
  afterAll(async () => db.close());

  it("imports JSONL with a content hash and its rows in order", async () => {
    const rows = [{ q: "1+1", a: "2" }, { q: "2+2", a: "4" }, { q: "3+3", a: "6" }];
    const r = await store.importDataset({ name: "math", fileName: "math.jsonl", text: jsonl(rows) });
    expect(r).toMatchObject({ name: "math", version: 1, rows: 3, created: true, fileName: "math.jsonl" });
    expect(r.hash).toBe(datasetHash(rows));
    expect(r.hash).toBe(checksumOf(rows));
    const got = await store.get("math");
    expect(got?.records).toEqual(rows.map((data, index) => ({ index, data })));
    expect((await store.get(r.id))?.id).toBe(r.id);
  });

  it("dedupes identical content (any key order or format) and versions changed content", async () => {
    const again = await store.importDataset({ name: "math", fileName: "copy.jsonl", text: jsonl([{ a: "2", q: "1+1" }, { a: "4", q: "2+2" }, { a: "6", q: "3+3" }]) });
    expect(again).toMatchObject({ version: 1, created: false, fileName: "math.jsonl" });
    expect(await db.prisma.dataset.count({ where: { name: "math" } })).toBe(1);

    const changed = await store.importDataset({ name: "math", fileName: "math.csv", text: "q,a\n1+1,2\n5+5,10\n" });
    expect(changed).toMatchObject({ version: 2, rows: 2, created: true });
    // Same rows as v1 again: v1 is returned, no v3.
    expect(await store.importDataset({ name: "math", fileName: "m.jsonl", text: jsonl([{ q: "1+1", a: "2" }, { q: "2+2", a: "4" }, { q: "3+3", a: "6" }]) })).toMatchObject({
      version: 1,
      created: false,
    });
    // The same rows under another name are another dataset.
    expect(await store.importDataset({ name: "other", fileName: "m.csv", text: "q,a\n1+1,2\n5+5,10\n" })).toMatchObject({ version: 1, created: true, hash: changed.hash });

    expect((await store.list()).map((d) => `${d.name}@${d.version}`)).toEqual(["math@2", "math@1", "other@1"]);
    expect((await store.get("math"))?.version).toBe(2);
    expect((await store.get("math", 1))?.rows).toBe(3);
    expect(await store.get("math", 9)).toBeUndefined();
    expect(await store.get("nope")).toBeUndefined();
  });

  it("pages rows and stores large files in chunks", async () => {
    const rows = Array.from({ length: 1234 }, (_, i) => ({ i, text: `row ${i}` }));
    const r = await store.importRows({ name: "big", fileName: "big.jsonl", rows });
    expect(r.rows).toBe(1234);
    const page = await store.get("big", undefined, { offset: 1000, limit: 5 });
    expect(page?.records.map((x) => x.index)).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(page?.records[0].data).toEqual({ i: 1000, text: "row 1000" });
    expect((await store.get("big"))?.records).toHaveLength(1234);
  });

  it("refuses empty files, bad names and malformed lines", async () => {
    await expect(store.importDataset({ name: "e", fileName: "e.jsonl", text: "\n\n" })).rejects.toMatchObject({ code: "INPUT_INVALID" });
    await expect(store.importDataset({ name: " ", fileName: "e.jsonl", text: '{"a":1}' })).rejects.toMatchObject({ code: "INPUT_INVALID" });
    await expect(store.importDataset({ name: "e", fileName: "e.jsonl", text: '{"a":1}\n{oops' })).rejects.toThrow(/line 2/);
    expect(await db.prisma.dataset.count({ where: { name: "e" } })).toBe(0);
  });

  it("deletes versions with their rows, but not one an optimization run used", async () => {
    const used = await store.importDataset({ name: "used", fileName: "u.jsonl", text: jsonl([{ x: 1 }]) });
    await createOptimizationStore(db.prisma).createRun({ workflowId: "wf", targetNodeIds: ["a"], datasetId: used.id, config: {} });
    await expect(store.delete("used")).rejects.toMatchObject({ code: "CONFLICT" });

    expect(await store.delete("math", 1)).toBe(1);
    expect(await store.get("math", 1)).toBeUndefined();
    expect(await store.delete("math")).toBe(1);
    expect(await store.delete("math")).toBe(0);
    const other = await store.get("other");
    expect(await store.delete(other!.id)).toBe(1);
    expect(await db.prisma.datasetRow.count({ where: { datasetId: other!.id } })).toBe(0);
  });
});
