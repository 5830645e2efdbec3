import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { runGraph } from "../executor/run.js";
import { configureLimits, DEFAULT_LIMITS, limits } from "../limits.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/index.js";
import type { GraphInput } from "../schema/graph.js";
import { closeTemplateWorkers, templateWorkerStats } from "../template/render.js";
import { RenderWorkerPool } from "../template/worker-pool.js";
import { compileSafeRegex, RegexWorkError } from "../util/safe-regex.js";
import { MetricCheckError } from "./check-error.js";
import { regex } from "./metrics/regex.js";

// A pattern a user might write to check a long answer (about 100 RE2 instructions).
const LEGIT = "(?:^|\\n)(?:Total|Amount due|Balance due|Grand total|Total due|Sum)\\s*[:=]\\s*(?:USD|EUR|GBP|CHF|\\$|€|£)?\\s*\\d{1,3}(?:,\\d{3})*(?:\\.\\d{2})?\\s*(?:$|\\n)";
const longAnswer = (chars: number) => {
  const line = "Item: widget, quantity 3, unit price 4.50, subtotal 13.50\n";
  return line.repeat(Math.ceil(chars / line.length)).slice(0, chars - 20) + "\nTotal: $1,234.50\n";
};
// A 20-character family that defeats RE2's DFA cache: 45,000,000 units took 0.14–3 s (measured; the DFA cache makes it vary).
const SLOW = "(?:\\p{L}?){665}\\p{L}{665}q";
const slowText = (units: number) => "É".repeat(Math.floor(units / 1_998) - 2) + "q";

const score = async (actual: string, pattern: string, owner?: string, caseSensitive = false) => regex.score({ actual, pattern, caseSensitive }, { owner });

afterEach(() => {
  configureLimits({});
  vi.restoreAllMocks();
});
afterAll(() => closeTemplateWorkers());

describe("regex metric beyond the inline budget (regexWorkerWorkUnits, regexWorkerMs)", () => {
  it("checks a 100,000-character answer with a 100-instruction pattern, in a worker", async () => {
    const re = compileSafeRegex(LEGIT, { caseInsensitive: true });
    expect(re.programSize).toBeGreaterThanOrEqual(100);
    const text = longAnswer(100_000);
    // 25× the inline budget: this used to score 0 ("could not be checked").
    expect(re.programSize * text.length).toBeGreaterThan(20 * DEFAULT_LIMITS.regexWorkUnits);
    const before = (await templateWorkerStats())?.dispatched ?? 0;
    await expect(score(text, LEGIT)).resolves.toEqual({ score: 1, feedback: `matches /${LEGIT}/` });
    await expect(score(text.replace("Total", "Tota1"), LEGIT)).resolves.toMatchObject({ score: 0, feedback: expect.stringMatching(/it did not$/) });
    expect((await templateWorkerStats())!.dispatched - before).toBe(2);
  });

  it("runs a match within the inline budget inline, with no worker", async () => {
    const spy = vi.spyOn(RenderWorkerPool.prototype, "testRegex");
    await expect(score("Total: 12.00", LEGIT)).resolves.toMatchObject({ score: 1 });
    expect(spy).not.toHaveBeenCalled();
  });

  it("throws a MetricCheckError naming regexWorkerWorkUnits beyond the worker's limit, without using a worker", async () => {
    const spy = vi.spyOn(RenderWorkerPool.prototype, "testRegex");
    const err = await score(slowText(60_000_000), SLOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricCheckError);
    expect((err as MetricCheckError).code).toBe("NODE_EXECUTION_FAILED");
    expect((err as Error).message).toMatch(
      /^the answer could not be checked against \/.*\/: text too long for this pattern: 30,0\d\d characters × 1,998 program instructions is over the regex work limit of 50,000,000 \(regexWorkerWorkUnits\)$/,
    );
    expect(spy).not.toHaveBeenCalled();
  });

  it("throws a MetricCheckError naming regexWorkerMs when the match outlives its deadline, and the next match still runs", async () => {
    configureLimits({ regexWorkerMs: 20 });
    const err = await score(slowText(45_000_000), SLOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricCheckError);
    expect((err as Error).message).toMatch(/: regex match exceeded 20 ms \(regexWorkerMs\)$/);
    configureLimits({});
    await expect(score(longAnswer(100_000), LEGIT)).resolves.toMatchObject({ score: 1 });
  });

  it("an evaluation node whose check cannot run fails naming the limit (not a score of 0)", async () => {
    configureLimits({ regexWorkUnits: 1_000, regexWorkerWorkUnits: 5_000 });
    const graph = {
      version: 1,
      id: "t",
      name: "t",
      nodes: [
        { id: "in", kind: "input", config: { fields: [{ name: "question" }] } },
        { id: "grade", kind: "evaluation", config: { metric: "regex", actual: "{{ inputs.question }}", pattern: "^[a-z ]+$" } },
      ],
      edges: [{ id: "e1", source: "in", target: "grade", kind: "pipeline" }],
    } as GraphInput;
    const providers = createProviderRegistry([createSimProvider({ latencyScale: 0 })]);
    const r = await runGraph({ graph, inputs: { question: "x".repeat(2_000) }, providers });
    expect(r.status).toBe("failed");
    expect(r.nodes.grade.status).toBe("failed");
    expect(r.nodes.grade.output).toBeUndefined();
    expect(r.nodes.grade.error).toMatchObject({ code: "NODE_EXECUTION_FAILED", nodeId: "grade", message: expect.stringMatching(/over the regex work limit of 5,000 \(regexWorkerWorkUnits\)$/) });
    // Within the worker's limit it is scored.
    const ok = await runGraph({ graph, inputs: { question: "x".repeat(400) }, providers });
    expect(ok.nodes.grade.output).toMatchObject({ score: 1, passed: true });
  });
});

describe("regex jobs in the worker pool", () => {
  it("serve owners in turn with renders: one owner's backlog of slow matches delays another by about one match", async () => {
    const pool = new RenderWorkerPool(1);
    const lim = { ...limits(), regexWorkerMs: 20 };
    const done: string[] = [];
    const slow = (i: number) =>
      pool
        .testRegex({ pattern: SLOW, caseInsensitive: true, text: slowText(45_000_000), limits: lim, owner: "optimization-a" })
        .catch((e: Error) => {
          expect(e).toBeInstanceOf(RegexWorkError);
          expect(e.message).toBe("regex match exceeded 20 ms (regexWorkerMs)");
        })
        .then(() => done.push(`a${i}`));
    const backlog = Array.from({ length: 5 }, (_, i) => slow(i));
    await new Promise((r) => setTimeout(r, 0));
    const other = pool.render({ source: "{% if true %}b{% endif %}", scope: {}, limits: lim, owner: "run-b" }).then((t) => done.push(t));
    await Promise.all([...backlog, other]);
    await pool.close();
    expect(done.indexOf("b")).toBeLessThanOrEqual(1);
  });

  it("drops a queued match when its signal aborts, and fails queued matches on close", async () => {
    const pool = new RenderWorkerPool(1);
    const lim = { ...limits(), regexWorkerMs: 20 };
    const running = pool.testRegex({ pattern: SLOW, caseInsensitive: true, text: slowText(45_000_000), limits: lim, owner: "a" }).catch((e: Error) => e.message);
    const ctl = new AbortController();
    const queued = pool.testRegex({ pattern: "x", caseInsensitive: false, text: "x", limits: lim, owner: "b", signal: ctl.signal });
    ctl.abort();
    await expect(queued).rejects.toThrow("regex match cancelled");
    expect(await running).toBe("regex match exceeded 20 ms (regexWorkerMs)");
    expect(pool.stats.dispatched).toBe(1);
    const last = pool.testRegex({ pattern: SLOW, caseInsensitive: true, text: slowText(40_000_000), limits: lim, owner: "a" }).catch((e: Error) => e);
    await pool.close();
    expect(await last).toEqual(new RegexWorkError("regex worker closed"));
  });
});

describe("event loop while many big matches run", () => {
  it("stays responsive: 40 matches over the inline budget (8 of them slow, up to the 1 s deadline) from 4 owners", async () => {
    await closeTemplateWorkers();
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const started = performance.now();
    const jobs = Array.from({ length: 40 }, (_, i) =>
      i % 5 === 0
        ? score(slowText(45_000_000), SLOW, `owner-${i % 4}`).then(
            () => "matched",
            (e: Error) => e.message,
          )
        : score(longAnswer(100_000 + i), LEGIT, `owner-${i % 4}`).then((r) => r.score),
    );
    const results = await Promise.all(jobs);
    h.disable();
    const maxStallMs = h.max / 1e6;
    console.log(`40 big regex matches: ${(performance.now() - started).toFixed(0)} ms wall, longest event-loop stall ${maxStallMs.toFixed(1)} ms (p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms)`);
    expect(results.filter((r) => r === 1)).toHaveLength(32);
    // The slow ones match or stop at the deadline, depending on RE2's DFA cache and the machine's load.
    expect(results.filter((r) => r === "matched" || (typeof r === "string" && r.endsWith("regex match exceeded 1,000 ms (regexWorkerMs)")))).toHaveLength(8);
    // Run inline, the 8 slow matches alone would hold the loop ~3 s each. Measured 25–150 ms on a loaded 2-core
    // machine, where two worker threads doing nothing but spin gave 34–314 ms: what remains is CPU scheduling.
    expect(maxStallMs).toBeLessThan(250);
  }, 60_000);
});
