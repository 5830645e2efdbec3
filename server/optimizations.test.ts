/**
 * The optimizations, datasets and parameters routers through `createCaller`, on real services
 * (SQLite in a temp directory, the sim provider): background optimizations, their progress
 * stream, cancel/resume, and resume across a restart of the services.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isTrackedEnvelope } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./router.js";
import type { OptimizationProgressEvent } from "./services/optimizations.js";
import { createAppServices, type AppServices } from "./services/app.js";
import { createContext } from "./trpc.js";
import { expectTRPCError } from "./test-app.js";

type Caller = ReturnType<typeof createCaller>;

const QA_TEXT = readFileSync(path.join(import.meta.dirname, "../examples/qa.dataset.jsonl"), "utf8");
const config = (strategy: "nsga2" | "tpe" | "random", maxCandidates: number) => ({
  targets: ["answer"],
  strategy,
  objectives: [
    { metric: "grade", direction: "max" as const },
    { metric: "tokens", direction: "min" as const },
  ],
  limits: { maxCandidates },
  seed: 1,
});

let dir: string;
let services: AppServices;
let caller: Caller;

async function open(file: string, latencyScale: number, resumeOptimizations = false): Promise<{ services: AppServices; caller: Caller }> {
  const s = await createAppServices({ databaseUrl: `file:${path.join(dir, file)}`, latencyScale, seedExamples: true, resumeOptimizations });
  return { services: s, caller: createCaller(createContext(s)) };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-opt-api-"));
  ({ services, caller } = await open("x.db", 0));
  await caller.datasets.import({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_TEXT });
});

afterAll(async () => {
  await services?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Reads a progress subscription to its end (or until `until` says stop); every item is tracked with its seq. */
async function readProgress(iterable: AsyncIterable<unknown>, until?: (e: OptimizationProgressEvent) => boolean): Promise<OptimizationProgressEvent[]> {
  const events: OptimizationProgressEvent[] = [];
  for await (const item of iterable) {
    if (!isTrackedEnvelope<OptimizationProgressEvent>(item)) throw new Error(`untracked item: ${JSON.stringify(item)}`);
    const [id, event] = item;
    expect(id).toBe(String(event.seq));
    events.push(event);
    if (until?.(event)) break;
  }
  return events;
}

/** Every stored candidate of a run, all splits. */
async function allCandidates(c: Caller, runId: string) {
  const out = [];
  let cursor: number | undefined;
  do {
    const page = await c.optimizations.candidates({ runId, limit: 1000, cursor });
    out.push(...page.candidates);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

/** Each (index, split) stored exactly once, and validation indexes 0..n-1. */
function expectEachOnce(candidates: Array<{ index: number; split: string }>, n: number): void {
  const keys = candidates.map((c) => `${c.index}/${c.split}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(candidates.filter((c) => c.split === "validation").map((c) => c.index)).toEqual([...Array(n).keys()]);
}

describe("optimizations router", () => {
  it("start returns at once; the run completes in the background and beats the baseline; progress is ordered and resumable", async () => {
    const { runId } = await caller.optimizations.start({ workflowId: "qa", config: config("nsga2", 8), dataset: "qa" });
    const started = await caller.optimizations.get({ runId });
    expect(started.status).toBe("running");

    const events = await readProgress(await caller.optimizations.progress({ runId }));
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(events[0]).toMatchObject({ type: "status", status: "running" });
    const last = events[events.length - 1];
    expect(last).toMatchObject({ type: "status", status: "completed", candidates: 8, maxCandidates: 8 });
    expect(last.versions?.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === "candidate").map((e) => e.candidates)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // A reconnecting client gets only what it has not seen.
    const tail = await readProgress(await caller.optimizations.progress({ runId, lastEventId: String(events[2].seq) }));
    expect(tail).toEqual(events.slice(3));

    const run = await caller.optimizations.get({ runId });
    expect(run.status).toBe("completed");
    const { best, baseline } = run as unknown as { best: { test: { grade: number } }; baseline: { test: { grade: number } } };
    expect(best.test.grade).toBeGreaterThan(baseline.test.grade);
    expect((await caller.optimizations.list({ workflowId: "qa", status: "completed" })).runs.map((r) => r.id)).toContain(runId);
    const page = await caller.optimizations.candidates({ runId, split: "validation", limit: 3 });
    expect(page.candidates.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(page.candidates[0]).not.toHaveProperty("perExample");
    expect(page.nextCursor).toBeDefined();
    // The front was saved as candidate versions of the target node.
    const versions = await caller.parameters.versions({ workflowId: "qa", nodeId: "answer" });
    expect(versions.versions.some((v) => v.optimizationRunId === runId)).toBe(true);
  });

  it("a run no longer in memory yields its stored final state", async () => {
    const { services: other, caller: c } = await open("x.db", 0);
    try {
      const [run] = (await c.optimizations.list({ status: "completed", limit: 1 })).runs;
      const events = await readProgress(await c.optimizations.progress({ runId: run.id }));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ status: "completed", candidates: 8, maxCandidates: 8 });
    } finally {
      await other.close();
    }
  });

  it("rejects bad requests with located errors", async () => {
    await expectTRPCError(caller.optimizations.start({ workflowId: "nope", config: config("random", 4), dataset: "qa" }), "NOT_FOUND");
    await expectTRPCError(caller.optimizations.start({ workflowId: "qa", config: config("random", 4), dataset: "nope" }), "NOT_FOUND");
    const bad = await expectTRPCError(caller.optimizations.start({ workflowId: "qa", config: { ...config("random", 4), targets: ["grade"] }, dataset: "qa" }), "BAD_REQUEST");
    expect(bad.message).toMatch(/grade/);
    await expectTRPCError(caller.optimizations.get({ runId: "nope" }), "NOT_FOUND");
    await expectTRPCError(caller.optimizations.progress({ runId: "nope" }), "NOT_FOUND");
    await expectTRPCError(caller.optimizations.resume({ runId: "nope" }), "NOT_FOUND");
  });

  it("cancel then resume completes with every candidate stored once", async () => {
    const { services: slow, caller: c } = await open("cancel.db", 0.05);
    try {
      await c.datasets.import({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_TEXT });
      const { runId } = await c.optimizations.start({ workflowId: "qa", config: config("tpe", 10), dataset: "qa" });
      await readProgress(await c.optimizations.progress({ runId }), (e) => e.candidates >= 3);
      expect(await c.optimizations.cancel({ runId })).toEqual({ cancelled: true, status: "cancelled" });
      expect((await c.optimizations.get({ runId })).status).toBe("cancelled");
      expect(await c.optimizations.cancel({ runId })).toEqual({ cancelled: false, status: "cancelled" });

      await c.optimizations.resume({ runId });
      await expectTRPCError(c.optimizations.resume({ runId }), "CONFLICT");
      const events = await readProgress(await c.optimizations.progress({ runId }));
      expect(events[events.length - 1].status).toBe("completed");
      expectEachOnce(await allCandidates(c, runId), 10);
    } finally {
      await slow.close();
    }
  });

  it("closing the services mid-optimization interrupts it; new services on the same DB resume and complete it", async () => {
    const first = await open("restart.db", 0.05);
    let runId: string;
    try {
      await first.caller.datasets.import({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_TEXT });
      ({ runId } = await first.caller.optimizations.start({ workflowId: "qa", config: config("tpe", 10), dataset: "qa" }));
      await readProgress(await first.caller.optimizations.progress({ runId }), (e) => e.candidates >= 3);
    } finally {
      await first.services.close();
    }
    const peek = await open("restart.db", 0);
    expect((await peek.caller.optimizations.get({ runId })).status).toBe("interrupted");
    await peek.services.close();
    const second = await open("restart.db", 0.05, true);
    try {
      const events = await readProgress(await second.caller.optimizations.progress({ runId }));
      expect(events[events.length - 1].status).toBe("completed");
      expect((await second.caller.optimizations.get({ runId })).status).toBe("completed");
      expectEachOnce(await allCandidates(second.caller, runId), 10);
    } finally {
      await second.services.close();
    }
  });
});

describe("datasets router", () => {
  it("imports, lists, pages and deletes datasets", async () => {
    const imported = await caller.datasets.import({ name: "tiny", fileName: "tiny.csv", text: "q,a\n1,2\n3,4\n5,6\n" });
    expect(imported).toMatchObject({ name: "tiny", version: 1, rows: 3, created: true });
    expect((await caller.datasets.import({ name: "tiny", fileName: "tiny.csv", text: "q,a\n1,2\n3,4\n5,6\n" })).created).toBe(false);
    expect((await caller.datasets.list()).map((d) => d.name)).toEqual(expect.arrayContaining(["qa", "tiny"]));
    const page = await caller.datasets.get({ nameOrId: "tiny", offset: 1, limit: 1 });
    expect(page.records).toEqual([{ index: 1, data: { q: "3", a: "4" } }]);
    expect((await caller.datasets.get({ nameOrId: imported.id })).records).toHaveLength(3);
    await expectTRPCError(caller.datasets.get({ nameOrId: "tiny", version: 9 }), "NOT_FOUND");
    await expectTRPCError(caller.datasets.import({ name: "", fileName: "x.csv", text: "a\n1" }), "BAD_REQUEST");
    // qa was used by an optimization.
    await expectTRPCError(caller.datasets.delete({ nameOrId: "qa" }), "CONFLICT");
    expect(await caller.datasets.delete({ nameOrId: "tiny" })).toEqual({ deleted: 1 });
    await expectTRPCError(caller.datasets.delete({ nameOrId: "tiny" }), "NOT_FOUND");
  });
});

describe("parameters router", () => {
  it("promote, rollback, diff and audit, with NOT_FOUND and CONFLICT mapped", async () => {
    const ref = { workflowId: "qa", nodeId: "answer" };
    const { versions } = await caller.parameters.versions(ref);
    const candidate = versions.find((v) => v.version > 1)!;
    expect(candidate).toBeDefined();
    await expectTRPCError(caller.parameters.promote({ ...ref, version: 999, reason: "nope" }), "NOT_FOUND");
    await expectTRPCError(caller.parameters.rollback({ ...ref, reason: "nothing promoted yet" }), "CONFLICT");

    const moved = await caller.parameters.promote({ ...ref, version: candidate.version, reason: "better grade" });
    expect(moved).toMatchObject({ changed: true, from: 1, to: candidate.version });
    expect((await caller.parameters.production(ref)).version.version).toBe(candidate.version);
    const diff = await caller.parameters.diff({ ...ref, a: 1, b: candidate.version });
    expect(diff.changes.length).toBeGreaterThan(0);

    expect(await caller.parameters.rollback({ ...ref, reason: "regression" })).toMatchObject({ changed: true, to: 1 });
    const production = await caller.parameters.production(ref);
    expect(production.version.version).toBe(1);
    expect(production.history.map((m) => m.action)).toEqual(["baseline", "promote", "rollback"]);
    const audit = await caller.parameters.audit({ workflowId: "qa", nodeId: "answer", limit: 10 });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(["promote", "rollback"]));
    expect(audit.find((e) => e.action === "promote")?.actor).toBe("local");
    await expectTRPCError(caller.parameters.diff({ ...ref, a: 1, b: 999 }), "NOT_FOUND");
  });
});
