import { createProviderRegistry, parseDataset, runBatch, withResponseCache, type BatchStats } from "../../engine/index.js";
import { checkRunInputSize } from "../../engine/graph/inputs.js";
import type { AppServices } from "../../server/services/app.js";
import { createProviderCacheStore } from "../../server/store/provider-cache.js";
import { EXIT, UsageError } from "../errors.js";
import { formatDuration, table } from "../format.js";
import { graphForRun, loadWorkflow } from "../load.js";
import { ProgressBar } from "../progress.js";
import { readUserFile } from "../read-file.js";

export interface BatchFlags {
  dataset: string;
  concurrency?: string;
  json?: boolean;
  cache?: boolean;
  production?: boolean;
}

/** `flowtune batch FILE --dataset FILE [--concurrency N] [--json]`: runs every row and prints stats. */
export async function batchCommand(arg: string, flags: BatchFlags, services: () => Promise<AppServices>): Promise<number> {
  const loaded = await loadWorkflow(arg, services);
  const { workflowId } = loaded;
  let rows: Record<string, unknown>[];
  try {
    rows = parseDataset(flags.dataset, readUserFile(flags.dataset, "--dataset"));
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError(`--dataset ${flags.dataset}: ${(err as Error).message}`);
  }
  if (rows.length === 0) throw new UsageError(`--dataset ${flags.dataset}: the file has no rows`);
  // Each row becomes a run's inputs: the same size limit as a single run, checked before any row runs.
  rows.forEach((row, i) => {
    try {
      checkRunInputSize(row);
    } catch (err) {
      throw new UsageError(`--dataset ${flags.dataset}: row ${i + 1}: ${(err as Error).message}`);
    }
  });
  const concurrency = flags.concurrency === undefined ? 4 : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError("--concurrency must be a positive integer");
  const { graph, parameterVersions } = await graphForRun(loaded, services, flags.production !== false);
  const app = await services();
  // Batch evaluation reads through the SQLite response cache: a repeated batch costs nothing.
  const cache = createProviderCacheStore(app.db.prisma);
  const providers =
    flags.cache === false ? app.providers : createProviderRegistry(app.providers.ids().map((id) => withResponseCache(app.providers.get(id)!, cache)));
  const bar = flags.json ? undefined : new ProgressBar(rows.length, "batch");
  const { stats } = await runBatch({
    graph,
    rows,
    providers,
    concurrency,
    history: app.history,
    workflowId,
    onProgress: (p) => bar?.update(p.done, p.failed ? `(${p.failed} failed)` : ""),
  });
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...stats, parameterVersions }, null, 2)}\n`);
  else process.stdout.write(`${formatStats(stats)}\n`);
  return stats.failed === 0 ? EXIT.ok : EXIT.failed;
}

/** Human-readable batch statistics. */
export function formatStats(s: BatchStats): string {
  const rows = [
    ["runs", String(s.runs)],
    ["succeeded", String(s.succeeded)],
    ["failed", String(s.failed)],
    ["mean latency", formatDuration(s.meanLatencyMs)],
    ["p95 latency", formatDuration(s.p95LatencyMs)],
    ["tokens", String(s.totalTokens)],
    ["cost", `$${s.costUsd.toFixed(5)}`],
    ["wall time", formatDuration(s.wallMs)],
    ...Object.entries(s.scores).map(([id, sc]) => [`score ${id}`, `mean ${sc.mean.toFixed(3)}, pass rate ${(sc.passRate * 100).toFixed(1)}% (n=${sc.n})`]),
  ];
  return table(["stat", "value"], rows);
}
