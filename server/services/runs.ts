import { createRun, FlowtuneError, isTerminalEvent, type Graph, type ProviderRegistry, type RunEvent, type RunHandle } from "../../engine/index.js";
import type { ListRunsOptions, RunDetail, RunHistoryStore, RunPage } from "../store/run-history.js";
import { graphChecksum, storableGraph, type WorkflowRecord, type WorkflowStore } from "../store/workflows.js";
import type { MemoryStore } from "../../engine/memory/types.js";
import type { ParameterResolver } from "./parameters.js";
import { assertProvidersConfigured } from "./providers.js";

// Finished runs stay in memory briefly so a subscriber that arrives late still reads them live.
const LINGER_MS = 30_000;

/** Starts runs in the background, tracks live ones, and serves their events to any number of readers. */
export class RunService {
  private readonly live = new Map<string, RunHandle>();

  constructor(
    private readonly deps: { history: RunHistoryStore; workflows: WorkflowStore; providers: ProviderRegistry; parameters?: ParameterResolver; memory?: MemoryStore },
  ) {}

  /**
   * Starts a run of the stored workflow's latest version with each AI node's production
   * parameters (recorded in run.started as `parameterVersions`); returns at once. With `graph`
   * (already validated, same id) it runs that unsaved draft instead, recorded in run.started as
   * `draft: { baseVersion }` unless it equals the latest version.
   */
  async start(args: {
    workflowId: string;
    inputs: Record<string, unknown>;
    graph?: Graph;
    /** The saved version the draft was edited from (default: the latest). */
    baseVersion?: number;
    /** AI node id → parameter version to run instead of production (recorded in `parameterVersions`). */
    parameterVersions?: Record<string, number>;
    signal?: AbortSignal;
  }): Promise<{ runId: string; draft?: { baseVersion: number } }> {
    const wf = await this.deps.workflows.get(args.workflowId);
    if (!wf) throw new FlowtuneError("NOT_FOUND", `workflow "${args.workflowId}" not found`);
    const draft = args.graph ? draftOf(wf, args.graph, args.baseVersion) : undefined;
    const graph = draft ? args.graph! : wf.graph;
    const resolved = this.deps.parameters ? await this.deps.parameters.resolve(wf.id, graph, args.parameterVersions) : undefined;
    assertProvidersConfigured(resolved?.graph ?? graph, this.deps.providers);
    const handle = await createRun({
      graph: resolved?.graph ?? graph,
      draft,
      parameterVersions: resolved && Object.keys(resolved.versions).length > 0 ? resolved.versions : undefined,
      parameterOverrides: args.parameterVersions ? Object.keys(args.parameterVersions).filter((id) => resolved?.versions[id] !== undefined) : undefined,
      inputs: args.inputs,
      providers: this.deps.providers,
      history: this.deps.history,
      workflowId: wf.id,
      memory: this.deps.memory,
      signal: args.signal,
    });
    return { ...(await this.track(handle)), ...(draft ? { draft } : {}) };
  }

  /** Re-runs a stored run from a node, reusing the outputs upstream of it. */
  async rerun(args: { runId: string; fromNodeId: string }): Promise<{ runId: string }> {
    const parent = await this.deps.history.loadRun(args.runId);
    if (!parent) throw new FlowtuneError("NOT_FOUND", `run ${args.runId} not found`);
    // The parent's graph snapshot already holds the parameters it ran with: report the same versions.
    const [started] = await this.deps.history.getEvents(args.runId, -1, 1);
    assertProvidersConfigured(parent.graph, this.deps.providers);
    const handle = await createRun({
      graph: parent.graph,
      parameterVersions: started?.type === "run.started" ? started.parameterVersions : undefined,
      parameterOverrides: started?.type === "run.started" ? started.parameterOverrides : undefined,
      inputs: parent.inputs,
      providers: this.deps.providers,
      history: this.deps.history,
      historyReader: this.deps.history,
      workflowId: parent.workflowId,
      memory: this.deps.memory,
      fromRun: { runId: args.runId, nodeId: args.fromNodeId },
    });
    return this.track(handle);
  }

  /** The live handle of a run still in memory. */
  handle(runId: string): RunHandle | undefined {
    return this.live.get(runId);
  }

  cancel(runId: string): boolean {
    return this.control(runId, (h) => h.cancel("cancelled by user"));
  }

  pause(runId: string): boolean {
    return this.control(runId, (h) => h.pause());
  }

  resume(runId: string): boolean {
    return this.control(runId, (h) => h.resume());
  }

  /** Events with seq > afterSeq: from memory while the run is live, else from the database; ends after the terminal event. */
  async *events(runId: string, afterSeq = -1, signal?: AbortSignal): AsyncIterable<RunEvent> {
    const handle = this.live.get(runId);
    if (handle) {
      for await (const e of handle.events()) {
        if (signal?.aborted) return;
        if (e.seq > afterSeq) yield e;
      }
      return;
    }
    let after = afterSeq;
    // A run that is no longer live is finished (or was interrupted): its history is complete.
    for (;;) {
      const batch = await this.deps.history.getEvents(runId, after, 500);
      for (const e of batch) {
        yield e;
        if (isTerminalEvent(e)) return;
      }
      if (batch.length < 500 || signal?.aborted) return;
      after = batch[batch.length - 1].seq;
    }
  }

  /** The workflow of a run in the history (every started run is, see track()); undefined for an unknown run. */
  workflowOf(runId: string): Promise<string | undefined> {
    return this.deps.history.workflowOf(runId);
  }

  get(runId: string): Promise<RunDetail | undefined> {
    return this.deps.history.getRun(runId);
  }

  list(opts: ListRunsOptions): Promise<RunPage> {
    return this.deps.history.listRuns(opts);
  }

  /** Cancels every live run (server shutdown) and waits for their history to be written. */
  async shutdown(): Promise<void> {
    const handles = [...this.live.values()].filter((h) => ["running", "paused"].includes(h.status()));
    for (const h of handles) h.cancel("server shutting down");
    await Promise.all(handles.map((h) => h.result));
  }

  // Returns once the run exists in the history, so an immediate runs.get finds it.
  private async track(handle: RunHandle): Promise<{ runId: string }> {
    this.live.set(handle.runId, handle);
    void handle.result.then(() => {
      setTimeout(() => this.live.delete(handle.runId), LINGER_MS).unref();
    });
    await handle.recorded;
    return { runId: handle.runId };
  }

  private control(runId: string, f: (h: RunHandle) => void): boolean {
    const h = this.live.get(runId);
    if (!h || !["running", "paused"].includes(h.status())) return false;
    f(h);
    return true;
  }
}

/**
 * The draft marker of a run of `graph` (an edited copy of `wf`): none when it is the latest saved
 * version as it stands, else the version it was edited from (checked to exist).
 */
function draftOf(wf: WorkflowRecord, graph: Graph, baseVersion: number | undefined): { baseVersion: number } | undefined {
  if (graph.id !== wf.id) throw new FlowtuneError("INPUT_INVALID", `graph id "${graph.id}" does not match workflow "${wf.id}"`, { field: "graph.id" });
  if (baseVersion !== undefined && baseVersion > wf.currentVersion) {
    throw new FlowtuneError("INPUT_INVALID", `workflow "${wf.id}" has no version ${baseVersion} (latest: ${wf.currentVersion})`, { field: "baseVersion" });
  }
  if (graphChecksum(storableGraph(graph)) === wf.checksum) return undefined;
  return { baseVersion: baseVersion ?? wf.currentVersion };
}
