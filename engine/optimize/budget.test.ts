/**
 * Budgets that hold: spend is recorded with the run and restored on resume (the cap holds across
 * kills), every model call counts in the run's totals, the holdout is re-scored only within the
 * budget (or reported "not scored", never 0), and cut-short or errored evaluations are failures
 * with their reason — never zeros, never "regressed on the control set".
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJsonl } from "../dataset/parse.js";
import { ProviderError } from "../errors.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/index.js";
import type { CompletionRequest, CompletionResponse, Provider } from "../providers/types.js";
import { splitIndices } from "../dataset/split.js";
import { runOptimization, type OptimizeResult } from "./loop.js";
import { createMemoryOptimizationStore, type OptimizationStore } from "./store.js";

const qa = JSON.parse(readFileSync(new URL("../../examples/qa.flow.json", import.meta.url), "utf8"));
// Retries stay (a provider failure the node recovers from must not count), with no real backoff.
const graph = { ...qa, nodes: qa.nodes.map((n: { id: string }) => (n.id === "answer" ? { ...n, onError: { mode: "retry", maxRetries: 2, backoffMs: 1 } } : n)) };
const rows = parseJsonl(readFileSync(new URL("../../examples/qa.dataset.jsonl", import.meta.url), "utf8"));
const base = { targets: ["answer"], objectives: [{ metric: "grade", direction: "max" as const }, { metric: "tokens", direction: "min" as const }], seed: 3 };
/** Every call of the billed provider costs exactly this many tokens, so bounds are exact. */
const PER_CALL = 100;

const never = () => new Promise<never>(() => {});

/**
 * The sim behind a meter: each call takes 1–3 ms (so calls overlap) and costs PER_CALL tokens,
 * billed when the provider answers. After kill(), calls in flight are still billed (the provider
 * did the work) but never answer, and no new call gets anywhere: a process killed mid-call.
 */
function billedSim(opts: { fail?: (req: CompletionRequest) => boolean } = {}) {
  const sim = createSimProvider({ latencyScale: 0 });
  const bill = { calls: 0, tokens: 0, costUsd: 0 };
  let dead = false;
  let onBill = () => {};
  const provider: Provider = {
    id: "sim",
    async complete(req, o) {
      if (dead) return never();
      await new Promise((r) => setTimeout(r, 1 + (bill.calls % 3)));
      bill.calls++;
      if (opts.fail?.(req)) throw new ProviderError("upstream 503: service unavailable", { status: 503, retryable: true });
      const res: CompletionResponse = { ...(await sim.complete(req, o)), usage: { promptTokens: 60, completionTokens: 40, totalTokens: PER_CALL } };
      bill.tokens += PER_CALL;
      bill.costUsd += res.costUsd ?? 0;
      onBill();
      return dead ? never() : res;
    },
  };
  return {
    bill,
    providers: createProviderRegistry([provider]),
    kill: () => (dead = true),
    revive: () => (dead = false),
    onBill: (f: () => void) => (onBill = f),
  };
}

/** The store as a killed process sees it: after kill() nothing more is written (writes hang). */
function killable(inner: OptimizationStore): OptimizationStore & { kill(): void } {
  let dead = false;
  const guard =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> =>
      dead ? never() : f(...a);
  return {
    kill: () => (dead = true),
    createRun: guard(inner.createRun),
    appendCandidate: guard(inner.appendCandidate),
    saveSpend: guard(inner.saveSpend),
    loadSpend: guard(inner.loadSpend),
    finishRun: guard(inner.finishRun),
    loadCandidates: guard(inner.loadCandidates),
  };
}

describe("a budget holds across kills", () => {
  // Concurrency: the calls that can be in flight at once (qa runs one AI call per example).
  const CONCURRENCY = 3;
  const CAP = 9000;
  const KILLS = 5;

  it.each(["random", "reflective"] as const)("%s: stored spend ≤ cap; billed ≤ cap + kills × calls in flight, with the run's totals restored each time", async (strategy) => {
    const mem = createMemoryOptimizationStore();
    const meter = billedSim();
    const config = { ...base, strategy, concurrency: CONCURRENCY, limits: { maxCandidates: 60, budgetTokens: CAP } };
    let runId: string | undefined;
    let result: OptimizeResult | undefined;
    for (let attempt = 0; !result; attempt++) {
      expect(attempt).toBeLessThan(KILLS + 1);
      meter.revive();
      const store = killable(mem);
      // Each attempt but the last is killed once it has made 1,500 tokens' worth of calls.
      const killAt = attempt < KILLS ? meter.bill.tokens + 1500 : Infinity;
      let killed!: () => void;
      const dead = new Promise<"killed">((resolve) => (killed = () => resolve("killed")));
      meter.onBill(() => {
        if (meter.bill.tokens >= killAt) {
          meter.kill();
          store.kill();
          killed();
        }
      });
      const run = runOptimization({ graph, rows, providers: meter.providers, store, config, resumeRunId: runId });
      const outcome = await Promise.race([run, dead]);
      runId ??= [...mem.runs.keys()][0];
      if (outcome === "killed") {
        // Calls in flight at the kill finish (and are billed) without answering.
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      result = outcome;
    }
    const stored = mem.runs.get(runId!)!;
    const inFlight = CONCURRENCY * PER_CALL;
    // What the provider billed: the cap, plus at most the calls in flight at each kill (billed, never recorded).
    expect(meter.bill.tokens).toBeLessThanOrEqual(CAP + KILLS * inFlight);
    // What the run recorded: never over the cap (calls reserve before they start), short of the bill by at most those lost per kill.
    expect(stored.spend.tokens).toBeLessThanOrEqual(CAP);
    expect(stored.spend.tokens).toBeGreaterThanOrEqual(meter.bill.tokens - KILLS * inFlight);
    expect(stored.spend.llmCalls).toBeLessThanOrEqual(meter.bill.calls);
    // The printed summary equals what is stored.
    expect(result).toMatchObject({ status: "completed", budgetExhausted: true, tokensSpent: stored.spend.tokens, llmCalls: stored.spend.llmCalls });
    expect(result.stopReason).toMatch(/^budget exhausted \(/);
    expect(stored).toMatchObject({ status: "completed", summary: { budgetExhausted: true, stopReason: result.stopReason } });
    // Every candidate stored once; none of them scored as zeros by the budget.
    const keys = stored.candidates.map((c) => `${c.index}/${c.split}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of stored.candidates) if (c.status === "rejected") expect(c.rejectReason).not.toMatch(/budget/);
    for (const p of [result.baseline, result.best, ...result.pareto]) {
      if (p.test === null) expect(p.testStatus).toBe("not scored (budget exhausted)");
      else expect(p.testStatus).toBe("scored");
    }
  });
});

describe("every model call counts in the run's totals", () => {
  it.each(["reflective", "bootstrap_fewshot"] as const)("%s: stored llmCalls and tokens equal what the provider was called for", async (strategy) => {
    const mem = createMemoryOptimizationStore();
    const meter = billedSim();
    const r = await runOptimization({ graph, rows, providers: meter.providers, store: mem, config: { ...base, strategy, limits: { maxCandidates: 6 } } });
    const stored = mem.runs.get(r.runId)!;
    expect(stored.spend).toMatchObject({ tokens: meter.bill.tokens, llmCalls: meter.bill.calls });
    expect(stored.spend.costUsd).toBeCloseTo(meter.bill.costUsd, 12);
    expect([r.tokensSpent, r.llmCalls]).toEqual([meter.bill.tokens, meter.bill.calls]);
    // Minibatches, reflection, traces and test re-scores are outside the candidates: the totals are more than their sum.
    const candidateTokens = stored.candidates.reduce((s, c) => s + c.tokens, 0);
    expect(stored.spend.tokens).toBeGreaterThan(stored.candidates.filter((c) => c.split === "validation").reduce((s, c) => s + c.tokens, 0));
    expect(stored.spend.tokens).toBeGreaterThanOrEqual(candidateTokens);
  });
});

describe("the holdout and the budget", () => {
  it("a budget spent before the test re-scoring reports the test as not scored (never 0) and completes with the budget stop", async () => {
    const mem = createMemoryOptimizationStore();
    const meter = billedSim();
    // No reserve: the search may spend everything, and does (up to the call that no longer fits).
    const r = await runOptimization({ graph, rows, providers: meter.providers, store: mem, config: { ...base, strategy: "random", concurrency: 4, limits: { maxCandidates: 50, budgetTokens: 3000, holdoutReserve: 0 } } });
    expect(r.status).toBe("completed");
    expect(r.budgetExhausted).toBe(true);
    expect(r.stopReason).toMatch(/^budget exhausted \(\d+ of 3000 tokens spent\): the next call could need \d+ tokens, \d+ remain$/);
    expect(r.baseline).toMatchObject({ test: null, testStatus: "not scored (budget exhausted)" });
    expect(r.best).toMatchObject({ test: null, testStatus: "not scored (budget exhausted)" });
    const stored = mem.runs.get(r.runId)!;
    expect(stored.status).toBe("completed");
    expect(stored.summary!.baseline.test).toBeNull();
    // No test re-score was stored as an evaluated set of zeros.
    expect(stored.candidates.filter((c) => c.split === "test" && c.status === "evaluated")).toEqual([]);
    // The candidate the budget cut short is a failure with the reason, not a regression, and not on the front.
    const cut = r.candidates.find((c) => c.perExample.some((e) => e.status === "error"))!;
    expect(cut).toMatchObject({ status: "failed" });
    expect(cut.rejectReason).toMatch(/^budget exhausted \(.*\): \d+ of \d+ examples scored$/);
    // (Before budgets were phase-aware, the refused calls scored 0 and this candidate was "regressed on the control set".)
    expect(cut.rejectReason).not.toMatch(/regressed/);
    expect(r.pareto.map((p) => p.index)).not.toContain(cut.index);
    expect(stored.spend.tokens).toBeLessThanOrEqual(3000);
  });

  it("the reserve keeps the test re-scoring of the baseline and the best within the budget", async () => {
    const mem = createMemoryOptimizationStore();
    const meter = billedSim();
    const cap = 6000;
    const r = await runOptimization({ graph, rows, providers: meter.providers, store: mem, config: { ...base, strategy: "random", concurrency: 2, limits: { maxCandidates: 50, budgetTokens: cap, holdoutReserve: 0.5 } } });
    expect(r.budgetExhausted).toBe(true);
    expect(r.stopReason).toMatch(/^budget exhausted \(\d+ of 6000 tokens spent; 3000 kept for the test re-scoring\)/);
    expect(r.baseline.testStatus).toBe("scored");
    expect(r.best.testStatus).toBe("scored");
    expect(typeof r.baseline.test!.grade).toBe("number");
    expect(meter.bill.tokens).toBeLessThanOrEqual(cap);
    expect(mem.runs.get(r.runId)!.spend.tokens).toBe(meter.bill.tokens);
  });

  it("a resume after the budget is spent does not evaluate again: it adopts the stored candidates and finishes", async () => {
    const mem = createMemoryOptimizationStore();
    const meter = billedSim();
    const config = { ...base, strategy: "random" as const, concurrency: 2, limits: { maxCandidates: 50, budgetTokens: 4000 } };
    const first = await runOptimization({ graph, rows, providers: meter.providers, store: mem, config });
    // Reopen the finished run as if it had been killed before finishing: the spend is already at the cap.
    mem.runs.get(first.runId)!.status = "running";
    const billed = meter.bill.calls;
    const again = await runOptimization({ graph, rows, providers: meter.providers, store: mem, config, resumeRunId: first.runId });
    expect(meter.bill.calls).toBe(billed);
    expect(again.candidates.map((c) => c.index)).toEqual(first.candidates.map((c) => c.index));
    expect(again).toMatchObject({ budgetExhausted: true, tokensSpent: first.tokensSpent, best: first.best, baseline: first.baseline });
  });
});

describe("a provider failure is never a score of 0", () => {
  const split = { train: 0, validation: 1, test: 1 };
  // A validation row's question (same seed and split as the run below).
  const question = rows[splitIndices(rows, { seed: base.seed, fractions: { train: 0, validation: 0.5, test: 0.5 } }).validation[0]].question as string;

  it("an example whose provider call fails is an error; its candidate is failed with the reason, metrics over the scored examples", async () => {
    // The provider is down for one question whenever the request is not the baseline's: every tuned candidate meets it.
    let baselineRequest: string | undefined;
    const fail = (req: CompletionRequest) => {
      const key = JSON.stringify(req);
      if (!key.includes(question)) return false;
      baselineRequest ??= key;
      return key !== baselineRequest;
    };
    const meter = billedSim({ fail });
    const config = { ...base, strategy: "random" as const, limits: { maxCandidates: 4 }, split };
    const r = await runOptimization({ graph, rows, providers: meter.providers, store: createMemoryOptimizationStore(), config });
    const tuned = r.candidates.filter((c) => c.index > 0 && c.perExample.length > 0);
    expect(tuned.length).toBeGreaterThan(0);
    for (const c of tuned) {
      const errored = c.perExample.filter((e) => e.status === "error");
      expect(errored).toHaveLength(1);
      expect(errored[0]).toMatchObject({ error: "upstream 503: service unavailable", scores: {} });
      expect(c.status).toBe("failed");
      expect(c.rejectReason).toMatch(/^provider error: (\d+) of \d+ examples scored \(upstream 503: service unavailable\)$/);
      expect(c.metrics).toMatchObject({ n: c.perExample.length - 1, errors: 1 });
      // The mean is over the scored examples only.
      const scored = c.perExample.filter((e) => e.status !== "error");
      expect(c.metrics.grade).toBeCloseTo(scored.reduce((s, e) => s + e.scores.grade, 0) / scored.length);
      expect(c.objectives.every(Number.isNaN)).toBe(true);
    }
    expect(r.pareto.map((p) => p.index)).toEqual([0]);
    expect(r.best.index).toBe(0);
  });

  it("a provider failure the node's retry recovers from is scored as usual", async () => {
    const seen = new Set<string>();
    // Each distinct request fails once, then succeeds on the node's retry.
    const meter = billedSim({ fail: (req) => !seen.has(JSON.stringify(req)) && (seen.add(JSON.stringify(req)), true) });
    const r = await runOptimization({ graph, rows, providers: meter.providers, store: createMemoryOptimizationStore(), config: { ...base, strategy: "random", limits: { maxCandidates: 2 } } });
    for (const c of r.candidates) {
      expect(c.status).not.toBe("failed");
      expect(c.perExample.every((e) => e.status === "scored")).toBe(true);
    }
    expect(r.baseline.testStatus).toBe("scored");
  });
});
