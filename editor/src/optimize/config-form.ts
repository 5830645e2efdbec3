/**
 * The Optimize dialog's form as plain data: its defaults, prefill from an optimizer node of the
 * graph, and the OptimizeConfig it builds (validated with the engine's OptimizeConfigSchema, the
 * schema the server parses with). Pure; unit-tested.
 */
import {
  BUILTIN_MEASURES,
  datasetNameCandidates,
  OPTIMIZER_STRATEGIES,
  OptimizeConfigSchema,
  type Graph,
  type OptimizeConfig,
  type OptimizeConfigInput,
  type OptimizerStrategyId,
} from "../../../engine/browser.js";

export const STRATEGY_INFO: Record<OptimizerStrategyId, { label: string; help: string }> = {
  random: { label: "Random search", help: "Uniform samples of the search space — a solid baseline." },
  grid: { label: "Grid", help: "Full factorial grid in a seeded order; small budgets still cover the space." },
  tpe: { label: "Bayesian (TPE)", help: "Tree-structured Parzen Estimator: learns which settings score well." },
  nsga2: { label: "NSGA-II", help: "Evolutionary multi-objective search: trades quality against tokens, latency, cost." },
  reflective: { label: "Reflective (GEPA)", help: "A reflection model rewrites the instructions from failures and their feedback." },
  bootstrap_fewshot: { label: "Few-shot bootstrap", help: "Keeps passing traces from the train split as demos; tries growing demo sets." },
};

export const STRATEGIES = OPTIMIZER_STRATEGIES;

export interface ObjectiveChoice {
  metric: string;
  label: string;
  direction: "max" | "min";
  builtin: boolean;
}

/** The objectives a graph offers: each evaluation node (max), then tokens, latency and cost (min). */
export function objectiveChoices(graph: Graph): ObjectiveChoice[] {
  const evals = graph.nodes
    .filter((n) => n.kind === "evaluation")
    .map((n) => ({ metric: n.id, label: n.label ? `${n.label} (${n.id})` : n.id, direction: "max" as const, builtin: false }));
  const labels: Record<(typeof BUILTIN_MEASURES)[number], string> = { tokens: "Tokens per example", latency: "Latency per example", cost: "Cost per example" };
  return [...evals, ...BUILTIN_MEASURES.map((m) => ({ metric: m, label: labels[m], direction: "min" as const, builtin: true }))];
}

/** Every field is kept as typed (strings for numbers) so that a half-typed value is not lost. */
export interface OptimizeForm {
  dataset: string;
  strategy: OptimizerStrategyId;
  /** metric → chosen; the direction comes from objectiveChoices(), or from the prefill. */
  objectives: Record<string, boolean>;
  directions: Record<string, "max" | "min">;
  /** Objective order (the first one is the primary: "best" and the best-score chart). */
  order: string[];
  tuneSystemPrompt: boolean;
  /** Custom instruction snippets, one per line (empty: the default library). */
  instructions: string;
  tunePrompt: boolean;
  /** Alternative prompt templates, separated by a line with `---`. */
  promptTemplates: string;
  tuneTemperature: boolean;
  temperatureMin: string;
  temperatureMax: string;
  tuneTopP: boolean;
  topPMin: string;
  topPMax: string;
  tuneMaxTokens: boolean;
  /** Comma-separated. */
  maxTokens: string;
  tuneModel: boolean;
  /** Comma-separated. */
  models: string;
  tuneDemos: boolean;
  maxDemos: string;
  maxCandidates: string;
  budgetTokens: string;
  budgetCostUsd: string;
  /** Seconds. */
  maxTimeSec: string;
  concurrency: string;
  seed: string;
  /** Passed through unchanged from a prefilled optimizer node (no editor for them here). */
  passthrough: Pick<OptimizeConfigInput, "constraints" | "split" | "regressionTolerance" | "reflection"> & { holdoutReserve?: number };
}

const str = (v: number | undefined): string => (v === undefined ? "" : String(v));

/** The dialog's defaults for one AI node of a graph. */
export function defaultForm(graph: Graph, nodeId: string): OptimizeForm {
  const choices = objectiveChoices(graph);
  const firstEval = choices.find((c) => !c.builtin);
  const node = graph.nodes.find((n) => n.id === nodeId);
  const model = node?.kind === "ai" ? node.config.model : "";
  const objectives: Record<string, boolean> = {};
  const directions: Record<string, "max" | "min"> = {};
  for (const c of choices) {
    objectives[c.metric] = c.metric === firstEval?.metric || c.metric === "tokens";
    directions[c.metric] = c.direction;
  }
  return {
    dataset: "",
    strategy: "nsga2",
    objectives,
    directions,
    order: choices.map((c) => c.metric),
    tuneSystemPrompt: true,
    instructions: "",
    tunePrompt: false,
    promptTemplates: "",
    tuneTemperature: true,
    temperatureMin: "0",
    temperatureMax: "1",
    tuneTopP: false,
    topPMin: "0.5",
    topPMax: "1",
    tuneMaxTokens: false,
    maxTokens: "128, 256, 512",
    tuneModel: false,
    models: model,
    tuneDemos: true,
    maxDemos: "4",
    maxCandidates: "24",
    budgetTokens: "",
    budgetCostUsd: "",
    maxTimeSec: "",
    concurrency: "4",
    seed: "1",
    passthrough: {},
  };
}

/** The graph's optimizer node that targets `nodeId`, if any. */
export function optimizerNodeFor(graph: Graph, nodeId: string) {
  return graph.nodes.find((n) => n.kind === "optimizer" && n.config.targets.includes(nodeId));
}

/** A dataset name from an optimizer node's `dataset` (an imported name, or a file path such as examples/qa.dataset.jsonl). */
export function datasetNameOf(ref: string | undefined, known: readonly string[]): string {
  if (!ref) return "";
  return datasetNameCandidates(ref).find((name) => known.includes(name)) ?? "";
}

/** The `dataset` the graph's optimizer node targeting `nodeId` names, if any. */
export function nodeDatasetRef(graph: Graph, nodeId: string): string | undefined {
  const opt = optimizerNodeFor(graph, nodeId);
  return opt?.kind === "optimizer" ? (opt.config as { dataset?: string }).dataset?.trim() || undefined : undefined;
}

/** Defaults, overlaid with the graph's optimizer node targeting `nodeId` when there is one. */
export function prefillForm(graph: Graph, nodeId: string, datasetNames: readonly string[] = []): OptimizeForm {
  const form = defaultForm(graph, nodeId);
  const opt = optimizerNodeFor(graph, nodeId);
  if (!opt || opt.kind !== "optimizer") {
    if (datasetNames.length === 1) form.dataset = datasetNames[0];
    return form;
  }
  const c = opt.config as OptimizeConfigInput & { dataset?: string };
  form.dataset = datasetNameOf(c.dataset, datasetNames) || (datasetNames.length === 1 ? datasetNames[0] : "");
  form.strategy = c.strategy;
  if (c.objectives?.length) {
    for (const k of Object.keys(form.objectives)) form.objectives[k] = false;
    const chosen = c.objectives.map((o) => o.metric);
    for (const o of c.objectives) {
      form.objectives[o.metric] = true;
      form.directions[o.metric] = o.direction;
    }
    form.order = [...chosen, ...form.order.filter((m) => !chosen.includes(m))];
  }
  const s = c.searchSpace;
  if (s) {
    form.tuneSystemPrompt = s.systemPrompt ?? true;
    form.instructions = (s.instructions ?? []).join("\n");
    form.tunePrompt = (s.promptTemplates ?? []).length > 0;
    form.promptTemplates = (s.promptTemplates ?? []).join("\n---\n");
    form.tuneTemperature = s.temperature !== undefined;
    if (s.temperature) [form.temperatureMin, form.temperatureMax] = s.temperature.map(String) as [string, string];
    form.tuneTopP = s.topP !== undefined;
    if (s.topP) [form.topPMin, form.topPMax] = s.topP.map(String) as [string, string];
    form.tuneMaxTokens = s.maxTokens !== undefined;
    if (s.maxTokens) form.maxTokens = s.maxTokens.join(", ");
    form.tuneModel = s.models !== undefined;
    if (s.models) form.models = s.models.join(", ");
    form.tuneDemos = (s.maxDemos ?? 4) > 0;
    form.maxDemos = String(s.maxDemos ?? 4);
  }
  const l = c.limits;
  if (l) {
    form.maxCandidates = str(l.maxCandidates ?? 24);
    form.budgetTokens = str(l.budgetTokens);
    form.budgetCostUsd = str(l.budgetCostUsd);
    form.maxTimeSec = l.maxTimeMs !== undefined ? String(l.maxTimeMs / 1000) : "";
  }
  if (c.concurrency !== undefined) form.concurrency = String(c.concurrency);
  if (c.seed !== undefined) form.seed = String(c.seed);
  form.passthrough = {
    ...(c.constraints ? { constraints: c.constraints } : {}),
    ...(c.split ? { split: c.split } : {}),
    ...(c.regressionTolerance !== undefined ? { regressionTolerance: c.regressionTolerance } : {}),
    ...(c.reflection ? { reflection: c.reflection } : {}),
    // The node's budget share for the test re-scoring, kept as the CLI and REST paths keep it.
    ...(l?.holdoutReserve !== undefined ? { holdoutReserve: l.holdoutReserve } : {}),
  };
  return form;
}

/** Field (a form key, or a config path) → message. */
export type FieldErrors = Record<string, string>;

// Config paths (from zod issues) → the form field that shows them.
const PATH_TO_FIELD: Array<[RegExp, string]> = [
  [/^targets/, "targets"],
  [/^strategy/, "strategy"],
  [/^objectives/, "objectives"],
  [/^searchSpace\.instructions/, "instructions"],
  [/^searchSpace\.promptTemplates/, "promptTemplates"],
  [/^searchSpace\.temperature/, "temperature"],
  [/^searchSpace\.topP/, "topP"],
  [/^searchSpace\.maxTokens/, "maxTokens"],
  [/^searchSpace\.models/, "models"],
  [/^searchSpace\.maxDemos/, "maxDemos"],
  [/^limits\.maxCandidates/, "maxCandidates"],
  [/^limits\.budgetTokens/, "budgetTokens"],
  [/^limits\.budgetCostUsd/, "budgetCostUsd"],
  [/^limits\.maxTimeMs/, "maxTimeSec"],
  [/^concurrency/, "concurrency"],
  [/^seed/, "seed"],
];

/** The form field a config path (e.g. `limits.budgetTokens`, `config.limits.budgetTokens`) belongs to. */
export function fieldOfPath(path: string): string {
  const p = path.replace(/^config\./, "");
  for (const [re, field] of PATH_TO_FIELD) if (re.test(p)) return field;
  if (p === "dataset") return "dataset";
  return "form";
}

function num(raw: string, field: string, errors: FieldErrors, opts: { required?: boolean; int?: boolean } = {}): number | undefined {
  const t = raw.trim();
  if (t === "") {
    if (opts.required) errors[field] = "required";
    return undefined;
  }
  const n = Number(t);
  if (!Number.isFinite(n)) {
    errors[field] = `"${t}" is not a number`;
    return undefined;
  }
  if (opts.int && !Number.isInteger(n)) {
    errors[field] = "must be a whole number";
    return undefined;
  }
  return n;
}

function list(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface BuildResult {
  /** The parsed config (defaults applied) when the form is valid. */
  config?: OptimizeConfig;
  /** What is sent: the config as the form states it. */
  input?: OptimizeConfigInput;
  errors: FieldErrors;
}

/** Builds the config for `optimizations.start` and validates it with OptimizeConfigSchema. */
export function buildConfig(form: OptimizeForm, nodeId: string): BuildResult {
  const errors: FieldErrors = {};
  if (!form.dataset.trim()) errors.dataset = "choose a dataset";
  const objectives = form.order.filter((m) => form.objectives[m]).map((metric) => ({ metric, direction: form.directions[metric] ?? "max" }));
  if (objectives.length === 0) errors.objectives = "choose at least one objective";

  const searchSpace: NonNullable<OptimizeConfigInput["searchSpace"]> = { systemPrompt: form.tuneSystemPrompt, promptTemplates: [], maxDemos: 0 };
  const instructions = form.instructions
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
  if (form.tuneSystemPrompt && instructions.length) searchSpace.instructions = instructions;
  if (form.tunePrompt) {
    const templates = form.promptTemplates
      .split(/^\s*---\s*$/m)
      .map((s) => s.trim())
      .filter(Boolean);
    if (templates.length === 0) errors.promptTemplates = "add at least one alternative template (separate them with a line ---)";
    searchSpace.promptTemplates = templates;
  }
  if (form.tuneTemperature) {
    const lo = num(form.temperatureMin, "temperature", errors, { required: true });
    const hi = num(form.temperatureMax, "temperature", errors, { required: true });
    if (lo !== undefined && hi !== undefined) {
      if (lo > hi) errors.temperature = "the minimum is above the maximum";
      searchSpace.temperature = [lo, hi];
    }
  }
  if (form.tuneTopP) {
    const lo = num(form.topPMin, "topP", errors, { required: true });
    const hi = num(form.topPMax, "topP", errors, { required: true });
    if (lo !== undefined && hi !== undefined) {
      if (lo > hi) errors.topP = "the minimum is above the maximum";
      searchSpace.topP = [lo, hi];
    }
  }
  if (form.tuneMaxTokens) {
    const values = list(form.maxTokens).map(Number);
    if (values.length === 0 || values.some((v) => !Number.isInteger(v))) errors.maxTokens = "whole numbers separated by commas";
    else searchSpace.maxTokens = values;
  }
  if (form.tuneModel) {
    const models = list(form.models);
    if (models.length === 0) errors.models = "at least one model name";
    else searchSpace.models = models;
  }
  if (form.tuneDemos) searchSpace.maxDemos = num(form.maxDemos, "maxDemos", errors, { required: true, int: true }) ?? 0;

  const limits: NonNullable<OptimizeConfigInput["limits"]> = {
    maxCandidates: num(form.maxCandidates, "maxCandidates", errors, { required: true, int: true }),
  };
  const budgetTokens = num(form.budgetTokens, "budgetTokens", errors, { int: true });
  if (budgetTokens !== undefined) limits.budgetTokens = budgetTokens;
  const budgetCostUsd = num(form.budgetCostUsd, "budgetCostUsd", errors);
  if (budgetCostUsd !== undefined) limits.budgetCostUsd = budgetCostUsd;
  const maxTimeSec = num(form.maxTimeSec, "maxTimeSec", errors);
  if (maxTimeSec !== undefined) limits.maxTimeMs = Math.round(maxTimeSec * 1000);
  const { holdoutReserve, ...passthrough } = form.passthrough;
  if (holdoutReserve !== undefined) limits.holdoutReserve = holdoutReserve;

  const input: OptimizeConfigInput = {
    targets: [nodeId],
    strategy: form.strategy,
    objectives,
    searchSpace,
    limits,
    concurrency: num(form.concurrency, "concurrency", errors, { required: true, int: true }),
    seed: num(form.seed, "seed", errors, { required: true, int: true }),
    ...passthrough,
  };
  const parsed = OptimizeConfigSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path.map(String).join("."));
      errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { config: parsed.data, input, errors };
}

/** Newest version of each dataset name (datasets.list gives every version, newest first per name). */
export function newestDatasets<D extends { name: string; version: number }>(all: readonly D[]): D[] {
  const byName = new Map<string, D>();
  for (const d of all) {
    const cur = byName.get(d.name);
    if (!cur || d.version > cur.version) byName.set(d.name, d);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
