import { checkJsonSchema } from "../evaluation/json-schema-subset.js";
import { getMetric } from "../evaluation/index.js";
import type { MetricField } from "../evaluation/types.js";
import type { GraphIssue } from "../errors.js";
import { ancestorsOf, type GraphIndex } from "../graph/model.js";
import type { EvaluationNode } from "../schema/graph.js";
import { renderTemplate } from "../template/render.js";
import { regexPatternProblem } from "../util/safe-regex.js";
import type { NodeKindDefinition } from "./types.js";

// What a missing field should have held, for validation messages ("metric llm_judge needs a rubric").
const NEEDS: Record<MetricField, string> = {
  actual: "actual (a template giving the value to score, e.g. {{ nodes.answer.text }})",
  expected: "expected (a template giving the reference value)",
  pattern: "a pattern (a regular expression)",
  schema: "a schema (a JSON Schema object)",
  rubric: "a rubric",
  target: "a target (the id of an upstream ai node)",
  "budget.maxLatencyMs": "budget.maxLatencyMs (the latency limit in ms)",
  "budget.maxTokens": "budget.maxTokens (the token limit)",
  "budget.maxCostUsd": "budget.maxCostUsd (the cost limit in USD)",
};

function isSet(cfg: EvaluationNode["config"], field: MetricField): boolean {
  switch (field) {
    case "schema":
      return cfg.schema !== undefined;
    case "target":
      return Boolean(cfg.target);
    case "budget.maxLatencyMs":
    case "budget.maxTokens":
    case "budget.maxCostUsd":
      return cfg.budget?.[field.slice(7) as "maxTokens"] !== undefined;
    default:
      // Empty text counts as missing, as it always has.
      return Boolean(cfg[field]?.trim());
  }
}

// The target of latency/tokens/cost must be an AI node whose output this node can see.
function targetIssues(node: EvaluationNode, index: GraphIndex): GraphIssue[] {
  const target = node.config.target;
  if (!target) return [];
  const at = (message: string): GraphIssue[] => [{ nodeId: node.id, field: "config.target", message }];
  const t = index.nodes.get(target);
  if (!t) return at(`target "${target}": there is no node "${target}"`);
  if (t.kind !== "ai") return at(`target "${target}" is a node of kind ${t.kind}; metric ${node.config.metric} measures an ai node`);
  if (!ancestorsOf(index, node.id).has(target)) return at(`target "${target}" is not upstream of "${node.id}", so its output is not available`);
  return [];
}

/** Scores a value with a metric (text comparison, JSON schema, LLM judge, latency/tokens/cost); outputs score, passed and feedback. */
export const evaluationNode: NodeKindDefinition<"evaluation"> = {
  kind: "evaluation",
  title: "Evaluation",
  outputFields: () => ["score", "passed", "feedback", "actual", "expected", "metric", "value"],
  templates: (node) =>
    [
      node.config.actual ? { field: "config.actual", source: node.config.actual } : undefined,
      node.config.expected !== undefined ? { field: "config.expected", source: node.config.expected } : undefined,
      node.config.rubric !== undefined ? { field: "config.rubric", source: node.config.rubric } : undefined,
      node.config.question !== undefined ? { field: "config.question", source: node.config.question } : undefined,
    ].filter((t) => t !== undefined),
  validate(node, index) {
    const issues: GraphIssue[] = [];
    const cfg = node.config;
    const metric = getMetric(cfg.metric)!;
    for (const field of metric.requires) {
      if (!isSet(cfg, field)) issues.push({ nodeId: node.id, field: `config.${field}`, message: `metric ${metric.id} needs ${NEEDS[field]}` });
    }
    if (cfg.pattern) {
      const problem = regexPatternProblem(cfg.pattern, { caseInsensitive: !cfg.caseSensitive });
      if (problem) issues.push({ nodeId: node.id, field: "config.pattern", message: problem });
    }
    if (cfg.schema !== undefined) {
      for (const p of checkJsonSchema(cfg.schema)) {
        issues.push({ nodeId: node.id, field: p.path ? `config.schema.${p.path}` : "config.schema", message: p.message });
      }
    }
    if (metric.requires.includes("target")) issues.push(...targetIssues(node, index));
    return issues;
  },
  async execute({ node, scope, providers, signal, renderOwner }) {
    const cfg = node.config;
    const metric = getMetric(cfg.metric)!;
    const render = async (source: string | undefined) => (source === undefined ? undefined : renderTemplate(source, scope, { owner: renderOwner }));
    const trim = (s: string | undefined) => (s !== undefined && cfg.trim ? s.trim() : s);
    const actual = (cfg.actual ? await render(cfg.actual) : undefined) ?? "";
    const expected = await render(cfg.expected);
    const [rubric, question] = [await render(cfg.rubric), await render(cfg.question)];
    const r = await metric.score(
      {
        actual: trim(actual)!,
        expected: trim(expected),
        pattern: cfg.pattern,
        caseSensitive: cfg.caseSensitive,
        schema: cfg.schema,
        tolerance: cfg.tolerance,
        rubric,
        question,
        judge: cfg.judge,
        target: cfg.target,
        budget: cfg.budget,
        price: cfg.price,
      },
      { providers, signal, nodes: scope.nodes, owner: renderOwner },
    );
    return {
      output: { score: r.score, passed: r.score >= cfg.threshold, feedback: r.feedback, actual, expected, metric: metric.id, value: r.value },
      usage: r.usage,
      costUsd: r.costUsd,
    };
  },
};
