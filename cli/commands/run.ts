import { createRun, resolveInputs, type RunEvent, type RunResult } from "../../engine/index.js";
import { checkRunInputSize } from "../../engine/graph/inputs.js";
import type { AppServices } from "../../server/services/app.js";
import { assertProvidersConfigured } from "../../server/services/providers.js";
import { presetsOf } from "../../server/services/presets.js";
import { memoryOf } from "../../server/services/memory-store.js";
import { EXIT, UsageError } from "../errors.js";
import { cell, formatDuration, statusText } from "../format.js";
import { graphForRun, loadWorkflow, parseInputArg } from "../load.js";

export interface RunFlags {
  input?: string;
  json?: boolean;
  /** false (--no-production): run the graph's own parameters, not the production versions. */
  production?: boolean;
  /** A saved input preset of the workflow (the editor's run-form presets); --input overrides its fields. */
  preset?: string;
}

/** `flowtune run FILE|ID [--preset NAME] --input JSON|@file [--json]`: runs once and records the run. */
export async function runCommand(arg: string, flags: RunFlags, services: () => Promise<AppServices>): Promise<number> {
  const loaded = await loadWorkflow(arg, services);
  // Bad inputs are refused before the database is touched.
  const typed = parseInputArg(flags.input);
  const given = flags.preset === undefined ? typed : { ...(await presetInputs(loaded.workflowId, flags.preset, services)), ...typed };
  checkRunInputSize(given);
  const inputs = resolveInputs(loaded.graph, given);
  const { graph, parameterVersions } = await graphForRun(loaded, services, flags.production !== false);
  const app = await services();
  assertProvidersConfigured(graph, app.providers);
  if (!flags.json && parameterVersions && Object.keys(parameterVersions).length) {
    process.stderr.write(`parameters: ${Object.entries(parameterVersions).map(([n, v]) => `${n} v${v}`).join(", ")} (production)\n`);
  }
  const handle = await createRun({ graph, inputs, workflowId: loaded.workflowId, providers: app.providers, history: app.history, parameterVersions, memory: memoryOf(app.db.prisma) });
  if (!flags.json) for await (const e of handle.events()) printEvent(e);
  const result = await handle.result;
  printResult(result, flags.json, parameterVersions);
  return result.status === "succeeded" ? EXIT.ok : EXIT.failed;
}

/** The inputs of the workflow's preset `name`; a usage error naming the presets there are when it has none of that name. */
async function presetInputs(workflowId: string, name: string, services: () => Promise<AppServices>): Promise<Record<string, unknown>> {
  const presets = await presetsOf((await services()).db.prisma).list(workflowId);
  const found = presets.find((p) => p.name === name.trim());
  if (!found) {
    const known = presets.length ? `its presets: ${presets.map((p) => JSON.stringify(p.name)).join(", ")}` : "it has none (save one from the editor's run form)";
    throw new UsageError(`workflow "${workflowId}" has no input preset ${JSON.stringify(name)}; ${known}`);
  }
  return found.inputs;
}

/** Prints a finished run as JSON (stdout) or as a human summary. */
export function printResult(result: RunResult, json?: boolean, parameterVersions?: Record<string, number>): void {
  if (result.historyError) process.stderr.write(`warning: the run history could not be written: ${result.historyError}\n`);
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...runJson(result), parameterVersions }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`run ${result.runId} ${statusText(result.status)} in ${formatDuration(result.durationMs)}, ${result.usage.totalTokens} tokens, $${result.costUsd.toFixed(5)}\n`);
  if (result.error) process.stdout.write(`error: ${result.error.nodeId ? `node "${result.error.nodeId}": ` : ""}${result.error.message}\n`);
  for (const [id, out] of Object.entries(result.outputs)) process.stdout.write(`output ${id}: ${JSON.stringify(out, null, 2)}\n`);
}

/** The `--json` document: runId, status, outputs, per-node status (and error), totals. */
export function runJson(result: RunResult) {
  return {
    runId: result.runId,
    status: result.status,
    outputs: result.outputs,
    error: result.error,
    durationMs: result.durationMs,
    usage: result.usage,
    costUsd: result.costUsd,
    // Each node's final status (a failed node is "failed", never left "running") and, when it failed, why.
    nodes: Object.fromEntries(Object.entries(result.nodes).map(([id, n]) => [id, { status: n.status, output: n.output, ...(n.error ? { error: n.error } : {}) }])),
  };
}

function printEvent(e: RunEvent): void {
  const err = process.stderr;
  switch (e.type) {
    case "node.started":
      err.write(`  ${statusText("running", err)}   ${e.nodeId}\n`);
      break;
    case "node.succeeded":
      err.write(`  ${statusText("succeeded", err)} ${e.nodeId} ${formatDuration(e.durationMs)}${e.usage ? ` ${e.usage.totalTokens} tok` : ""}${e.reused ? " (reused)" : ""}\n`);
      break;
    case "node.failed":
      err.write(`  ${statusText("failed", err)}    ${e.nodeId}: ${cell(e.error.message, 120)}${e.continued ? " (continuing)" : ""}\n`);
      break;
    case "node.skipped":
      err.write(`  ${statusText("skipped", err)}   ${e.nodeId} (${e.reason})\n`);
      break;
    case "node.retrying":
      err.write(`  retrying  ${e.nodeId} attempt ${e.attempt + 1} in ${e.delayMs} ms: ${cell(e.error.message, 80)}\n`);
      break;
    case "node.cancelled":
      err.write(`  ${statusText("cancelled", err)} ${e.nodeId} (${e.reason})\n`);
      break;
    case "node.tool_call":
      err.write(`  tool call ${e.nodeId} → ${e.tool}(${cell(JSON.stringify(e.arguments) ?? "", 80)})\n`);
      break;
    case "node.tool_result":
      err.write(`  tool      ${e.nodeId} ← ${e.tool} ${formatDuration(e.durationMs)}: ${e.error !== undefined ? `error: ${cell(e.error, 100)}` : cell(typeof e.result === "string" ? e.result : (JSON.stringify(e.result) ?? ""), 80)}\n`);
      break;
    default:
  }
}
