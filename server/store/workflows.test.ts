import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphSchema, type Graph } from "../../engine/schema/graph.js";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { canonicalJson, checksumOf } from "./canonical.js";
import { createWorkflowStore, type WorkflowStore } from "./workflows.js";

const makeGraph = (id: string, prompt = "Say hi"): Graph =>
  GraphSchema.parse({
    version: 1,
    id,
    name: `Workflow ${id}`,
    nodes: [
      { id: "in", kind: "input", config: { fields: [{ name: "q" }] } },
      { id: "ai", kind: "ai", config: { model: "sim-1", prompt } },
      { id: "out", kind: "output" },
    ],
    edges: [
      { id: "e1", kind: "pipeline", source: "in", target: "ai" },
      { id: "e2", kind: "pipeline", source: "ai", target: "out" },
    ],
  });

/** The same value with every object's keys in reverse order. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)])) as T;
  }
  return value;
}

describe("canonical JSON checksum", () => {
  it("ignores key order and undefined members, not array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(checksumOf({ a: 1, b: 2 })).toBe(checksumOf({ b: 2, a: 1 }));
    expect(checksumOf([1, 2])).not.toBe(checksumOf([2, 1]));
    expect(checksumOf({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("workflow store", () => {
  let db: FlowtuneDatabase;
  let store: WorkflowStore;
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
    store = createWorkflowStore(db.prisma);
  });
  afterAll(async () => db.close());

  it("versions a workflow only when its graph changes", async () => {
    const g1 = makeGraph("wf");
    const first = await store.save(g1, "initial");
    expect(first).toMatchObject({ created: true, newVersion: true, workflow: { id: "wf", name: "Workflow wf", version: 1, currentVersion: 1, note: "initial" } });
    expect(first.workflow.checksum).toBe(checksumOf(g1));
    expect(first.workflow.graph).toEqual(g1);

    const same = await store.save(reverseKeys(g1), "no-op");
    expect(same).toMatchObject({ created: false, newVersion: false, workflow: { version: 1, note: "initial" } });
    expect(await db.prisma.workflowVersion.count({ where: { workflowId: "wf" } })).toBe(1);

    const g2 = { ...makeGraph("wf", "Say hello"), name: "Renamed" };
    const second = await store.save(g2, "better prompt");
    expect(second).toMatchObject({ created: false, newVersion: true, workflow: { version: 2, currentVersion: 2, name: "Renamed", note: "better prompt" } });

    expect(await store.get("wf")).toMatchObject({ version: 2, graph: g2, name: "Renamed" });
    expect(await store.getVersion("wf", 1)).toMatchObject({ version: 1, graph: g1, currentVersion: 2 });
    expect(await store.getVersion("wf", 3)).toBeUndefined();
    expect(await store.get("missing")).toBeUndefined();
    expect((await store.listVersions("wf")).map((v) => [v.version, v.note])).toEqual([
      [2, "better prompt"],
      [1, "initial"],
    ]);

    // Going back to the first graph is a change too: it becomes v3.
    expect((await store.save(g1)).workflow.version).toBe(3);
  });

  it("lists workflows, most recently updated first", async () => {
    await store.save(makeGraph("other"));
    const list = await store.list();
    expect(list.map((w) => w.id)).toEqual(["other", "wf"]);
    expect(list[1]).toMatchObject({ name: "Workflow wf", currentVersion: 3 });
  });

  it("leaves nothing half-written when a save fails", async () => {
    const failWith = (sql: string) => db.prisma.$executeRawUnsafe(sql);
    // New workflow: the Workflow row is written, then its first version fails.
    await failWith(`CREATE TRIGGER fail_versions BEFORE INSERT ON "WorkflowVersion" BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    try {
      await expect(store.save(makeGraph("brand-new"))).rejects.toThrow();
      expect(await db.prisma.workflow.findUnique({ where: { id: "brand-new" } })).toBeNull();
    } finally {
      await failWith(`DROP TRIGGER fail_versions`);
    }
    // Existing workflow: version 2 is written, then updating the Workflow row fails.
    await failWith(`CREATE TRIGGER fail_updates BEFORE UPDATE ON "Workflow" BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    try {
      await expect(store.save(makeGraph("other", "changed"))).rejects.toThrow();
      expect(await store.get("other")).toMatchObject({ version: 1, currentVersion: 1 });
      expect(await db.prisma.workflowVersion.count({ where: { workflowId: "other" } })).toBe(1);
    } finally {
      await failWith(`DROP TRIGGER fail_updates`);
    }
    expect((await store.save(makeGraph("other", "changed"))).workflow.version).toBe(2);
  });

  it("deletes a workflow with its versions", async () => {
    expect(await store.delete("other")).toBe(true);
    expect(await store.delete("other")).toBe(false);
    expect(await store.get("other")).toBeUndefined();
    expect(await db.prisma.workflowVersion.count({ where: { workflowId: "other" } })).toBe(0);
  });

  it("serialises concurrent saves of the same workflow", async () => {
    const results = await Promise.all([1, 2, 3, 4].map((i) => store.save(makeGraph("race", `prompt ${i}`))));
    expect(results.map((r) => r.workflow.version).sort()).toEqual([1, 2, 3, 4]);
    expect((await store.get("race"))!.currentVersion).toBe(4);
  });
});
