import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { checksumOf } from "./canonical.js";
import { createOptimizationStore, type CandidateInput, type OptimizationStore } from "./optimizations.js";

const bundle = (temperature: number) => ({ answer: { provider: "sim", model: "sim-small", prompt: "{{ inputs.q }}", temperature } });

const candidate = (index: number, extra: Partial<CandidateInput> = {}): CandidateInput => ({
  index,
  params: bundle(index / 10),
  status: "evaluated",
  metrics: { accuracy: index / 10 },
  objectives: { accuracy: index / 10 },
  perExample: [{ row: 0, score: 1 }],
  tokens: 100,
  costUsd: 0.01,
  llmCalls: 2,
  latencyMs: 12.5,
  ...extra,
});

describe("optimization store", () => {
  let db: FlowtuneDatabase;
  let store: OptimizationStore;
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
    store = createOptimizationStore(db.prisma);
  });
  afterAll(async () => db.close());

  it("creates a run and appends candidates idempotently; the run's totals are its own (recordSpend), not the candidates' sum", async () => {
    const config = { strategy: "random", seed: 7, objectives: [{ name: "accuracy", direction: "max" }], limits: { candidates: 10 } };
    const run = await store.createRun({ workflowId: "qa", workflowVersion: 1, targetNodeIds: ["answer"], config });
    expect(run).toMatchObject({ workflowId: "qa", status: "running", targetNodeIds: ["answer"], config, tokensSpent: 0, llmCalls: 0, finishedAt: null });

    const first = await store.appendCandidate(run.id, candidate(0));
    expect(first.inserted).toBe(true);
    expect(first.candidate).toMatchObject({ index: 0, split: "validation", status: "evaluated", parentIds: [], generation: 0, paramsChecksum: checksumOf(bundle(0)) });
    const again = await store.appendCandidate(run.id, candidate(0, { metrics: { accuracy: 0.99 }, tokens: 999 }));
    expect(again).toEqual({ inserted: false, candidate: first.candidate });
    // Same index on another split is a separate row.
    expect((await store.appendCandidate(run.id, candidate(0, { split: "test" }))).inserted).toBe(true);
    await store.appendCandidate(run.id, candidate(2, { parentIds: [0], generation: 1 }));
    await store.appendCandidate(run.id, candidate(1, { status: "rejected", rejectReason: "maxTokens over budget", tokens: 0, costUsd: 0, llmCalls: 0 }));

    expect(await db.prisma.candidate.count({ where: { runId: run.id } })).toBe(4);
    // Candidates carry their own cost as detail; the run's totals count every call and are written apart.
    expect(await store.getRun(run.id)).toMatchObject({ tokensSpent: 0, llmCalls: 0 });
    await store.recordSpend(run.id, { tokens: 900, costUsd: 0.09, llmCalls: 9 });
    // A stale writer (fewer calls than recorded) never lowers the totals.
    await store.recordSpend(run.id, { tokens: 300, costUsd: 0.03, llmCalls: 6 });
    expect(await store.getRun(run.id)).toMatchObject({ tokensSpent: 900, llmCalls: 9, costSpent: 0.09 });
    await expect(store.recordSpend("no-such-run", { tokens: 1, costUsd: 0, llmCalls: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await expect(store.appendCandidate(run.id, candidate(2, { params: bundle(0.9) }))).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(store.appendCandidate("no-such-run", candidate(0))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(store.appendCandidate(run.id, candidate(-1))).rejects.toMatchObject({ code: "INPUT_INVALID" });
  });

  it("lists candidates by split with a cursor, and returns the resume state in index order", async () => {
    const run = await store.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: { seed: 1 } });
    for (const i of [3, 0, 4, 1, 2]) await store.appendCandidate(run.id, candidate(i));
    await store.appendCandidate(run.id, candidate(1, { split: "test" }));

    const page1 = await store.listCandidates(run.id, { split: "validation", limit: 2 });
    expect(page1.candidates.map((c) => c.index)).toEqual([0, 1]);
    const page2 = await store.listCandidates(run.id, { split: "validation", limit: 2, cursor: page1.nextCursor });
    expect(page2.candidates.map((c) => c.index)).toEqual([2, 3]);
    const page3 = await store.listCandidates(run.id, { split: "validation", limit: 2, cursor: page2.nextCursor });
    expect(page3).toEqual({ candidates: [expect.objectContaining({ index: 4 })] });
    expect((await store.listCandidates(run.id, { split: "test" })).candidates.map((c) => c.index)).toEqual([1]);

    const state = await store.resumeState(run.id);
    expect(state.run.config).toEqual({ seed: 1 });
    expect(state.candidates.map((c) => `${c.index}:${c.split}`)).toEqual(["0:validation", "1:validation", "1:test", "2:validation", "3:validation", "4:validation"]);
    expect(state.candidates[0]).toMatchObject({ params: bundle(0), metrics: { accuracy: 0 }, objectives: { accuracy: 0 }, perExample: [{ row: 0, score: 1 }], latencyMs: 12.5 });
    await expect(store.resumeState("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("finishes a run once, with its summaries", async () => {
    const run = await store.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
    await store.updateRun(run.id, { baseline: { accuracy: 0.5 } });
    const done = await store.finishRun(run.id, { status: "completed", best: { index: 3, accuracy: 0.9 }, pareto: [3] });
    expect(done).toMatchObject({ status: "completed", baseline: { accuracy: 0.5 }, best: { index: 3, accuracy: 0.9 }, pareto: [3] });
    expect(done.finishedAt).toBeInstanceOf(Date);
    await expect(store.finishRun(run.id, { status: "failed" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(store.finishRun("nope", { status: "failed" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const failed = await store.createRun({ workflowId: "other", targetNodeIds: ["x"], config: {} });
    await store.finishRun(failed.id, { status: "failed", error: { code: "PROVIDER_ERROR", message: "down" }, tokensSpent: 5 });
    expect(await store.getRun(failed.id)).toMatchObject({ status: "failed", error: { code: "PROVIDER_ERROR" }, tokensSpent: 5 });

    const stopped = await store.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
    await store.finishRun(stopped.id, { status: "completed", stopReason: "budget exhausted (6012 of 6000 tokens spent)" });
    expect(await store.getRun(stopped.id)).toMatchObject({ stopReason: "budget exhausted (6012 of 6000 tokens spent)", budgetExhausted: true });
    expect(await store.getRun(done.id)).toMatchObject({ stopReason: null, budgetExhausted: false });

    const { runs } = await store.listRuns({ workflowId: "other" });
    expect(runs.map((r) => r.id)).toEqual([failed.id]);
    const page = await store.listRuns({ limit: 1 });
    expect(page.runs).toHaveLength(1);
    expect(page.nextCursor).toBeDefined();
  });

  it("marks runs of a dead process interrupted, spares its own and live processes' runs, and reopens them", async () => {
    const mine = await store.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
    // A run left by another process: one that is dead, one that is still alive (this test runner's parent).
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const orphan = await createOptimizationStore(db.prisma).createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: { seed: 3 } });
    await db.prisma.optimizationRun.update({ where: { id: orphan.id }, data: { ownerPid: Number(dead.stdout) } });
    const alive = await createOptimizationStore(db.prisma).createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
    await db.prisma.optimizationRun.update({ where: { id: alive.id }, data: { ownerPid: process.ppid } });
    await store.appendCandidate(orphan.id, candidate(0));

    const ids = await store.markInterrupted();
    expect(ids).toContain(orphan.id);
    expect(ids).not.toContain(mine.id);
    expect(ids).not.toContain(alive.id);
    expect(await store.getRun(orphan.id)).toMatchObject({ status: "interrupted", error: { code: "INTERRUPTED" } });

    await expect(store.reopenRun(mine.id)).rejects.toMatchObject({ code: "CONFLICT" });
    const reopened = await store.reopenRun(orphan.id);
    expect(reopened).toMatchObject({ status: "running", finishedAt: null });
    expect(reopened.error).toBeUndefined();
    expect((await store.resumeState(orphan.id)).candidates).toHaveLength(1);
    expect(await store.markInterrupted()).not.toContain(orphan.id);
  });

  it("reopens a run that failed for a transient cause; one that failed for a real cause stays CONFLICT, saying why", async () => {
    const transient = await store.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
    await store.finishRun(transient.id, { status: "failed", error: { code: "TRANSIENT", message: "a database write failed under contention (transient)" } });
    const reopened = await store.reopenRun(transient.id);
    expect(reopened).toMatchObject({ status: "running", finishedAt: null, stopReason: null });
    expect(reopened.error).toBeUndefined();

    const real = await store.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
    await store.finishRun(real.id, { status: "failed", error: { code: "OPTIMIZATION_FAILED", message: "resume diverged at candidate 3" } });
    await expect(store.reopenRun(real.id)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/failed \(OPTIMIZATION_FAILED: resume diverged at candidate 3\); only interrupted, cancelled or transiently failed runs can be resumed/),
    });
    expect((await store.getRun(real.id))!.status).toBe("failed");
  });
});
