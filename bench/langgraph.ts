// The same graph shapes built with LangGraph.js, timed in the same process for side-by-side ratios.
import type * as LangGraph from "@langchain/langgraph";
import { median } from "./timing.js";

type LG = typeof LangGraph;

let lg: LG | undefined;

/** True when @langchain/langgraph can be loaded (it is a devDependency). */
export async function langgraphAvailable(): Promise<boolean> {
  try {
    lg = await import("@langchain/langgraph");
    return true;
  } catch {
    return false;
  }
}

const wait = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** Median ms of an n-node LangGraph chain whose nodes wait `ms`; optionally with the in-memory checkpointer. */
export async function langgraphChain(n: number, ms: number, reps: number, checkpointer: boolean): Promise<number> {
  const { StateGraph, Annotation, START, END, MemorySaver } = lg!;
  const State = Annotation.Root({ x: Annotation<number>() });
  // Typed loosely: node names are generated at run time.
  const g = new StateGraph(State) as unknown as {
    addNode(name: string, f: (s: { x: number }) => Promise<{ x: number }>): unknown;
    addEdge(a: string, b: string): unknown;
    compile(o?: unknown): { invoke(i: unknown, c?: unknown): Promise<unknown> };
  };
  for (let i = 0; i < n; i++) g.addNode(`n${i}`, async (s) => (await wait(ms), { x: s.x + 1 }));
  g.addEdge(START, "n0");
  for (let i = 0; i < n - 1; i++) g.addEdge(`n${i}`, `n${i + 1}`);
  g.addEdge(`n${n - 1}`, END);
  const app = g.compile(checkpointer ? { checkpointer: new MemorySaver() } : undefined);
  let thread = 0;
  return median(reps, () => app.invoke({ x: 0 }, { recursionLimit: n + 10, configurable: { thread_id: `t${thread++}` } }));
}

/** Median ms of a LangGraph fan-out of `width` nodes waiting `ms`, joined by one node. */
export async function langgraphFanout(width: number, ms: number, reps: number): Promise<number> {
  const once = langgraphFanoutRunner(width, ms);
  return median(reps, once);
}

/** A compiled LangGraph fan-out (compiled once, as Flowtune prepares once): each call runs it and returns its ms. */
export function langgraphFanoutRunner(width: number, ms: number): () => Promise<number> {
  const { StateGraph, Annotation, START, END } = lg!;
  const State = Annotation.Root({ xs: Annotation<number[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });
  const g = new StateGraph(State) as unknown as {
    addNode(name: string, f: (s: { xs: number[] }) => Promise<{ xs: number[] }>): unknown;
    addEdge(a: string | string[], b: string): unknown;
    compile(): { invoke(i: unknown, c?: unknown): Promise<unknown> };
  };
  const names = Array.from({ length: width }, (_, i) => `b${i}`);
  for (const name of names) g.addNode(name, async () => (await wait(ms), { xs: [1] }));
  g.addNode("join", async (s) => ({ xs: [s.xs.length] }));
  for (const name of names) g.addEdge(START, name);
  g.addEdge(names, "join");
  g.addEdge("join", END);
  const app = g.compile();
  return async () => {
    const t = performance.now();
    await app.invoke({ xs: [] });
    return performance.now() - t;
  };
}
