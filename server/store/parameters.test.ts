import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphSchema, type Graph } from "../../engine/schema/graph.js";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { checksumOf } from "./canonical.js";
import { createParameterStore, lineDiff, type ParameterStore } from "./parameters.js";
import { createWorkflowStore } from "./workflows.js";

const graph = (id: string): Graph =>
  GraphSchema.parse({
    version: 1,
    id,
    name: id,
    nodes: [
      { id: "in", kind: "input", config: { fields: [{ name: "q" }] } },
      { id: "answer", kind: "ai", config: { model: "sim-small", systemPrompt: "You are helpful.\nBe brief.", prompt: "{{ inputs.q }}" } },
      { id: "judge", kind: "ai", config: { model: "sim-small", prompt: "Grade: {{ nodes.answer.text }}" } },
      { id: "out", kind: "output" },
    ],
    edges: [
      { id: "e1", kind: "pipeline", source: "in", target: "answer" },
      { id: "e2", kind: "pipeline", source: "answer", target: "judge" },
      { id: "e3", kind: "pipeline", source: "judge", target: "out" },
    ],
  });

const tuned = (over: Record<string, unknown> = {}) => ({
  provider: "sim",
  model: "sim-small",
  systemPrompt: "You are helpful.\nAnswer with the number only.\nBe brief.",
  prompt: "{{ inputs.q }}",
  temperature: 0.2,
  ...over,
});

describe("parameter store", () => {
  let db: FlowtuneDatabase;
  let store: ParameterStore;
  const who = { actor: "alice" };
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
    const workflows = createWorkflowStore(db.prisma);
    for (const id of ["wf", "wf2", "wf3"]) await workflows.save(graph(id));
    store = createParameterStore(db.prisma);
  });
  afterAll(async () => db.close());

  it("creates v1 from the stored graph the first time a node is touched, as production", async () => {
    const { production, versions } = await store.listVersions("wf", "answer", "alice");
    expect(production).toBe(1);
    expect(versions).toHaveLength(1);
    const v1 = versions[0];
    expect(v1).toMatchObject({ version: 1, status: "production", actor: "alice", workflowVersion: 1, datasetId: null });
    // Defaults are applied, so the checksum does not depend on what the graph file spelled out.
    expect(v1.params).toEqual({ provider: "sim", model: "sim-small", systemPrompt: "You are helpful.\nBe brief.", prompt: "{{ inputs.q }}", temperature: 0, topP: 1, maxTokens: 512, fewShot: [], responseFormat: "text" });
    expect(v1.checksum).toBe(checksumOf(v1.params));
    expect(await store.history("wf", "answer")).toEqual([expect.objectContaining({ fromVersion: null, toVersion: 1, action: "baseline", actor: "alice" })]);
    expect(await store.audit("wf", { nodeId: "answer" })).toEqual([expect.objectContaining({ action: "baseline", beforeVersion: null, afterVersion: 1 })]);
    // Touching it again adds nothing.
    await store.listVersions("wf", "answer");
    expect(await db.prisma.parameterVersion.count({ where: { workflowId: "wf" } })).toBe(1);

    await expect(store.listVersions("nope", "answer")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(store.listVersions("wf", "ghost")).rejects.toThrow(/has no node "ghost"/);
    await expect(store.listVersions("wf", "out")).rejects.toThrow(/output node, not an AI node/);
  });

  it("dedupes versions by checksum and numbers new ones", async () => {
    const v2 = await store.createVersion({ workflowId: "wf", nodeId: "answer", params: tuned(), metrics: { accuracy: 0.8, tokens: { mean: 40 } }, datasetId: "ds1", optimizationRunId: "opt1", sourceCandidateId: 7, ...who });
    expect(v2).toMatchObject({ created: true, version: { version: 2, status: "candidate", datasetId: "ds1", optimizationRunId: "opt1", sourceCandidateId: 7, metrics: { accuracy: 0.8 } } });
    // The same bundle, keys reordered and defaults spelled out: the same version.
    const same = await store.createVersion({ workflowId: "wf", nodeId: "answer", params: { ...tuned(), topP: 1, maxTokens: 512, fewShot: [], responseFormat: "text" }, metrics: { accuracy: 0.1 } });
    expect(same).toMatchObject({ created: false, version: { version: 2, metrics: { accuracy: 0.8 } } });
    // The baseline's own bundle is v1.
    const v1 = (await store.getVersion("wf", "answer", 1))!;
    expect(await store.createVersion({ workflowId: "wf", nodeId: "answer", params: v1.params })).toMatchObject({ created: false, version: { version: 1 } });
    const v3 = await store.createVersion({ workflowId: "wf", nodeId: "answer", params: tuned({ temperature: 0.7, fewShot: [{ input: "1+1", output: "2" }] }), status: "draft", metrics: { accuracy: 0.85, tokens: { mean: 55 } }, datasetId: "ds1", ...who });
    expect(v3.version).toMatchObject({ version: 3, status: "draft" });

    // A node never touched gets its baseline first.
    expect((await store.createVersion({ workflowId: "wf", nodeId: "judge", params: { model: "sim-large", prompt: "Grade: {{ nodes.answer.text }}" } })).version.version).toBe(2);

    await expect(store.createVersion({ workflowId: "wf", nodeId: "answer", params: { model: "x" } })).rejects.toMatchObject({ code: "INPUT_INVALID" });
    await expect(store.createVersion({ workflowId: "wf", nodeId: "answer", params: tuned({ temperature: 5 }) })).rejects.toThrow(/temperature/);
    await expect(store.createVersion({ workflowId: "wf", nodeId: "answer", params: tuned({ temperature: 0.3 }), status: "production" as "draft" })).rejects.toMatchObject({ code: "INPUT_INVALID" });
    expect(await store.audit("wf", { nodeId: "answer" })).toEqual([
      expect.objectContaining({ action: "create", afterVersion: 3, actor: "alice" }),
      expect.objectContaining({ action: "create", afterVersion: 2, details: expect.objectContaining({ checksum: v2.version.checksum, optimizationRunId: "opt1" }) }),
      expect.objectContaining({ action: "baseline" }),
    ]);
  });

  it("promotes atomically and idempotently, archiving the old production version", async () => {
    const moved = await store.promote({ workflowId: "wf", nodeId: "answer", version: 2, reason: "better accuracy", actor: "bob" });
    expect(moved).toMatchObject({ changed: true, from: 1, to: 2, move: { fromVersion: 1, toVersion: 2, action: "promote", actor: "bob", reason: "better accuracy" } });
    const { production, versions } = await store.listVersions("wf", "answer");
    expect(production).toBe(2);
    expect(versions.map((v) => v.status)).toEqual(["archived", "production", "draft"]);
    const [event] = await store.audit("wf", { nodeId: "answer", limit: 1 });
    expect(event).toMatchObject({ action: "promote", beforeVersion: 1, afterVersion: 2, actor: "bob", reason: "better accuracy", details: { previousStatus: "candidate" } });

    const moves = await db.prisma.productionMove.count();
    const audits = await db.prisma.auditEvent.count();
    expect(await store.promote({ workflowId: "wf", nodeId: "answer", version: 2, reason: "again", actor: "bob" })).toEqual({ changed: false, from: 2, to: 2 });
    expect(await db.prisma.productionMove.count()).toBe(moves);
    expect(await db.prisma.auditEvent.count()).toBe(audits);

    await expect(store.promote({ workflowId: "wf", nodeId: "answer", version: 9, reason: "x", actor: "bob" })).rejects.toThrow(/has no version v9 \(versions v1–v3\)/);
    await expect(store.promote({ workflowId: "wf", nodeId: "answer", version: 9, reason: "x", actor: "bob" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(store.promote({ workflowId: "wf", nodeId: "answer", version: 3, reason: "  ", actor: "bob" })).rejects.toMatchObject({ code: "INPUT_INVALID" });
    await expect(store.promote({ workflowId: "nope", nodeId: "answer", version: 1, reason: "x", actor: "bob" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("leaves nothing half-written when a promote fails midway", async () => {
    const before = {
      pointer: await db.prisma.productionPointer.findMany(),
      versions: await db.prisma.parameterVersion.findMany({ orderBy: { id: "asc" } }),
      moves: await db.prisma.productionMove.count(),
      audits: await db.prisma.auditEvent.count(),
    };
    // The audit row is written last: failing it must undo the statuses, the pointer and the move.
    await db.prisma.$executeRawUnsafe(`CREATE TRIGGER fail_audit BEFORE INSERT ON "AuditEvent" BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    try {
      // (Prisma reports the trigger's ABORT as a constraint violation.)
      await expect(store.promote({ workflowId: "wf", nodeId: "answer", version: 3, reason: "try", actor: "bob" })).rejects.toThrow(/auditEvent\.create/);
      // A first touch fails whole too (no version without its pointer and move).
      await expect(store.listVersions("wf2", "answer")).rejects.toThrow(/auditEvent\.create/);
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER fail_audit`);
    }
    expect(await db.prisma.productionPointer.findMany()).toEqual(before.pointer);
    expect(await db.prisma.parameterVersion.findMany({ orderBy: { id: "asc" } })).toEqual(before.versions);
    expect(await db.prisma.productionMove.count()).toBe(before.moves);
    expect(await db.prisma.auditEvent.count()).toBe(before.audits);
  });

  it("rolls back to the version before the last promotion, idempotently, keeping the full move history", async () => {
    await store.promote({ workflowId: "wf", nodeId: "answer", version: 3, reason: "few-shot helps", actor: "bob" });
    const back = await store.rollback({ workflowId: "wf", nodeId: "answer", reason: "regression in prod", actor: "carol" });
    expect(back).toMatchObject({ changed: true, from: 3, to: 2, move: { action: "rollback", actor: "carol", reason: "regression in prod" } });
    // Repeating the same rollback changes nothing.
    expect(await store.rollback({ workflowId: "wf", nodeId: "answer", reason: "regression in prod", actor: "carol" })).toEqual({ changed: false, from: 2, to: 2 });
    expect((await store.listVersions("wf", "answer")).versions.map((v) => [v.version, v.status])).toEqual([
      [1, "archived"],
      [2, "production"],
      [3, "archived"],
    ]);

    // Explicitly further back, then the default no longer applies.
    expect(await store.rollback({ workflowId: "wf", nodeId: "answer", to: 1, reason: "back to baseline", actor: "carol" })).toMatchObject({ changed: true, from: 2, to: 1 });
    await expect(store.rollback({ workflowId: "wf", nodeId: "answer", reason: "?", actor: "carol" })).rejects.toMatchObject({ code: "CONFLICT" });
    // Forward to a version that was in production before is allowed; to one that never was is not.
    expect(await store.rollback({ workflowId: "wf", nodeId: "answer", to: 3, reason: "it was fine", actor: "carol" })).toMatchObject({ from: 1, to: 3 });
    const v4 = await store.createVersion({ workflowId: "wf", nodeId: "answer", params: tuned({ temperature: 1 }) });
    await expect(store.rollback({ workflowId: "wf", nodeId: "answer", to: v4.version.version, reason: "x", actor: "carol" })).rejects.toThrow(/never in production; promote it instead/);
    await expect(store.rollback({ workflowId: "wf", nodeId: "answer", to: 42, reason: "x", actor: "carol" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Nothing promoted yet on this node: nothing to roll back.
    await expect(store.rollback({ workflowId: "wf3", nodeId: "answer", reason: "x", actor: "carol" })).rejects.toThrow(/nothing to roll back/);

    expect((await store.history("wf", "answer")).map((m) => `${m.action}:${m.fromVersion ?? "-"}->${m.toVersion}:${m.actor}`)).toEqual([
      "baseline:-->1:alice",
      "promote:1->2:bob",
      "promote:2->3:bob",
      "rollback:3->2:carol",
      "rollback:2->1:carol",
      "rollback:1->3:carol",
    ]);
    const audit = await store.audit("wf", { nodeId: "answer", limit: 3 });
    expect(audit.map((e) => [e.action, e.beforeVersion, e.afterVersion, e.actor, e.reason])).toEqual([
      ["create", null, 4, "system", null],
      ["rollback", 1, 3, "carol", "it was fine"],
      ["rollback", 2, 1, "carol", "back to baseline"],
    ]);
    expect((await store.audit("wf")).some((e) => e.nodeId === "judge")).toBe(true);
  });

  it("reports production bundles and a revision that moves with the pointers", async () => {
    const r0 = await store.revision();
    const prod = await store.productionParams("wf");
    expect(prod.get("answer")).toMatchObject({ version: 3, params: { temperature: 0.7 } });
    expect(prod.get("judge")).toMatchObject({ version: 1 });
    // The failed rollback on wf3 rolled its baseline back with it.
    expect((await store.productionParams("wf3")).size).toBe(0);
    await store.promote({ workflowId: "wf", nodeId: "judge", version: 2, reason: "bigger judge", actor: "bob" });
    expect(await store.revision()).toBeGreaterThan(r0);
    expect((await store.productionParams("wf")).get("judge")).toMatchObject({ version: 2, params: { model: "sim-large" } });
  });

  it("diffs two versions: prompt lines, values, few-shot examples and metric deltas", async () => {
    const d = await store.diff("wf", "answer", 2, 3);
    expect(d).toMatchObject({ from: 2, to: 3, sameDataset: true });
    expect(d.changes).toEqual([
      { field: "temperature", kind: "value", before: 0.2, after: 0.7, delta: expect.closeTo(0.5) },
      { field: "fewShot", kind: "fewShot", before: 0, after: 1, added: [{ input: "1+1", output: "2" }], removed: [], reordered: false },
    ]);
    expect(d.metrics).toEqual([
      { name: "accuracy", before: 0.8, after: 0.85, delta: expect.closeTo(0.05) },
      { name: "tokens.mean", before: 40, after: 55, delta: 15 },
    ]);
    const fromBaseline = await store.diff("wf", "answer", 1, 2);
    expect(fromBaseline.changes.find((c) => c.field === "systemPrompt")).toEqual({
      field: "systemPrompt",
      kind: "text",
      before: "You are helpful.\nBe brief.",
      after: "You are helpful.\nAnswer with the number only.\nBe brief.",
      lines: [
        { op: " ", text: "You are helpful." },
        { op: "+", text: "Answer with the number only." },
        { op: " ", text: "Be brief." },
      ],
    });
    expect(fromBaseline.metrics).toEqual([
      { name: "accuracy", before: null, after: 0.8, delta: null },
      { name: "tokens.mean", before: null, after: 40, delta: null },
    ]);
    expect(fromBaseline.sameDataset).toBe(false);
    await expect(store.diff("wf", "answer", 1, 99)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("lineDiff", () => {
  it("finds the longest common subsequence of lines", () => {
    const ops = lineDiff("a\nb\nc\nd\ne", "a\nc\nx\nd\ny");
    expect(ops.map((o) => `${o.op}${o.text}`)).toEqual([" a", "-b", " c", "+x", " d", "-e", "+y"]);
    expect(lineDiff("same", "same")).toEqual([{ op: " ", text: "same" }]);
    expect(lineDiff("", "new").map((o) => o.op).sort()).toEqual(["+", "-"]);
  });

  it("falls back to a plain replacement for huge inputs", () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join("\n");
    const ops = lineDiff(`head\n${a}\ntail`, `head\n${b}\ntail`);
    expect(ops[0]).toEqual({ op: " ", text: "head" });
    expect(ops.filter((o) => o.op === "-")).toHaveLength(3000);
    expect(ops.filter((o) => o.op === "+")).toHaveLength(3000);
    expect(ops[ops.length - 1]).toEqual({ op: " ", text: "tail" });
  });
});
