/**
 * Budgets and honest numbers on the server path, with real SQLite: the stored totals count every
 * model call (reflection, minibatches, test re-scoring), a budget spent before the holdout ends
 * the run `completed` with the stop reason and "not scored" test figures (record, progress and
 * REST state alike), and a run that failed for a transient cause can be resumed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProviderRegistry, type Provider, type ScoredParams } from "../../engine/index.js";
import { createSimProvider } from "../../engine/providers/sim/index.js";
import { InProcessJobRunner } from "../jobs/index.js";
import { optimizationState } from "../rest/optimizations.js";
import type { OptimizationStore } from "../store/optimizations.js";
import { createAppServices, type AppServices } from "./app.js";
import { OptimizationService } from "./optimizations.js";

const QA_TEXT = readFileSync(path.join(import.meta.dirname, "../../examples/qa.dataset.jsonl"), "utf8");
const objectives = [{ metric: "grade", direction: "max" as const }];

/** Every call the provider answers, counted the way a provider bills. */
const meter = { calls: 0, tokens: 0 };
const sim = createSimProvider({ latencyScale: 0 });
const counting: Provider = {
  id: "sim",
  async complete(req, o) {
    const res = await sim.complete(req, o);
    meter.calls++;
    meter.tokens += res.usage.totalTokens;
    return res;
  },
};

let dir: string;
let app: AppServices;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-optbudget-"));
  app = await createAppServices({ databaseUrl: `file:${path.join(dir, "b.db")}`, providers: createProviderRegistry([counting]), seedExamples: true });
  await app.datasets.importDataset({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_TEXT });
});

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Waits for the run's progress stream to end; returns its last event. */
async function finished(svc: OptimizationService, runId: string) {
  let last;
  for await (const e of await svc.progress(runId)) last = e;
  return last!;
}

describe("stored totals", () => {
  it("count every model call of a reflective run: stored llmCalls and tokens equal the provider's count", async () => {
    const before = { ...meter };
    const { runId } = await app.optimizer.start({ workflowId: "qa", config: { targets: ["answer"], strategy: "reflective", objectives, seed: 4, limits: { maxCandidates: 5 } }, dataset: "qa" });
    const last = await finished(app.optimizer, runId);
    const run = (await app.optimizations.getRun(runId))!;
    expect(run.status).toBe("completed");
    expect({ llmCalls: run.llmCalls, tokens: run.tokensSpent }).toEqual({ llmCalls: meter.calls - before.calls, tokens: meter.tokens - before.tokens });
    // The stream's final figures are the stored ones.
    expect(last.spend).toMatchObject({ tokens: run.tokensSpent, llmCalls: run.llmCalls });
    // Reflection and minibatch calls are not in any candidate: the candidates' sum is less.
    const { candidates } = await app.optimizations.listCandidates(runId, { limit: 1000 });
    expect(candidates.reduce((s, c) => s + c.llmCalls, 0)).toBeLessThan(run.llmCalls);
  });
});

describe("a budget spent before the holdout", () => {
  it("completes with the budget stop; the test figures are null with why, in the record, the progress stream and the REST state", async () => {
    // No reserve: the search may use all 1,500 tokens, and does.
    const config = { targets: ["answer"], strategy: "random" as const, objectives, seed: 5, limits: { maxCandidates: 40, budgetTokens: 1500, holdoutReserve: 0 } };
    const { runId } = await app.optimizer.start({ workflowId: "qa", config, dataset: "qa" });
    const last = await finished(app.optimizer, runId);
    expect(last).toMatchObject({ status: "completed", budgetExhausted: true, stopReason: expect.stringMatching(/^budget exhausted \(\d+ of 1500 tokens spent\)/) });
    const run = (await app.optimizations.getRun(runId))!;
    expect(run).toMatchObject({ status: "completed", budgetExhausted: true, stopReason: last.stopReason });
    const best = run.best as ScoredParams;
    expect(best).toMatchObject({ test: null, testStatus: "not scored (budget exhausted)" });
    expect(run.baseline).toMatchObject({ test: null, testStatus: "not scored (budget exhausted)" });
    // Over the cap by at most the calls in flight (concurrency 4, one call each).
    expect(run.tokensSpent).toBeLessThan(1500 + 4 * 400);
    const state = await optimizationState(app, run);
    expect(state).toMatchObject({ status: "completed", budget_exhausted: true, stop_reason: run.stopReason, tokens_spent: run.tokensSpent, llm_calls: run.llmCalls });
    // No candidate was failed by the budget and then called a regression.
    const { candidates } = await app.optimizations.listCandidates(runId, { limit: 1000 });
    const cut = candidates.filter((x) => x.status === "failed");
    expect(cut.length).toBeGreaterThan(0);
    for (const c of cut) expect(c.rejectReason).toMatch(/^budget exhausted \(.*\): \d+ of \d+ examples scored$/);
    for (const c of candidates.filter((x) => x.split === "test")) expect(c.status).not.toBe("evaluated");
  });
});

describe("resume after a failure", () => {
  /** The service over a store whose next candidate write fails with `error`. */
  function serviceFailingOnce(error: Error): { svc: OptimizationService; jobs: InProcessJobRunner } {
    let armed = true;
    const store: OptimizationStore = {
      ...app.optimizations,
      async appendCandidate(runId, c) {
        if (armed && c.index === 2) {
          armed = false;
          throw error;
        }
        return app.optimizations.appendCandidate(runId, c);
      },
    };
    const jobs = new InProcessJobRunner({ onError: () => {} });
    return { svc: new OptimizationService({ ...app, optimizations: store, jobs }), jobs };
  }
  const config = { targets: ["answer"], strategy: "random" as const, objectives, seed: 6, limits: { maxCandidates: 5 } };

  it("a run that failed of a transient database error is stored TRANSIENT (no paths) and resumes to completion", async () => {
    const timeout = Object.assign(new Error("\nInvalid `tx.candidate.create()` invocation in\n/srv/flowtune/server/store/optimizations.ts:297:37\n\n  296 const row = await tx.candidate.create(\nTransaction API error: Operation has timed out"), { code: "P2028" });
    const { svc, jobs } = serviceFailingOnce(timeout);
    try {
      const { runId } = await svc.start({ workflowId: "qa", config, dataset: "qa" });
      const failed = await finished(svc, runId);
      expect(failed.status).toBe("failed");
      const run = (await svc.get(runId))!;
      expect(run).toMatchObject({ status: "failed", error: { code: "TRANSIENT" } });
      expect(run.error!.message).not.toMatch(/\/srv\/|optimizations\.ts|tx\.candidate/);
      const spentBefore = run.llmCalls;
      expect(spentBefore).toBeGreaterThan(0);

      await svc.resume(runId);
      expect((await finished(svc, runId)).status).toBe("completed");
      const done = (await svc.get(runId))!;
      expect(done.status).toBe("completed");
      // The spend carried on from the stored totals.
      expect(done.llmCalls).toBeGreaterThan(spentBefore);
      const { candidates } = await svc.candidates(runId, { split: "validation", limit: 100 });
      expect(candidates.map((c) => c.index)).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await jobs.shutdown();
    }
  });

  it("a run that failed for a real cause stays failed: resume is CONFLICT and says why", async () => {
    const { svc, jobs } = serviceFailingOnce(new Error("candidate params do not serialize"));
    try {
      const { runId } = await svc.start({ workflowId: "qa", config, dataset: "qa" });
      expect((await finished(svc, runId)).status).toBe("failed");
      expect((await svc.get(runId))!.error).toMatchObject({ code: "OPTIMIZATION_FAILED", message: "candidate params do not serialize" });
      await expect(svc.resume(runId)).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(/failed \(OPTIMIZATION_FAILED: candidate params do not serialize\); only interrupted, cancelled or transiently failed runs can be resumed/),
      });
    } finally {
      await jobs.shutdown();
    }
  });
});
