import type { Graph } from "../schema/graph.js";

/**
 * Generic prompt-engineering instructions a search may add to or remove from a system prompt.
 * The task description comes from the workflow itself (node or graph description), never from
 * knowledge of a particular model.
 */
export function defaultInstructions(graph: Graph, target: string): string[] {
  const node = graph.nodes.find((n) => n.id === target);
  const description = node?.description ?? graph.description;
  return [
    ...(description ? [`Task: ${description.split(/(?<=\.)\s/)[0]}`] : []),
    "Answer with only the final answer and nothing else.",
    "Think step by step before answering.",
    "Double-check your answer before replying.",
    "Be concise.",
  ];
}

/** Splits a system prompt into its instruction lines. */
export function instructionLines(systemPrompt: string): string[] {
  return systemPrompt
    .split(/\n+/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Joins instruction lines into a system prompt, dropping duplicates. */
export function joinInstructions(lines: readonly string[]): string {
  return [...new Set(lines.map((l) => l.trim()).filter(Boolean))].join("\n");
}

/** Crossover of two instruction sets: every line of `a`, then the lines of `b` that `a` lacks. */
export function crossoverInstructions(a: string, b: string): string {
  return joinInstructions([...instructionLines(a), ...instructionLines(b)]);
}
