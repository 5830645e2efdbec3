import type { GraphIssue } from "../errors.js";
import type { GraphIndex } from "../graph/model.js";
import { BUILTIN_MEASURES, type OptimizeConfig } from "../schema/optimizer.js";
import { showValue } from "../util/show-value.js";

/** Problems with an optimizer configuration against its graph: targets that are not AI nodes, unknown objectives. */
export function optimizeConfigIssues(index: GraphIndex, config: Pick<OptimizeConfig, "targets" | "objectives" | "constraints">, nodeId?: string): GraphIssue[] {
  const issues: GraphIssue[] = [];
  config.targets.forEach((t, i) => {
    const target = index.nodes.get(t);
    if (target?.kind !== "ai") {
      issues.push({ nodeId: nodeId ?? t, field: `config.targets.${i}`, message: target ? `optimizer target "${t}" is ${/^[aeiou]/.test(target.kind) ? "an" : "a"} ${target.kind} node; only AI nodes can be tuned` : `optimizer target "${t}" is not a node of the graph` });
    }
  });
  const evalIds = [...index.nodes.values()].filter((n) => n.kind === "evaluation").map((n) => n.id);
  const measures: readonly string[] = [...BUILTIN_MEASURES, "passRate"];
  [...config.objectives.map((o, i) => [o.metric, `config.objectives.${i}.metric`]), ...config.constraints.map((c, i) => [c.metric, `config.constraints.${i}.metric`])].forEach(([metric, field]) => {
    if (!evalIds.includes(metric) && !measures.includes(metric)) {
      issues.push({ nodeId, field, message: `objective ${showValue(metric)} is neither an evaluation node of the graph (${evalIds.join(", ") || "none"}) nor one of ${BUILTIN_MEASURES.join(", ")}` });
    }
  });
  return issues;
}
