/**
 * optimizations.saveCandidate through `createCaller`: one stored candidate's parameters become a
 * `candidate` parameter version of each target node (idempotent), with its metrics, dataset, run
 * and source candidate; unknown runs/candidates are NOT_FOUND, rejected candidates CONFLICT, and
 * viewers are refused.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { localPrincipal } from "./auth/principal.js";
import { createCaller } from "./router.js";
import { createContext } from "./trpc.js";
import { expectTRPCError, useTestApp } from "./test-app.js";

const QA_TEXT = readFileSync(path.join(import.meta.dirname, "../examples/qa.dataset.jsonl"), "utf8");
const app = useTestApp("opt-save", { latencyScale: 0 });

const config = {
  targets: ["answer"],
  strategy: "random" as const,
  // One objective: the front is the best candidate alone, so others are off it (not saved at completion).
  objectives: [{ metric: "grade", direction: "max" as const }],
  limits: { maxCandidates: 10 },
  seed: 3,
};

async function waitFinished(runId: string) {
  for (let i = 0; i < 600; i++) {
    const run = await app.caller.optimizations.get({ runId });
    if (run.status !== "running") return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`optimization ${runId} did not finish`);
}

async function validationCandidates(runId: string) {
  const page = await app.caller.optimizations.candidates({ runId, split: "validation", limit: 1000 });
  return page.candidates;
}

describe("optimizations.saveCandidate", () => {
  let runId: string;

  it("saves an evaluated candidate as a candidate version with its metrics, dataset, run and source", async () => {
    const ds = await app.caller.datasets.import({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_TEXT });
    ({ runId } = await app.caller.optimizations.start({ workflowId: "qa", config, dataset: "qa" }));
    const run = await waitFinished(runId);
    expect(run.status).toBe("completed");

    const candidates = await validationCandidates(runId);
    const pareto = (run.pareto ?? []) as Array<{ index: number }>;
    const frontIdx = new Set(pareto.map((p) => p.index));
    // Prefer a candidate off the front: its version does not exist yet.
    const evaluated = candidates.filter((c) => c.status === "evaluated");
    expect(evaluated.length).toBeGreaterThan(0);
    const baseline = candidates.find((c) => c.index === 0)!;
    const target = evaluated.find((c) => !frontIdx.has(c.index) && c.paramsChecksum !== baseline.paramsChecksum);
    if (!target) throw new Error(`no off-front candidate: ${JSON.stringify(candidates.map((c) => [c.index, c.status, c.paramsChecksum.slice(0, 6)]))} front ${[...frontIdx]}`);

    const saved = await app.caller.optimizations.saveCandidate({ runId, index: target.index });
    expect(saved).toHaveLength(1);
    expect(saved[0].nodeId).toBe("answer");
    expect(saved[0].version).toBeGreaterThanOrEqual(2);

    const { versions } = await app.caller.parameters.versions({ workflowId: "qa", nodeId: "answer" });
    const v = versions.find((x) => x.version === saved[0].version)!;
    expect(v.status).toBe("candidate");
    expect(v.optimizationRunId).toBe(runId);
    expect(v.datasetId).toBe((ds as { id: string }).id);
    expect(v.params).toMatchObject({ model: (target.params.answer as { model: string }).model });
    // The validation metrics are the candidate's own (the origin tag is not a metric).
    const metrics = v.metrics as { validation: Record<string, number> };
    expect(metrics.validation.grade).toBe((target.metrics as Record<string, number>).grade);
    expect(metrics.validation).not.toHaveProperty("origin");
    expect(saved[0].created).toBe(true);
    expect(v.sourceCandidateId).toBe(target.id);
  });

  it("is idempotent: the same parameters give the same version, created: false", async () => {
    const candidates = await validationCandidates(runId);
    const target = candidates.find((c) => c.status === "evaluated")!;
    const first = await app.caller.optimizations.saveCandidate({ runId, index: target.index });
    const again = await app.caller.optimizations.saveCandidate({ runId, index: target.index });
    expect(again).toEqual(first.map((s) => ({ ...s, created: false })));
    const { versions } = await app.caller.parameters.versions({ workflowId: "qa", nodeId: "answer" });
    expect(versions.filter((v) => v.version === first[0].version)).toHaveLength(1);
  });

  it("a front member (already saved at completion) returns its existing version", async () => {
    const run = await app.caller.optimizations.get({ runId });
    const best = run.best as { index: number };
    const saved = await app.caller.optimizations.saveCandidate({ runId, index: best.index });
    expect(saved[0].created).toBe(false);
  });

  it("the saved version can be promoted", async () => {
    const candidates = await validationCandidates(runId);
    const target = candidates.find((c) => c.status === "evaluated" && c.index > 0) ?? candidates.find((c) => c.status === "evaluated")!;
    const [saved] = await app.caller.optimizations.saveCandidate({ runId, index: target.index });
    const moved = await app.caller.parameters.promote({ workflowId: "qa", nodeId: "answer", version: saved.version, reason: "from the optimize panel" });
    expect(moved.to).toBe(saved.version);
    const prod = await app.caller.parameters.production({ workflowId: "qa", nodeId: "answer" });
    expect(prod.version.version).toBe(saved.version);
  });

  it("NOT_FOUND for an unknown run or candidate", async () => {
    await expectTRPCError(app.caller.optimizations.saveCandidate({ runId: "no-such-run", index: 0 }), "NOT_FOUND");
    await expectTRPCError(app.caller.optimizations.saveCandidate({ runId, index: 9999 }), "NOT_FOUND");
  });

  it("CONFLICT for a rejected candidate", async () => {
    // A stored run with a rejected candidate, written through the store as the loop writes it.
    const rec = await app.services.optimizations.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: config as unknown as Record<string, unknown> });
    const params = (await validationCandidates(runId))[0].params;
    await app.services.optimizations.appendCandidate(rec.id, { index: 0, params, status: "evaluated", objectives: { grade: 0.5, tokens: 40 }, metrics: { grade: 0.5, tokens: 40 } });
    await app.services.optimizations.appendCandidate(rec.id, {
      index: 1,
      generation: 1,
      parentIds: [0],
      params: { answer: { ...params.answer, prompt: "{{ nope" } },
      status: "rejected",
      rejectReason: "the prompt template does not render",
    });
    const err = await expectTRPCError(app.caller.optimizations.saveCandidate({ runId: rec.id, index: 1 }), "CONFLICT");
    expect(err.message).toMatch(/rejected/);
    // The evaluated one of the same run saves fine.
    const saved = await app.caller.optimizations.saveCandidate({ runId: rec.id, index: 0 });
    expect(saved).toEqual([{ nodeId: "answer", version: expect.any(Number), created: false }]);
    await app.services.optimizations.finishRun(rec.id, { status: "cancelled" });
  });

  it("refuses viewers (FORBIDDEN) and tokens limited to other workflows", async () => {
    const viewer = createCaller(createContext(app.services, { ...localPrincipal("viewer-user"), role: "viewer", via: "token", id: "tok_v" }));
    await expectTRPCError(viewer.optimizations.saveCandidate({ runId, index: 0 }), "FORBIDDEN");
    const other = createCaller(createContext(app.services, { ...localPrincipal("other-editor"), role: "editor", via: "token", id: "tok_o", workflows: ["triage"] }));
    await expectTRPCError(other.optimizations.saveCandidate({ runId, index: 0 }), "FORBIDDEN");
  });
});
