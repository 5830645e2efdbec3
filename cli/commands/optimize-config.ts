/**
 * The configuration `flowtune optimize` runs: every field of the `--optimizer` node's config (search
 * space, constraints, limits, split, regression tolerance, reflection, …), overridden by the flags
 * given on the command line, with a note for each flag that changed one of the node's settings;
 * objectives default to an optimizer node's for the targets, else to the graph's evaluation nodes.
 */
import { checkConfig, FlowtuneError, OPTIMIZER_STRATEGIES, OptimizeConfigSchema, type Graph, type ObjectiveSpec, type OptimizeConfig } from "../../engine/index.js";
import { configOfOptimizerNode, optimizerNodes, optimizerNodesFor } from "../../engine/optimize/from-node.js";
import { UsageError } from "../errors.js";

export interface OptimizeFlags {
  /** Take the configuration from this optimizer node of the graph (flags given override its fields). */
  optimizer?: string;
  node?: string[];
  dataset?: string;
  strategy?: string;
  objective?: string[];
  maxCandidates?: string;
  budgetTokens?: string;
  budgetCost?: string;
  concurrency?: string;
  seed?: string;
  resume?: string;
  json?: boolean;
}

export interface ResolvedOptimize {
  /** The complete, validated configuration. */
  config: OptimizeConfig;
  /** The dataset to load: `--dataset`, else the optimizer node's. */
  dataset?: string;
  /** For stderr: defaults taken and flags that overrode the optimizer node. */
  notes: string[];
}

/** Used when neither a flag nor an optimizer node sets the strategy. */
export const DEFAULT_STRATEGY = "tpe";

// Engine config field → the flag that sets it, for usage errors.
const FLAG_OF: Array<[string, string]> = [
  ["targets", "--node"],
  ["strategy", "--strategy"],
  ["objectives", "--objective"],
  ["limits.maxCandidates", "--max-candidates"],
  ["limits.budgetTokens", "--budget-tokens"],
  ["limits.budgetCostUsd", "--budget-cost"],
  ["concurrency", "--concurrency"],
  ["seed", "--seed"],
];

/** The flag (or config field) an engine field path is set by. */
function flagOf(field: string, source: string | undefined): string {
  // checkConfig locates fields inside an optimizer node's `config`.
  const path = field.replace(/^config\./, "");
  for (const [field, flag] of FLAG_OF) if (path === field || path.startsWith(`${field}.`)) return flag;
  return source ? `${source} field ${path}` : path;
}

const objectiveText = (os: readonly ObjectiveSpec[]) => os.map((o) => `${o.metric}:${o.direction}`).join(", ");

/** Parses `METRIC:max|min`. */
export function parseObjective(text: string): ObjectiveSpec {
  const m = /^([^:]+):(max|min)$/.exec(text);
  if (!m) throw new UsageError(`--objective ${JSON.stringify(text)} must look like METRIC:max or METRIC:min`);
  return { metric: m[1], direction: m[2] as "max" | "min" };
}

function int(v: string | undefined, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ""} (got "${v}")`);
  return n;
}

function positive(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!v.trim() || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number (got "${v}")`);
  return n;
}

/**
 * Builds the configuration of `flowtune optimize` for `graph` from the flags. Usage errors name
 * the flag: an unknown optimizer node, a malformed value, no target, no objective to default to.
 */
export function resolveOptimizeFlags(graph: Graph, flags: OptimizeFlags): ResolvedOptimize {
  const notes: string[] = [];
  let base: OptimizeConfig | undefined;
  let dataset: string | undefined;
  let source: string | undefined;
  if (flags.optimizer !== undefined) {
    const node = optimizerNodes(graph).find((n) => n.id === flags.optimizer);
    if (!node) {
      const ids = optimizerNodes(graph).map((n) => n.id);
      throw new UsageError(`--optimizer: "${flags.optimizer}" is not an optimizer node of "${graph.id}" (${ids.length ? `its optimizer nodes: ${ids.join(", ")}` : "it has none"})`);
    }
    ({ config: base, dataset } = configOfOptimizerNode(node));
    source = `optimizer node "${node.id}"`;
  }
  if (flags.strategy !== undefined && !(OPTIMIZER_STRATEGIES as readonly string[]).includes(flags.strategy)) {
    throw new UsageError(`--strategy must be one of ${OPTIMIZER_STRATEGIES.join(", ")} (got "${flags.strategy}")`);
  }
  const given = {
    targets: flags.node?.length ? flags.node : undefined,
    strategy: flags.strategy as OptimizeConfig["strategy"] | undefined,
    objectives: flags.objective?.length ? flags.objective.map(parseObjective) : undefined,
    dataset: flags.dataset,
    maxCandidates: int(flags.maxCandidates, "--max-candidates", 1),
    budgetTokens: int(flags.budgetTokens, "--budget-tokens", 1),
    budgetCostUsd: positive(flags.budgetCost, "--budget-cost"),
    concurrency: int(flags.concurrency, "--concurrency", 1),
    seed: int(flags.seed, "--seed", Number.MIN_SAFE_INTEGER),
  };
  const config: Record<string, unknown> & { limits: Record<string, unknown> } = base ? { ...base, limits: { ...base.limits } } : { limits: {} };
  // A flag wins over the node; when it changes the node's value, say so.
  const take = <T>(flag: string, value: T | undefined, current: T | undefined, set: (v: T) => void, show: (v: T) => string = String) => {
    if (value === undefined) return;
    if (source && current !== undefined && show(current) !== show(value)) notes.push(`${flag} ${show(value)} overrides ${source}'s ${show(current)}`);
    set(value);
  };
  take("--node", given.targets, base?.targets, (v) => (config.targets = v), (v) => v.join(","));
  take("--strategy", given.strategy, base?.strategy, (v) => (config.strategy = v));
  take("--objective", given.objectives, base?.objectives, (v) => (config.objectives = v), objectiveText);
  take("--dataset", given.dataset, dataset, (v) => (dataset = v));
  take("--max-candidates", given.maxCandidates, base?.limits.maxCandidates, (v) => (config.limits.maxCandidates = v));
  take("--budget-tokens", given.budgetTokens, base?.limits.budgetTokens, (v) => (config.limits.budgetTokens = v));
  take("--budget-cost", given.budgetCostUsd, base?.limits.budgetCostUsd, (v) => (config.limits.budgetCostUsd = v));
  take("--concurrency", given.concurrency, base?.concurrency, (v) => (config.concurrency = v));
  take("--seed", given.seed, base?.seed, (v) => (config.seed = v));

  const targets = config.targets as string[] | undefined;
  if (!targets?.length) {
    const ids = optimizerNodes(graph).map((n) => n.id);
    throw new UsageError(`--node ID (or --optimizer ID) is required${ids.length ? ` (optimizer nodes of "${graph.id}": ${ids.join(", ")})` : ""}`);
  }
  config.strategy ??= DEFAULT_STRATEGY;
  if (!config.objectives) {
    const { objectives, why } = defaultObjectives(graph, targets);
    config.objectives = objectives;
    notes.push(`objectives ${objectiveText(objectives)} (${why}; pass --objective METRIC:max|min to choose)`);
  }
  const parsed = OptimizeConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `${flagOf(i.path.map(String).join("."), source)}: ${i.message}`).join("; "));
  }
  try {
    checkConfig(graph, parsed.data);
  } catch (err) {
    if (err instanceof FlowtuneError && err.code === "INPUT_INVALID") throw new UsageError(`${flagOf(err.location.field ?? "", source)}: ${err.message}`);
    throw err;
  }
  return { config: parsed.data, dataset, notes };
}

/**
 * Objectives when none were given: those of the one optimizer node tuning these targets, else
 * every evaluation node of the graph maximised (scores are in [0, 1], higher is better).
 */
function defaultObjectives(graph: Graph, targets: string[]): { objectives: ObjectiveSpec[]; why: string } {
  const nodes = optimizerNodesFor(graph, targets);
  if (nodes.length === 1) return { objectives: structuredClone(nodes[0].config.objectives), why: `from optimizer node "${nodes[0].id}"` };
  const evaluations = graph.nodes.filter((n) => n.kind === "evaluation").map((n) => n.id);
  if (evaluations.length) return { objectives: evaluations.map((metric) => ({ metric, direction: "max" as const })), why: "the graph's evaluation nodes" };
  throw new UsageError(
    `--objective METRIC:max|min is required: "${graph.id}" has no evaluation node to default to (METRIC is an evaluation node id, or tokens, latency or cost)`,
  );
}
