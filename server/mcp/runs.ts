/** MCP tools over runs: run a workflow and wait for its outputs; read a run. */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Api } from "./tool.js";
import { defineTool, procedureInput } from "./tool.js";

const ACTIVE = new Set(["pending", "running", "paused"]);

/** Longest a run_workflow call waits for the run to end before it answers with the run still going. */
export const MAX_WAIT_SECONDS = 600;

type RunDetail = Awaited<ReturnType<Api["runs"]["get"]>>;

/** What an agent reads of a run: status, outputs, error, totals, and each node's status. */
export function runSummary(run: RunDetail) {
  return {
    runId: run.id,
    workflowId: run.workflowId,
    workflowVersion: run.workflowVersion,
    status: run.status,
    ...(run.outputs !== undefined ? { outputs: run.outputs } : {}),
    ...(run.error ? { error: run.error } : {}),
    durationMs: run.durationMs,
    totalTokens: run.totalTokens,
    costUsd: run.costUsd,
    nodes: run.nodes.map((n) => ({ nodeId: n.nodeId, status: n.status, ...(n.error ? { error: n.error } : {}) })),
  };
}

/** Polls the run (through runs.get, so grants apply) until it ends, `deadline` passes or `signal` aborts. */
async function waitForRun(api: Api, runId: string, deadline: number, signal: AbortSignal): Promise<RunDetail> {
  let delay = 25;
  for (;;) {
    const run = await api.runs.get({ runId });
    if (!ACTIVE.has(run.status) || Date.now() >= deadline || signal.aborted) return run;
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())), undefined, { signal }).catch(() => undefined);
    delay = Math.min(500, delay * 2);
  }
}

export const runWorkflow = defineTool({
  name: "run_workflow",
  title: "Run a workflow",
  description:
    "Runs the latest version of a workflow with the given inputs (each AI node with its production parameters, or a parameter " +
    "version chosen per node) and waits up to waitSeconds (default 60) for it to end. Returns the run id, status and outputs; " +
    "a run still going after the wait is returned with status running (read it later with get_run).",
  procedures: ["runs.start", "runs.get"],
  input: procedureInput("runs.start")
    .pick({ workflowId: true, inputs: true, parameterVersions: true })
    .extend({ waitSeconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).default(60).describe("how long to wait for the run to end (0: return at once)") }),
  async run({ waitSeconds, ...input }, { api, signal }) {
    const { runId } = await api.runs.start(input);
    return runSummary(await waitForRun(api, runId, Date.now() + waitSeconds * 1000, signal));
  },
});

export const getRun = defineTool({
  name: "get_run",
  title: "Get a run",
  description: "A run's status, outputs, error, totals and per-node status (e.g. of a run_workflow that was still going).",
  procedures: ["runs.get"],
  input: procedureInput("runs.get"),
  async run(input, { api }) {
    return runSummary(await api.runs.get(input));
  },
});

export const runTools = [runWorkflow, getRun];
