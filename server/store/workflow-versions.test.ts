import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Graph, GraphEdge, GraphNode } from "../../engine/schema/graph.js";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { checksumOf } from "./canonical.js";
import { createParameterStore } from "./parameters.js";
import { decodeChain, encodeVersion, SNAPSHOT_EVERY, StoredGraphError } from "./workflow-versions.js";
import { createWorkflowStore, type WorkflowStore } from "./workflows.js";

/** input → n AI nodes in a chain → output, laid out in a grid (like a big imported graph). */
function bigGraph(id: string, total: number): Graph {
  const nodes: GraphNode[] = [{ id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: [{ name: "question", type: "string", required: true }] } }];
  const edges: GraphEdge[] = [];
  let prev = "in";
  for (let i = 1; i < total - 1; i++) {
    const nid = `n${i}`;
    nodes.push({
      id: nid,
      kind: "ai",
      position: { x: (i % 25) * 240, y: Math.floor(i / 25) * 150 },
      config: { provider: "sim", model: "sim-small", systemPrompt: "", prompt: "{{ inputs.question }}", temperature: 0, topP: 1, maxTokens: 64, fewShot: [], responseFormat: "text" },
    } as GraphNode);
    edges.push({ id: `e${i}`, kind: "pipeline", source: prev, target: nid } as GraphEdge);
    prev = nid;
  }
  nodes.push({ id: "out", kind: "output", position: { x: 0, y: 9999 }, config: {} } as GraphNode);
  edges.push({ id: "e_out", kind: "pipeline", source: prev, target: "out" } as GraphEdge);
  return { version: 1, id, name: `Big ${id}`, nodes, edges };
}

/** The same graph with node `nodeId` moved to (x, y). */
function moved(graph: Graph, nodeId: string, x: number, y: number): Graph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === nodeId ? { ...n, position: { x, y } } : n)) };
}

describe("version encoding", () => {
  const g1 = bigGraph("enc", 10);
  const g2 = moved(g1, "n3", 5, 6);

  it("stores a small change as a patch that rebuilds the graph, checksum verified", () => {
    const enc = encodeVersion({ version: 1, graph: g1, snapshotVersion: 1, chainChars: 0 }, g2, JSON.stringify(g2));
    expect(enc.encoding).toBe("patch");
    expect(JSON.parse(enc.text)).toEqual([
      { op: "replace", path: "/nodes/3/position/y", value: 6 },
      { op: "replace", path: "/nodes/3/position/x", value: 5 },
    ]);
    const rows = [
      { version: 1, graph: JSON.stringify(g1), checksum: checksumOf(g1), encoding: "full" },
      { version: 2, graph: enc.text, checksum: checksumOf(g2), encoding: "patch" },
    ];
    expect(decodeChain("enc", rows)).toEqual(g2);
  });

  it("stores the whole graph for the first version, every SNAPSHOT_EVERY versions and when the patch is not smaller", () => {
    expect(encodeVersion(null, g2, JSON.stringify(g2)).encoding).toBe("full");
    expect(encodeVersion({ version: SNAPSHOT_EVERY, graph: g1, snapshotVersion: 1, chainChars: 0 }, g2, JSON.stringify(g2)).encoding).toBe("full");
    expect(encodeVersion({ version: SNAPSHOT_EVERY - 1, graph: g1, snapshotVersion: 1, chainChars: 0 }, g2, JSON.stringify(g2)).encoding).toBe("patch");
    // The patches since the snapshot would add up to more than the graph.
    expect(encodeVersion({ version: 3, graph: g1, snapshotVersion: 1, chainChars: JSON.stringify(g2).length - 20 }, g2, JSON.stringify(g2)).encoding).toBe("full");
    const other: Graph = { version: 1, id: "x", name: "y", nodes: [], edges: [] };
    expect(encodeVersion({ version: 1, graph: g1, snapshotVersion: 1, chainChars: 0 }, other, JSON.stringify(other)).encoding).toBe("full");
  });

  it("refuses a chain with a wrong checksum, a gap, a broken patch or no snapshot", () => {
    const full = { version: 1, graph: JSON.stringify(g1), checksum: checksumOf(g1), encoding: "full" };
    const patch = { version: 2, graph: JSON.stringify([{ op: "replace", path: "/name", value: "Z" }]), checksum: checksumOf({ ...g1, name: "Z" }), encoding: "patch" };
    expect(decodeChain("enc", [full, patch]).name).toBe("Z");
    expect(() => decodeChain("enc", [full, { ...patch, checksum: checksumOf(g1) }])).toThrow(/checksum mismatch/);
    expect(() => decodeChain("enc", [{ ...full, checksum: checksumOf(g2) }])).toThrow(StoredGraphError);
    expect(() => decodeChain("enc", [full, { ...patch, version: 3 }])).toThrow(/version 2 is missing/);
    expect(() => decodeChain("enc", [full, { ...patch, graph: JSON.stringify([{ op: "replace", path: "/nodes/99/id", value: 1 }]) }])).toThrow(/does not apply/);
    expect(() => decodeChain("enc", [full, { ...patch, graph: "{not json" }])).toThrow(/not JSON/);
    expect(() => decodeChain("enc", [patch])).toThrow(/no full snapshot/);
    expect(() => decodeChain("enc", [full, { ...patch, graph: JSON.stringify([{ op: "add", path: "/__proto__/polluted", value: 1 }]) }])).toThrow(StoredGraphError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("workflow store with patch versions", () => {
  let db: FlowtuneDatabase;
  let store: WorkflowStore;
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
    store = createWorkflowStore(db.prisma);
  });
  afterAll(async () => db.close());

  const storedBytes = async (workflowId: string) => {
    const rows = await db.prisma.workflowVersion.findMany({ where: { workflowId }, select: { graph: true } });
    return rows.reduce((n, r) => n + Buffer.byteLength(r.graph), 0);
  };

  it("stores 20 drags of one node in a 1,000-node graph compactly and reads every version back", async () => {
    let graph = bigGraph("big", 1000);
    await store.save(graph, "created");
    const base = await storedBytes("big");
    const graphs: Graph[] = [graph];
    let fullCopies = 0;
    for (let i = 1; i <= 20; i++) {
      graph = moved(graph, "n500", 1000 + i * 7, 2000 - i * 3);
      graphs.push(graph);
      fullCopies += Buffer.byteLength(JSON.stringify(graph));
      const res = await store.save(graph, `drag ${i}`);
      expect(res.newVersion).toBe(true);
      expect(res.workflow.graph).toEqual(graph);
    }
    const after = (await storedBytes("big")) - base;
    // Stored as a full copy per version before patches: `fullCopies` bytes.
    console.log(`20 drags of one node, 1,000-node graph: ${fullCopies} bytes as full copies, ${after} bytes stored (${(fullCopies / after).toFixed(0)}× smaller)`);
    expect(after).toBeLessThan(fullCopies / 1000);

    const encodings = await db.prisma.workflowVersion.findMany({ where: { workflowId: "big" }, orderBy: { version: "asc" }, select: { version: true, encoding: true } });
    expect(encodings.filter((r) => r.encoding === "full").map((r) => r.version)).toEqual([1]);
    for (let v = 1; v <= 21; v++) expect((await store.getVersion("big", v))?.graph).toEqual(graphs[v - 1]);
    expect((await store.get("big"))?.graph).toEqual(graphs[20]);
  });

  it("reads rows written before patches (full snapshots) and patches on top of them", async () => {
    const g1 = bigGraph("legacy", 5);
    const text = JSON.stringify(g1);
    await db.prisma.workflow.create({ data: { id: "legacy", name: g1.name, currentVersion: 1, versions: { create: { version: 1, graph: text, checksum: checksumOf(g1) } } } });
    const g2 = moved(g1, "n2", 1, 1);
    await store.save(g2);
    const rows = await db.prisma.workflowVersion.findMany({ where: { workflowId: "legacy" }, orderBy: { version: "asc" } });
    expect(rows.map((r) => r.encoding)).toEqual(["full", "patch"]);
    expect((await store.getVersion("legacy", 1))?.graph).toEqual(g1);
    expect((await store.get("legacy"))?.graph).toEqual(g2);
  });

  it("diffs against the stored newest version when another process saved in between", async () => {
    const other = createWorkflowStore(db.prisma);
    const g1 = bigGraph("two", 6);
    const g2 = moved(g1, "n1", 10, 10);
    const g3 = moved(g2, "n2", 20, 20);
    const g4 = moved(g3, "n3", 30, 30);
    await store.save(g1);
    await store.save(g2);
    await other.save(g3);
    await store.save(g4);
    for (const [v, g] of [g1, g2, g3, g4].entries()) expect((await other.getVersion("two", v + 1))?.graph).toEqual(g);
  });

  it("fails a read of a corrupted patch chain with a clear error, never a wrong graph", async () => {
    const g1 = bigGraph("corrupt", 5);
    await store.save(g1);
    await store.save(moved(g1, "n1", 3, 3));
    await db.prisma.workflowVersion.update({ where: { workflowId_version: { workflowId: "corrupt", version: 2 } }, data: { graph: JSON.stringify([{ op: "replace", path: "/nodes/1/position/x", value: 4 }]) } });
    await expect(store.get("corrupt")).rejects.toThrow(/workflow "corrupt" version 2 cannot be read: checksum mismatch/);
    expect((await store.getVersion("corrupt", 1))?.graph).toEqual(g1);
  });

  it("an AI node's parameter baseline reads the graph through a patch", async () => {
    const g1 = bigGraph("params", 4);
    await store.save(g1);
    const g2 = { ...g1, nodes: g1.nodes.map((n) => (n.id === "n1" && n.kind === "ai" ? { ...n, config: { ...n.config, prompt: "patched {{ inputs.question }}" } } : n)) };
    await store.save(g2);
    const row = await db.prisma.workflowVersion.findUnique({ where: { workflowId_version: { workflowId: "params", version: 2 } } });
    expect(row?.encoding).toBe("patch");
    const params = createParameterStore(db.prisma);
    const baseline = await params.ensureBaseline("params", "n1", "tester");
    expect(baseline.params.prompt).toBe("patched {{ inputs.question }}");
  });
});
