import { existsSync } from "node:fs";
import { parseDataset, type OptimizeConfigInput, type ScoredParams } from "../../engine/index.js";
import { datasetNameCandidates } from "../../engine/dataset/ref.js";
import type { AppServices } from "../../server/services/app.js";
import type { SavedVersion } from "../../server/services/optimizations.js";
import type { OptimizationRunRecord } from "../../server/store/optimizations.js";
import { EXIT, UsageError } from "../errors.js";
import { table } from "../format.js";
import { loadWorkflow } from "../load.js";
import { ProgressBar } from "../progress.js";
import { DEFAULT_STRATEGY, resolveOptimizeFlags, type OptimizeFlags } from "./optimize-config.js";
import { storedWorkflowId } from "./params.js";
import { readUserFile } from "../read-file.js";

export type { OptimizeFlags } from "./optimize-config.js";

type Services = () => Promise<AppServices>;

/** What `flowtune optimize` prints: read back from the stored run, so the printout is what is stored. */
export interface OptimizeSummary {
  runId: string;
  status: OptimizationRunRecord["status"];
  stopReason: string | null;
  budgetExhausted: boolean;
  /** Validation candidates stored (the baseline included). */
  candidates: number;
  baseline: ScoredParams;
  best: ScoredParams;
  pareto: ScoredParams[];
  versions: SavedVersion[];
  tokensSpent: number;
  costSpent: number;
  llmCalls: number;
}

/**
 * `flowtune optimize WORKFLOW [--optimizer ID] [--node ID …] [--dataset NAME|FILE] [--objective M:max …] …`.
 * Exit 0 when the search finished, 3 when a budget ended it; failures are reported as one message.
 */
export async function optimizeCommand(arg: string, flags: OptimizeFlags, services: Services): Promise<number> {
  const prepared = flags.resume ? await prepareResume(arg, flags, services) : await prepareStart(arg, flags, services);
  for (const note of prepared.notes) process.stderr.write(`note: ${note}\n`);
  const app = await services();
  const bar = flags.json ? undefined : new ProgressBar(prepared.maxCandidates, `optimize ${prepared.strategy}`);
  const ctl = new AbortController();
  const onSignal = () => ctl.abort();
  process.once("SIGINT", onSignal);
  let runId: string;
  let versions: SavedVersion[];
  try {
    // The same loop (and front → versions) the API runs in the background, here in the foreground.
    const done = await app.optimizer.execute({
      workflowId: prepared.workflowId,
      rows: prepared.rows,
      config: prepared.config,
      datasetId: prepared.datasetId,
      resumeRunId: prepared.resumeRunId,
      signal: ctl.signal,
      onProgress: (p) =>
        bar?.update(p.candidates, `best ${p.best ? p.best.objectives.map((v) => fmt(v)).join("/") : "-"} · ${p.spend.tokens} tok · ${p.spend.llmCalls} calls`),
    });
    ({ runId } = done.result);
    versions = done.versions;
  } finally {
    process.off("SIGINT", onSignal);
  }
  const summary = await storedSummary(app, runId, versions);
  printSummary(summary, prepared.workflowId, (prepared.config.objectives ?? []).map((o) => o.metric), flags.json);
  if (summary.status !== "completed") return EXIT.failed;
  return summary.budgetExhausted ? EXIT.budgetExhausted : EXIT.ok;
}

interface Prepared {
  workflowId: string;
  config: OptimizeConfigInput;
  strategy: string;
  maxCandidates: number;
  rows: Record<string, unknown>[];
  datasetId?: string;
  resumeRunId?: string;
  notes: string[];
}

// A new optimization: the configuration from the flags (and the optimizer node), checked before anything is stored.
async function prepareStart(arg: string, flags: OptimizeFlags, services: Services): Promise<Prepared> {
  const { graph } = await loadWorkflow(arg, services);
  const { config, dataset, notes } = resolveOptimizeFlags(graph, flags);
  if (!dataset) throw new UsageError(`--dataset NAME|FILE is required${flags.optimizer ? ` (optimizer node "${flags.optimizer}" names none)` : ""}`);
  const { rows, datasetId } = await loadRows(dataset, await services());
  if (rows.length < 3) throw new UsageError(`--dataset ${dataset}: an optimization needs at least 3 rows (it has ${rows.length})`);
  // Versions are kept per stored workflow: a graph file is saved first, and the search starts
  // from each target's current production parameters.
  const workflowId = await storedWorkflowId(arg, services);
  return { workflowId, config, strategy: config.strategy, maxCandidates: config.limits.maxCandidates, rows, datasetId, notes };
}

// A resume replays exactly what was started: the stored configuration and dataset win over any flag.
async function prepareResume(arg: string, flags: OptimizeFlags, services: Services): Promise<Prepared> {
  const app = await services();
  const runId = flags.resume!;
  const run = await app.optimizations.getRun(runId);
  if (!run) throw new UsageError(`optimization ${runId} not found`);
  if (run.status === "completed") throw new UsageError(`optimization ${runId} already completed`);
  const workflowId = await storedWorkflowId(arg, services);
  if (workflowId !== run.workflowId) throw new UsageError(`optimization ${runId} belongs to workflow "${run.workflowId}", not "${workflowId}"`);
  let loaded: { rows: Record<string, unknown>[]; datasetId?: string };
  if (run.datasetId) {
    const ds = await app.datasets.get(run.datasetId);
    if (!ds) throw new UsageError(`optimization ${runId}: its dataset ${run.datasetId} no longer exists`);
    loaded = { rows: ds.records.map((r) => r.data), datasetId: ds.id };
  } else if (flags.dataset) {
    loaded = await loadRows(flags.dataset, app);
  } else {
    throw new UsageError(`optimization ${runId} was started from a dataset file: pass the same file again with --dataset FILE`);
  }
  const ignored = (["optimizer", "node", "strategy", "objective", "maxCandidates", "budgetTokens", "budgetCost", "concurrency", "seed"] as const).filter((k) => flags[k] !== undefined && !(Array.isArray(flags[k]) && flags[k].length === 0));
  const stored = (await app.optimizer.reopenForResume(runId)).config as unknown as OptimizeConfigInput & { strategy: string; limits?: { maxCandidates?: number } };
  const notes = ignored.length ? [`--resume replays the stored configuration; ${ignored.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")} ignored`] : [];
  if (run.datasetId && flags.dataset) notes.push(`--resume uses the run's stored dataset ${run.datasetId}; --dataset ignored`);
  return { workflowId, config: stored, strategy: stored.strategy ?? DEFAULT_STRATEGY, maxCandidates: stored.limits?.maxCandidates ?? 24, ...loaded, resumeRunId: runId, notes };
}

/** The run as stored once the loop returned: totals, stop reason, results and candidate count. */
async function storedSummary(app: AppServices, runId: string, versions: SavedVersion[]): Promise<OptimizeSummary> {
  const run = await app.optimizations.getRun(runId);
  if (!run) throw new Error(`optimization ${runId} vanished from the database`);
  let candidates = 0;
  let cursor: number | undefined;
  do {
    const page = await app.optimizer.candidates(runId, { split: "validation", limit: 1000, cursor });
    candidates += page.candidates.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return {
    runId,
    status: run.status,
    stopReason: run.stopReason,
    budgetExhausted: run.budgetExhausted,
    candidates,
    baseline: run.baseline as ScoredParams,
    best: run.best as ScoredParams,
    pareto: (run.pareto ?? []) as ScoredParams[],
    versions,
    tokensSpent: run.tokensSpent,
    costSpent: run.costSpent,
    llmCalls: run.llmCalls,
  };
}

// `metrics`: the run's objectives, in their configured order (the stored results carry every aggregate).
function printSummary(s: OptimizeSummary, workflowId: string, metrics: string[], json?: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  const row = (label: string, p: ScoredParams) => [label, String(p.index), ...metrics.flatMap((m) => [fmt(p.validation?.[m]), p.test ? fmt(p.test[m]) : (p.testStatus ?? "-")])];
  process.stdout.write(`\noptimization ${s.runId} ${s.status}: ${s.candidates} candidates (${s.stopReason ?? "no stop reason recorded"}), ${s.llmCalls} LLM calls, ${s.tokensSpent} tokens, $${s.costSpent.toFixed(4)}\n`);
  if (s.budgetExhausted) process.stdout.write(`the budget ended the search (exit code ${EXIT.budgetExhausted})\n`);
  process.stdout.write("\n");
  if (s.baseline && s.best) {
    process.stdout.write(
      `${table(
        ["", "candidate", ...metrics.flatMap((m) => [`${m} (val)`, `${m} (test)`])],
        [row("baseline", s.baseline), row("best", s.best), ...s.pareto.map((p) => row("pareto", p))],
      )}\n`,
    );
  }
  for (const v of s.versions) process.stdout.write(`${v.nodeId} v${v.version} ← candidate ${v.index}${v.index === s.best?.index ? " (best)" : ""}\n`);
  const best = s.versions.find((v) => v.index === s.best?.index);
  process.stdout.write(`\nlist candidates: npx flowtune candidates ${s.runId}\n`);
  if (best) process.stdout.write(`promote the best: npx flowtune promote ${workflowId} --node ${best.nodeId} --version ${best.version} --reason "optimization ${s.runId.slice(0, 8)}"\n`);
}

/** `flowtune candidates RUN [--json]`: every stored candidate of an optimization. */
export async function candidatesCommand(runId: string, flags: { json?: boolean }, services: Services): Promise<number> {
  const app = await services();
  const run = await app.optimizations.getRun(runId);
  if (!run) throw new UsageError(`optimization ${runId} not found`);
  const all = [];
  let cursor: number | undefined;
  do {
    const page = await app.optimizations.listCandidates(runId, { limit: 1000, cursor });
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

/**
 * Rows from `--dataset` (or the optimizer node's dataset): a JSONL/CSV file, else an imported
 * dataset by name or id (a file path whose stem names one counts, as in the editor). Errors name
 * the dataset and say what is wrong in one line.
 */
async function loadRows(ref: string, app: AppServices): Promise<{ rows: Record<string, unknown>[]; datasetId?: string }> {
  if (existsSync(ref)) {
    let rows: Record<string, unknown>[];
    try {
      rows = parseDataset(ref, readUserFile(ref, "--dataset"));
    } catch (err) {
      throw err instanceof UsageError ? err : new UsageError(`--dataset ${ref}: ${(err as Error).message}`);
    }
    if (rows.length === 0) throw new UsageError(`--dataset ${ref}: the file has no rows`);
    return { rows };
  }
  for (const name of datasetNameCandidates(ref)) {
    const ds = await app.datasets.get(name);
    if (ds) return { rows: ds.records.map((r) => r.data), datasetId: ds.id };
  }
  throw new UsageError(`--dataset: "${ref}" is neither a file nor an imported dataset (flowtune dataset import FILE --name NAME)`);
}

function fmt(v: number | undefined | null): string {
  if (v === undefined || v === null || Number.isNaN(v)) return "-";
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}
