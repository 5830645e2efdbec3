import type { AppServices } from "../../server/services/app.js";
import { EXIT, UsageError } from "../errors.js";
import { cell, formatDuration, statusText, table } from "../format.js";
import { printResult } from "./run.js";

/** `flowtune runs [--workflow ID] [--limit N] [--json]`: recent runs as a table. */
export async function runsCommand(flags: { workflow?: string; limit?: string; json?: boolean }, services: () => Promise<AppServices>): Promise<number> {
  const limit = flags.limit ? Number(flags.limit) : 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError("--limit must be an integer from 1 to 500");
  const page = await (await services()).history.listRuns({ workflowId: flags.workflow, limit });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return EXIT.ok;
  }
  if (page.runs.length === 0) {
    process.stdout.write("no runs yet — try: npx flowtune run examples/qa.flow.json --input '{\"question\": \"Sam has 3 apples and buys 4 more. How many apples does Sam have now?\"}'\n");
    return EXIT.ok;
  }
  process.stdout.write(
    `${table(
      ["id", "workflow", "status", "started", "duration", "tokens"],
      page.runs.map((r) => [r.id, r.workflowId, statusText(r.status), r.startedAt.toISOString().replace("T", " ").slice(0, 19), formatDuration(r.durationMs), String(r.totalTokens)]),
    )}\n`,
  );
  return EXIT.ok;
}

/** `flowtune show RUN [--json]`: the per-node timeline of one run. */
export async function showCommand(runId: string, flags: { json?: boolean }, services: () => Promise<AppServices>): Promise<number> {
  const run = await (await services()).history.getRun(runId);
  if (!run) throw new UsageError(`run ${runId} not found`);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    return EXIT.ok;
  }
  const t0 = run.startedAt.getTime();
  process.stdout.write(`run ${run.id} (${run.workflowId}) ${statusText(run.status)} in ${formatDuration(run.durationMs)}, ${run.totalTokens} tokens, $${run.costUsd.toFixed(5)}\n`);
  if (run.parentRunId) process.stdout.write(`re-run of ${run.parentRunId} from node ${run.fromNodeId}\n`);
  if (run.error) process.stdout.write(`error: ${run.error.message}\n`);
  process.stdout.write(
    `${table(
      ["node", "status", "start", "duration", "tokens", "detail"],
      run.nodes.map((n) => [
        n.nodeId,
        statusText(n.status),
        n.startedAt ? `+${formatDuration(n.startedAt.getTime() - t0)}` : "-",
        formatDuration(n.durationMs),
        n.totalTokens ? String(n.totalTokens) : "-",
        n.error ? cell(n.error.message) : n.reason ? cell(n.reason) : n.reused ? "reused" : cell(n.output ?? ""),
      ]),
    )}\n`,
  );
  return EXIT.ok;
}

/** `flowtune rerun RUN --from NODE [--json]`: re-runs from a node, reusing the upstream outputs. */
export async function rerunCommand(runId: string, flags: { from: string; json?: boolean }, services: () => Promise<AppServices>): Promise<number> {
  const app = await services();
  if (!(await app.history.getRun(runId))) throw new UsageError(`run ${runId} not found`);
  // The same re-run path as the server's runs.rerun.
  const { runId: child } = await app.runs.rerun({ runId, fromNodeId: flags.from });
  const result = await app.runs.handle(child)!.result;
  printResult(result, flags.json);
  return result.status === "succeeded" ? EXIT.ok : EXIT.failed;
}
