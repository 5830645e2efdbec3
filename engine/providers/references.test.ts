// Where a graph names a provider, and the issues for the ones not configured.
import { describe, expect, it } from "vitest";
import { providerNotConfigured, providerReferences, unavailableProviderIssues } from "./references.js";

const graph = {
  nodes: [
    { id: "in", kind: "input", config: { fields: [{ name: "q" }] } },
    { id: "ask", kind: "ai", config: { provider: "local", model: "m", prompt: "{{ inputs.q }}" } },
    { id: "dflt", kind: "ai", config: { model: "sim-small", prompt: "x" } },
    { id: "judge", kind: "evaluation", config: { metric: "llm_judge", judge: { provider: "gpt", model: "g" } } },
    { id: "judge2", kind: "evaluation", config: { metric: "llm_judge" } },
    { id: "exact", kind: "evaluation", config: { metric: "exact_match", judge: { provider: "ignored" } } },
    { id: "opt", kind: "optimizer", config: { strategy: "reflective", reflection: { provider: "big", model: "b" } } },
    { id: "opt2", kind: "optimizer", config: { strategy: "tpe", reflection: { provider: "unused" } } },
    { id: "blank", kind: "ai", config: { provider: "  ", model: "m" } },
    null,
    { kind: "ai", config: { provider: "no-id" } },
    { id: "noconfig", kind: "ai" },
  ],
};

describe("providerReferences", () => {
  it("finds AI providers (default sim), llm_judge judges (default sim) and reflective optimizers; skips what the schema reports", () => {
    expect(providerReferences(graph)).toEqual([
      { nodeId: "ask", field: "config.provider", provider: "local", usedBy: "run" },
      { nodeId: "dflt", field: "config.provider", provider: "sim", usedBy: "run" },
      { nodeId: "judge", field: "config.judge.provider", provider: "gpt", usedBy: "run" },
      { nodeId: "judge2", field: "config.judge.provider", provider: "sim", usedBy: "run" },
      { nodeId: "opt", field: "config.reflection.provider", provider: "big", usedBy: "optimize" },
    ]);
    expect(providerReferences({})).toEqual([]);
    expect(providerReferences({ nodes: "nope" })).toEqual([]);
  });
});

describe("unavailableProviderIssues", () => {
  const known = new Set(["sim", "local"]);
  const problem = (id: string) => (known.has(id) ? undefined : providerNotConfigured(id));

  it("names each node and field whose provider has a problem", () => {
    expect(unavailableProviderIssues(graph, problem)).toEqual([
      { nodeId: "judge", field: "config.judge.provider", message: 'provider "gpt" is not configured — add it under Providers' },
      { nodeId: "opt", field: "config.reflection.provider", message: 'provider "big" is not configured — add it under Providers' },
    ]);
  });

  it("usedBy run leaves out what only an optimization calls", () => {
    expect(unavailableProviderIssues(graph, problem, { usedBy: "run" }).map((i) => i.nodeId)).toEqual(["judge"]);
    expect(unavailableProviderIssues(graph, () => undefined)).toEqual([]);
  });
});
