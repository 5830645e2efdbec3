import { getMetric } from "../evaluation/index.js";
import type { GraphIssue } from "../errors.js";
import { renderTemplate } from "../template/template.js";
import type { NodeKindDefinition } from "./types.js";

/** Scores a value against an expected one with a metric; outputs score, passed and feedback. */
export const evaluationNode: NodeKindDefinition<"evaluation"> = {
  kind: "evaluation",
  title: "Evaluation",
  outputFields: () => ["score", "passed", "feedback", "actual", "expected", "metric"],
  templates: (node) =>
    [
      { field: "config.actual", source: node.config.actual },
      node.config.expected !== undefined ? { field: "config.expected", source: node.config.expected } : undefined,
    ].filter((t) => t !== undefined),
  validate(node) {
    const issues: GraphIssue[] = [];
    const metric = getMetric(node.config.metric)!;
    for (const field of metric.requires) {
      if (!node.config[field]) issues.push({ nodeId: node.id, field: `config.${field}`, message: `metric ${metric.id} needs ${field}` });
    }
    if (node.config.pattern) {
      try {
        new RegExp(node.config.pattern);
      } catch (err) {
        issues.push({ nodeId: node.id, field: "config.pattern", message: `invalid regular expression: ${(err as Error).message}` });
      }
    }
    return issues;
  },
  async execute({ node, scope }) {
    const cfg = node.config;
    const metric = getMetric(cfg.metric)!;
    const actual = renderTemplate(cfg.actual, scope);
    const expected = cfg.expected !== undefined ? renderTemplate(cfg.expected, scope) : undefined;
    const r = metric.score({
      actual: cfg.trim ? actual.trim() : actual,
      expected: expected !== undefined && cfg.trim ? expected.trim() : expected,
      pattern: cfg.pattern,
      caseSensitive: cfg.caseSensitive,
    });
    return { output: { score: r.score, passed: r.score >= cfg.threshold, feedback: r.feedback, actual, expected, metric: metric.id } };
  },
};
