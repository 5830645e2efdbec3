// Helpers for executor unit tests: graph builders and a scripted in-memory provider.
import { createProviderRegistry } from "../providers/registry.js";
import { sleep } from "../providers/retry.js";
import type { CompletionRequest, Provider } from "../providers/types.js";
import type { RunEvent } from "../schema/events.js";
import type { GraphInput } from "../schema/graph.js";

export interface ScriptedCall {
  model: string;
  prompt: string;
  aborted: boolean;
  startedAt: number;
  endedAt?: number;
}

/**
 * A provider whose behaviour is chosen by the model name: `echo` replies with the prompt,
 * `slow-N` waits N ms, `delay` waits as many ms as the prompt says, `fail-K` fails the first K calls, `hang` never answers (until aborted).
 * `reply:TEXT` replies with TEXT.
 */
export function scriptedProvider(id = "test") {
  const calls: ScriptedCall[] = [];
  const failures = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const provider: Provider = {
    id,
    async complete(req: CompletionRequest, opts) {
      const prompt = req.messages.at(-1)!.content;
      const call: ScriptedCall = { model: req.model, prompt, aborted: false, startedAt: performance.now() };
      calls.push(call);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const onAbort = () => (call.aborted = true);
      opts?.signal?.addEventListener("abort", onAbort);
      try {
        const [kind, arg] = req.model.split(/[-:](.*)/s);
        if (kind === "slow") await sleep(Number(arg), opts?.signal);
        if (kind === "delay") await sleep(Number(prompt), opts?.signal);
        if (kind === "hang") await sleep(1e9, opts?.signal);
        if (kind === "fail") {
          const n = (failures.get(prompt) ?? 0) + 1;
          failures.set(prompt, n);
          if (n <= Number(arg)) throw new Error(`scripted failure ${n}`);
        }
        const text = kind === "reply" ? arg : prompt;
        return { text, usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 }, latencyMs: 0, costUsd: 0.001, finishReason: "stop", model: req.model };
      } finally {
        inFlight--;
        call.endedAt = performance.now();
        opts?.signal?.removeEventListener("abort", onAbort);
      }
    },
  };
  return { provider, calls, registry: createProviderRegistry([provider]), maxInFlight: () => maxInFlight };
}

/** An AI node using the scripted provider. */
export function aiNode(id: string, model: string, prompt = "{{ input }}", extra: Record<string, unknown> = {}) {
  return { id, kind: "ai" as const, config: { provider: "test", model, prompt }, ...extra };
}

/** A graph document from nodes and `[source, target, kind?, extra?]` edges. */
export function graph(nodes: unknown[], edges: Array<[string, string, string?, Record<string, unknown>?]>, extra: Record<string, unknown> = {}): GraphInput {
  return {
    version: 1,
    id: "test",
    name: "test",
    nodes: [{ id: "in", kind: "input", config: { fields: [{ name: "q" }] } }, ...nodes],
    edges: edges.map(([source, target, kind = "pipeline", more = {}], i) => ({ id: `e${i}`, source, target, kind, ...more })),
    ...extra,
  } as GraphInput;
}

/** Node statuses from an event list (last event wins). */
export function statuses(events: RunEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events) {
    if (e.type.startsWith("node.") && !e.type.startsWith("node.item.") && e.type !== "node.partial" && e.type !== "node.retrying" && !e.type.startsWith("node.tool_")) {
      out[(e as { nodeId: string }).nodeId] = e.type.slice(5);
    }
  }
  return out;
}
