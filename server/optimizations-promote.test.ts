/**
 * optimizations.promoteCandidate through `createCaller`: one step saves a candidate as a version
 * and points production at it with the reason in the audit trail; a promotion that fails leaves no
 * version behind (one transaction); bad reasons, viewers and tokens for other workflows are
 * refused; optimizations.importExampleDataset reads only the examples folder.
 */
import { describe, expect, it } from "vitest";
import { localPrincipal } from "./auth/principal.js";
import { createCaller } from "./router.js";
import { createContext } from "./trpc.js";
import { expectTRPCError, useTestApp } from "./test-app.js";

const app = useTestApp("opt-promote", { latencyScale: 0 });

const config = {
  targets: ["answer"],
  strategy: "random" as const,
  objectives: [{ metric: "grade", direction: "max" as const }],
  limits: { maxCandidates: 8 },
  seed: 5,
};

async function waitFinished(runId: string) {
  for (let i = 0; i < 600; i++) {
    const run = await app.caller.optimizations.get({ runId });
    if (run.status !== "running") return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`optimization ${runId} did not finish`);
}

/** Evaluated validation candidates whose parameters differ from the baseline's and from each other's. */
async function distinctCandidates(runId: string) {
  const { candidates } = await app.caller.optimizations.candidates({ runId, split: "validation", limit: 1000 });
  const seen = new Set([candidates.find((c) => c.index === 0)!.paramsChecksum]);
  return candidates.filter((c) => {
    if (c.status !== "evaluated" || seen.has(c.paramsChecksum)) return false;
    seen.add(c.paramsChecksum);
    return true;
  });
}

const versionCount = () => app.services.db.prisma.parameterVersion.count({ where: { workflowId: "qa", nodeId: "answer" } });

describe("optimizations.promoteCandidate", () => {
  let runId: string;

  it("starts from the seeded example dataset (no import needed)", async () => {
    ({ runId } = await app.caller.optimizations.start({ workflowId: "qa", config, dataset: "qa" }));
    expect((await waitFinished(runId)).status).toBe("completed");
    expect((await distinctCandidates(runId)).length).toBeGreaterThanOrEqual(2);
  });

  it("saves and promotes in one call: production moves, the reason is audited, runs use it", async () => {
    const [target] = await distinctCandidates(runId);
    const result = await app.caller.optimizations.promoteCandidate({ runId, index: target.index, reason: "  best grade on validation  " });
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ nodeId: "answer", changed: true, from: 1 });
    expect(result[0].version).toBeGreaterThanOrEqual(2);

    const prod = await app.caller.parameters.production({ workflowId: "qa", nodeId: "answer" });
    expect(prod.version).toMatchObject({ version: result[0].version, status: "production", optimizationRunId: runId, sourceCandidateId: target.id });
    expect(prod.history.at(-1)).toMatchObject({ action: "promote", fromVersion: 1, toVersion: result[0].version, reason: "best grade on validation", actor: "local" });

    const wf = await app.services.workflows.get("qa");
    const resolved = await app.services.parameters.resolve("qa", wf!.graph);
    expect(resolved.versions.answer).toBe(result[0].version);
    expect(resolved.graph.nodes.find((n) => n.id === "answer")!.config).toMatchObject({ systemPrompt: (target.params.answer as { systemPrompt: string }).systemPrompt });

    // The same candidate again: the same version, already production, nothing written.
    const before = await versionCount();
    const again = await app.caller.optimizations.promoteCandidate({ runId, index: target.index, reason: "again" });
    expect(again).toEqual([{ ...result[0], created: false, changed: false, from: result[0].version }]);
    expect(await versionCount()).toBe(before);
  });

  it("a promotion that fails leaves no version behind", async () => {
    // Off the front: the front was saved as versions at completion, this one was not.
    const front = new Set(((await app.caller.optimizations.get({ runId })).pareto as Array<{ index: number }>).map((p) => p.index));
    const target = (await distinctCandidates(runId)).filter((c) => !front.has(c.index)).at(-1)!;
    const prisma = app.services.db.prisma;
    const before = await versionCount();
    const pointer = await prisma.productionPointer.findUniqueOrThrow({ where: { workflowId_nodeId: { workflowId: "qa", nodeId: "answer" } } });
    // A broken pointer makes the move fail after the version was written inside the transaction.
    await prisma.productionPointer.delete({ where: { workflowId_nodeId: { workflowId: "qa", nodeId: "answer" } } });
    try {
      const err = await expectTRPCError(app.caller.optimizations.promoteCandidate({ runId, index: target.index, reason: "should not stick" }), "CONFLICT");
      expect(err.message).toMatch(/no production pointer/);
      expect(await versionCount()).toBe(before);
      expect(await prisma.auditEvent.count({ where: { workflowId: "qa", reason: "should not stick" } })).toBe(0);
    } finally {
      await prisma.productionPointer.create({ data: pointer });
    }
    // With the pointer back, the same call succeeds, and its version is new: the failed call left none.
    const ok = await app.caller.optimizations.promoteCandidate({ runId, index: target.index, reason: "now it works" });
    expect(ok[0]).toMatchObject({ created: true, changed: true });
  });

  it("refuses an empty reason, an unknown candidate and a rejected one before storing anything", async () => {
    const before = await versionCount();
    const [target] = (await distinctCandidates(runId)).slice(-1);
    await expectTRPCError(app.caller.optimizations.promoteCandidate({ runId, index: target.index, reason: "   " }), "BAD_REQUEST");
    await expectTRPCError(app.caller.optimizations.promoteCandidate({ runId, index: 9999, reason: "x" }), "NOT_FOUND");
    await expectTRPCError(app.caller.optimizations.promoteCandidate({ runId: "no-such-run", index: 0, reason: "x" }), "NOT_FOUND");
    await expectTRPCError(app.caller.optimizations.promoteCandidate({ runId, index: target.index, reason: "x".repeat(2001) }), "BAD_REQUEST");
    await expectTRPCError(app.caller.optimizations.promoteCandidate({ runId, index: target.index, reason: "bell\u0007" }), "BAD_REQUEST");

    const rec = await app.services.optimizations.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: config as unknown as Record<string, unknown> });
    await app.services.optimizations.appendCandidate(rec.id, { index: 0, params: target.params, status: "rejected", rejectReason: "over budget" });
    const err = await expectTRPCError(app.caller.optimizations.promoteCandidate({ runId: rec.id, index: 0, reason: "x" }), "CONFLICT");
    expect(err.message).toMatch(/rejected/);
    await app.services.optimizations.finishRun(rec.id, { status: "cancelled" });
    expect(await versionCount()).toBe(before);
  });

  it("refuses viewers and tokens limited to other workflows", async () => {
    const viewer = createCaller(createContext(app.services, { ...localPrincipal("viewer-user"), role: "viewer", via: "token", id: "tok_v" }));
    await expectTRPCError(viewer.optimizations.promoteCandidate({ runId, index: 0, reason: "x" }), "FORBIDDEN");
    const other = createCaller(createContext(app.services, { ...localPrincipal("other-editor"), role: "editor", via: "token", id: "tok_o", workflows: ["triage"] }));
    await expectTRPCError(other.optimizations.promoteCandidate({ runId, index: 0, reason: "x" }), "FORBIDDEN");
  });
});

describe("optimizations.importExampleDataset", () => {
  it("imports an example file by the node's reference; the same rows are no new version", async () => {
    const r = await app.caller.optimizations.importExampleDataset({ ref: "examples/qa.dataset.jsonl" });
    expect(r).toMatchObject({ name: "qa", version: 1, created: false });
  });

  it("never reads a path outside the examples folder", async () => {
    for (const ref of ["../package.json", "/etc/passwd", "examples/../package.json", "prisma/dev.db", "examples/qa.flow.json"]) {
      const err = await expectTRPCError(app.caller.optimizations.importExampleDataset({ ref }), "NOT_FOUND");
      expect(err.message).toMatch(/not a dataset file of the examples folder/);
    }
  });

  it("refuses viewers, and a limited token adding a version to a shared name", async () => {
    const viewer = createCaller(createContext(app.services, { ...localPrincipal("viewer-user"), role: "viewer", via: "token", id: "tok_v" }));
    await expectTRPCError(viewer.optimizations.importExampleDataset({ ref: "examples/qa.dataset.jsonl" }), "FORBIDDEN");
    const limited = createCaller(createContext(app.services, { ...localPrincipal("limited"), role: "editor", via: "token", id: "tok_l", workflows: ["qa"] }));
    await expectTRPCError(limited.optimizations.importExampleDataset({ ref: "examples/qa.dataset.jsonl" }), "FORBIDDEN");
  });
});
