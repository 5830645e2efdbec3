// Executor overhead benchmark (`npm run bench:executor`): µs per step and ratio to the latency floor,
// with and without durable run history (real SQLite through Prisma, synchronous=FULL).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createProviderRegistry, prepareGraph, runGraph, sleep, type GraphInput, type Provider, type RunHistorySink } from "../engine/index.js";
import { openDatabase } from "../server/db.js";
import { createRunHistoryStore } from "../server/store/run-history.js";
import { median, printTable } from "./timing.js";
import { langgraphAvailable, langgraphChain, langgraphFanout, langgraphFanoutRunner } from "./langgraph.js";

const waitProvider = (ms: number): Provider => ({
  id: "bench",
  async complete(req, opts) {
    if (ms > 0) await sleep(ms, opts?.signal);
    return { text: "ok", usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, latencyMs: ms, finishReason: "stop", model: req.model };
  },
});

function chain(n: number, kind: "noop" | "wait"): GraphInput {
  const nodes: unknown[] = [{ id: "n0", kind: "input", config: { fields: [{ name: "x", required: false, default: "x" }] } }];
  for (let i = 1; i < n; i++) nodes.push(step(`n${i}`, kind));
  const edges = Array.from({ length: n - 1 }, (_, i) => ({ id: `e${i}`, source: `n${i}`, target: `n${i + 1}`, kind: "pipeline" }));
  return { version: 1, id: `chain${n}`, name: "bench", nodes, edges } as GraphInput;
}

function fanout(width: number, kind: "noop" | "wait"): GraphInput {
  const nodes: unknown[] = [{ id: "in", kind: "input", config: { fields: [{ name: "x", required: false, default: "x" }] } }];
  const edges: unknown[] = [];
  for (let i = 0; i < width; i++) {
    nodes.push(step(`b${i}`, kind));
    edges.push({ id: `p${i}`, source: "in", target: `b${i}`, kind: "parallel", maxConcurrency: width }, { id: `j${i}`, source: `b${i}`, target: "join", kind: "pipeline" });
  }
  nodes.push({ id: "join", kind: "aggregate", config: { strategy: "all" } });
  return { version: 1, id: `fan${width}`, name: "bench", nodes, edges } as GraphInput;
}

// A no-op step passes its input through; a waiting step is an AI node whose provider sleeps.
function step(id: string, kind: "noop" | "wait") {
  return kind === "noop" ? { id, kind: "output", config: {} } : { id, kind: "ai", config: { provider: "bench", model: "m", prompt: "{{ inputs.x }}" } };
}

async function timeRuns(graph: GraphInput, reps: number, providerMs: number, history?: RunHistorySink): Promise<number> {
  const providers = createProviderRegistry([waitProvider(providerMs)]);
  // Validated and indexed once, as LangGraph compiles once; each run then pays only execution.
  const prepared = prepareGraph(graph);
  return median(reps, async () => {
    const r = await runGraph({ graph: prepared, inputs: {}, providers, history });
    if (r.status !== "succeeded") throw new Error(`bench run failed: ${JSON.stringify(r.error)}`);
  });
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-bench-"));
  const db = await openDatabase({ url: `file:${path.join(dir, "bench.db")}` });
  const history = createRunHistoryStore(db.prisma);
  const rows: string[][] = [];
  const lg = await langgraphAvailable();
  const cases: Array<[string, GraphInput, number, number]> = [
    ["10-node chain (no-op)", chain(10, "noop"), 10, 200],
    ["1,000-node chain (no-op)", chain(1000, "noop"), 1000, 5],
    ["10-way fan-out (no-op)", fanout(10, "noop"), 12, 200],
  ];
  // Warm-up: JIT, Prisma connection, prepared statements.
  await timeRuns(chain(10, "noop"), 50, 0, history);
  for (const [name, g, steps, reps] of cases) {
    const mem = await timeRuns(g, reps, 0);
    const dur = await timeRuns(g, reps, 0, history);
    const lgUs = lg ? await (name.startsWith("10-way") ? langgraphFanout(10, 0, reps) : langgraphChain(steps, 0, reps, false)) : undefined;
    const lgCp = lg && name.startsWith("1,000") ? await langgraphChain(steps, 0, reps, true) : undefined;
    rows.push([
      name,
      `${((mem * 1000) / steps).toFixed(1)}`,
      `${((dur * 1000) / steps).toFixed(1)}`,
      lgUs !== undefined ? `${((lgUs * 1000) / steps).toFixed(1)}` : "n/a",
      lgCp !== undefined ? `${((lgCp * 1000) / steps).toFixed(1)} (checkpointer)` : "",
    ]);
  }
  console.log("\nExecutor overhead per step (median of reps), µs/step");
  printTable(["graph", "in-memory", "durable SQLite", "LangGraph.js", ""], rows);

  await fanoutWidths(lg);

  const L = 10;
  const latency: string[][] = [];
  for (const [name, g, nominal, floorRun] of [
    ["10-node chain, 10 ms nodes", chain(11, "wait"), 10 * L, async () => { for (let i = 0; i < 10; i++) await sleep(L); }],
    ["10-way fan-out, 10 ms nodes", fanout(10, "wait"), L, () => Promise.all(Array.from({ length: 10 }, () => sleep(L)))],
  ] as Array<[string, GraphInput, number, () => Promise<unknown>]>) {
    // The measured floor is the same sleeps with no executor at all (timers overshoot ~1 ms each).
    const floor = await median(20, floorRun);
    const mem = await timeRuns(g, 20, L);
    const dur = await timeRuns(g, 20, L, history);
    const lgMs = lg ? await (name.includes("fan-out") ? langgraphFanout(10, L, 20) : langgraphChain(10, L, 20, false)) : undefined;
    latency.push([name, `${nominal} ms / ${floor.toFixed(1)} ms`, ratio(mem, floor), ratio(dur, floor), lgMs !== undefined ? ratio(lgMs, floor) : "n/a"]);
  }
  console.log("\nRatio to the measured latency floor (1.00× = no overhead; anchors: chain ≤ 1.05×, fan-out ≤ 1.2×; LangGraph.js published 1.52× on the fan-out)");
  printTable(["graph", "nominal / measured floor", "in-memory", "durable SQLite", "LangGraph.js"], latency);
  if (!lg) console.log("\n(LangGraph.js not installed: `npm i --no-save @langchain/langgraph @langchain/core` to compare side by side.)");
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Per-step cost of a no-op parallel fan-out (in → W branches → join) at widths 10–1,000, ours and
 * LangGraph.js interleaved per repetition (alternating which goes first). Targets (issue 13):
 * width 1,000 ≤ 1.5× width 10, and ≤ 0.3× LangGraph at every width.
 */
async function fanoutWidths(lg: boolean): Promise<void> {
  const widths = [10, 100, 1000];
  const providers = createProviderRegistry([waitProvider(0)]);
  const rows: string[][] = [];
  const perStep = new Map<number, number>();
  for (const w of widths) {
    const prepared = prepareGraph(fanout(w, "noop"));
    const reps = w >= 1000 ? 7 : w >= 100 ? 30 : 200;
    const ours: number[] = [];
    const theirs: number[] = [];
    const runOurs = async () => {
      const t = performance.now();
      const r = await runGraph({ graph: prepared, inputs: {}, providers });
      if (r.status !== "succeeded") throw new Error(`bench run failed: ${JSON.stringify(r.error)}`);
      ours.push(performance.now() - t);
    };
    const lgOnce = lg ? langgraphFanoutRunner(w, 0) : undefined;
    const runTheirs = async () => {
      if (lgOnce) theirs.push(await lgOnce());
    };
    await runOurs(); // warm-up
    for (let i = 0; i < reps; i++) {
      if (i % 2) {
        await runOurs();
        await runTheirs();
      } else {
        await runTheirs();
        await runOurs();
      }
    }
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const us = (mid(ours) * 1000) / (w + 2);
    perStep.set(w, us);
    const lgUs = lg ? (mid(theirs) * 1000) / (w + 2) : undefined;
    const vsNarrow = us / perStep.get(widths[0])!;
    rows.push([
      String(w),
      us.toFixed(1),
      `${vsNarrow.toFixed(2)}× ${w === widths[0] ? "" : vsNarrow <= 1.5 ? "ok" : "MISSED"} (≤ 1.5×)`,
      lgUs !== undefined ? lgUs.toFixed(1) : "n/a",
      lgUs !== undefined ? `${(us / lgUs).toFixed(2)}× ${us / lgUs <= 0.3 ? "ok" : "MISSED"} (≤ 0.3×)` : "n/a",
    ]);
  }
  console.log("\nNo-op parallel fan-out, µs per step (median, interleaved with LangGraph.js)");
  printTable(["width", "Flowtune", "÷ width 10", "LangGraph.js", "Flowtune ÷ LangGraph"], rows);
}

function ratio(ms: number, floor: number): string {
  return `${(ms / floor).toFixed(3)}× (${ms.toFixed(1)} ms)`;
}

await main();
