import { existsSync, readFileSync } from "node:fs";
import { OPTIMIZER_STRATEGIES, parseDataset, type OptimizeConfigInput, type OptimizeResult, type ScoredParams } from "../../engine/index.js";
import type { AppServices } from "../../server/services/app.js";
import type { SavedVersion } from "../../server/services/optimizations.js";
import { createDatasetStore } from "../../server/store/datasets.js";
import { createOptimizationStore } from "../../server/store/optimizations.js";
import { EXIT, UsageError } from "../errors.js";
import { table } from "../format.js";
import { loadWorkflow } from "../load.js";
import { storedWorkflowId } from "./params.js";
import { ProgressBar } from "../progress.js";

export interface OptimizeFlags {
  /** Take the whole configuration from this optimizer node of the graph. */
  optimizer?: string;
  node: string[];
  dataset?: string;
  strategy: string;
  objective: string[];
  maxCandidates?: string;
  budgetTokens?: string;
  budgetCost?: string;
  concurrency?: string;
  seed?: string;
  resume?: string;
  json?: boolean;
}

/** `flowtune optimize WORKFLOW --node ID --dataset NAME|FILE --strategy S --objective M:max …`. */
export async function optimizeCommand(arg: string, flags: OptimizeFlags, services: () => Promise<AppServices>): Promise<number> {
  if (flags.optimizer) flags = await fromOptimizerNode(arg, flags, services);
  if (!flags.node?.length) throw new UsageError("--node ID (or --optimizer ID) is required");
  if (!(OPTIMIZER_STRATEGIES as readonly string[]).includes(flags.strategy)) {
    throw new UsageError(`--strategy must be one of ${OPTIMIZER_STRATEGIES.join(", ")}`);
  }
  const objectives = flags.objective.map((o) => {
    const m = /^([^:]+):(max|min)$/.exec(o);
    if (!m) throw new UsageError(`--objective ${JSON.stringify(o)} must look like METRIC:max or METRIC:min`);
    return { metric: m[1], direction: m[2] as "max" | "min" };
  });
  if (!flags.dataset) throw new UsageError("--dataset NAME|FILE is required");
  // Versions are kept per stored workflow: a graph file is saved first, and the search starts
  // from each target's current production parameters.
  const workflowId = await storedWorkflowId(arg, services);
  const app = await services();
  const { rows, datasetId } = await loadRows(flags.dataset, app);
  const config: OptimizeConfigInput = {
    targets: flags.node,
    strategy: flags.strategy as OptimizeConfigInput["strategy"],
    objectives,
    limits: {
      maxCandidates: int(flags.maxCandidates, "--max-candidates") ?? 24,
      budgetTokens: int(flags.budgetTokens, "--budget-tokens"),
      budgetCostUsd: flags.budgetCost === undefined ? undefined : Number(flags.budgetCost),
    },
    concurrency: int(flags.concurrency, "--concurrency") ?? 4,
    seed: int(flags.seed, "--seed") ?? 0,
  };
  let resumeRunId: string | undefined;
  if (flags.resume) {
    const run = await app.optimizations.getRun(flags.resume);
    if (!run) throw new UsageError(`optimization ${flags.resume} not found`);
    if (run.status === "completed") throw new UsageError(`optimization ${flags.resume} already completed`);
    // The stored configuration wins: a resume must replay exactly what was started.
    Object.assign(config, (await app.optimizer.reopenForResume(flags.resume)).config);
    resumeRunId = flags.resume;
  }
  const bar = flags.json ? undefined : new ProgressBar(config.limits?.maxCandidates ?? 24, `optimize ${config.strategy}`);
  const ctl = new AbortController();
  const onSignal = () => ctl.abort();
  process.once("SIGINT", onSignal);
  let result: OptimizeResult;
  let versions: SavedVersion[];
  try {
    // The same loop (and front → versions) the API runs in the background, here in the foreground.
    ({ result, versions } = await app.optimizer.execute({
      workflowId,
      rows,
      config,
      datasetId,
      resumeRunId,
      signal: ctl.signal,
      onProgress: (p) =>
        bar?.update(p.candidates, `best ${p.best ? p.best.objectives.map((v) => fmt(v)).join("/") : "-"} · ${p.spend.tokens} tok · ${p.spend.llmCalls} calls`),
    }));
  } finally {
    process.off("SIGINT", onSignal);
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ runId: result.runId, status: result.status, stopReason: result.stopReason, baseline: result.baseline, best: result.best, pareto: result.pareto, versions, tokensSpent: result.tokensSpent, costSpent: result.costSpent, llmCalls: result.llmCalls }, null, 2)}\n`);
  } else {
    const metrics = objectives.map((o) => o.metric);
    const row = (label: string, s: ScoredParams) => [label, String(s.index), ...metrics.flatMap((m) => [fmt(s.validation[m]), fmt(s.test[m])])];
    process.stdout.write(`\noptimization ${result.runId}: ${result.candidates.length} candidates (${result.stopReason}), ${result.llmCalls} LLM calls, ${result.tokensSpent} tokens, $${result.costSpent.toFixed(4)}\n\n`);
    process.stdout.write(
      `${table(
        ["", "candidate", ...metrics.flatMap((m) => [`${m} (val)`, `${m} (test)`])],
        [row("baseline", result.baseline), row("best", result.best), ...result.pareto.map((p) => row("pareto", p))],
      )}\n`,
    );
    for (const v of versions) process.stdout.write(`${v.nodeId} v${v.version} ← candidate ${v.index}${v.index === result.best.index ? " (best)" : ""}\n`);
    const best = versions.find((v) => v.index === result.best.index);
    process.stdout.write(`\nlist candidates: npx flowtune candidates ${result.runId}\n`);
    if (best) process.stdout.write(`promote the best: npx flowtune promote ${workflowId} --node ${best.nodeId} --version ${best.version} --reason "optimization ${result.runId.slice(0, 8)}"\n`);
  }
  return EXIT.ok;
}

/** `flowtune candidates RUN [--json]`: every stored candidate of an optimization. */
export async function candidatesCommand(runId: string, flags: { json?: boolean }, services: () => Promise<AppServices>): Promise<number> {
  const store = createOptimizationStore((await services()).db.prisma);
  const run = await store.getRun(runId);
  if (!run) throw new UsageError(`optimization ${runId} not found`);
  const all = [];
  let cursor: number | undefined;
  do {
    const page = await store.listCandidates(runId, { limit: 1000, cursor });
    all.push(...page.candidates);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ run, candidates: all.map(({ perExample: _p, ...c }) => c) }, null, 2)}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`optimization ${run.id} (${run.workflowId}) ${run.status}, ${run.llmCalls} LLM calls\n`);
  const names = Object.keys(all[0]?.objectives ?? {});
  process.stdout.write(
    `${table(
      ["#", "split", "gen", "parents", "status", "origin", ...names, "spent tokens", "reason"],
      all.map((c) => [String(c.index), c.split, String(c.generation), c.parentIds.join(",") || "-", c.status, String((c.metrics as { origin?: string })?.origin ?? ""), ...names.map((n) => fmt(c.objectives?.[n])), String(c.tokens), c.rejectReason ?? ""]),
    )}\n`,
  );
  return EXIT.ok;
}

// An optimizer node's config becomes the flags; explicit flags on the command line are not mixed in.
async function fromOptimizerNode(arg: string, flags: OptimizeFlags, services: () => Promise<AppServices>): Promise<OptimizeFlags> {
  const { graph } = await loadWorkflow(arg, services);
  const node = graph.nodes.find((n) => n.id === flags.optimizer);
  if (!node || node.kind !== "optimizer") throw new UsageError(`--optimizer: "${flags.optimizer}" is not an optimizer node of "${graph.id}"`);
  const c = node.config;
  return {
    ...flags,
    node: c.targets,
    strategy: c.strategy,
    objective: c.objectives.map((o) => `${o.metric}:${o.direction}`),
    dataset: flags.dataset ?? c.dataset,
    maxCandidates: String(c.limits.maxCandidates),
    budgetTokens: c.limits.budgetTokens === undefined ? undefined : String(c.limits.budgetTokens),
    budgetCost: c.limits.budgetCostUsd === undefined ? undefined : String(c.limits.budgetCostUsd),
    concurrency: String(c.concurrency),
    seed: String(c.seed),
  };
}

async function loadRows(ref: string, app: AppServices): Promise<{ rows: Record<string, unknown>[]; datasetId?: string }> {
  if (existsSync(ref)) return { rows: parseDataset(ref, readFileSync(ref, "utf8")) };
  const ds = await createDatasetStore(app.db.prisma).get(ref);
  if (!ds) throw new UsageError(`--dataset: "${ref}" is neither a file nor an imported dataset (flowtune dataset import FILE --name NAME)`);
  return { rows: ds.records.map((r) => r.data), datasetId: ds.id };
}

function int(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} must be an integer`);
  return n;
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "-";
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}
