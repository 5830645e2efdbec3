import type { GraphIndex } from "../graph/model.js";
import type { ProviderRegistry, TokenUsage } from "../providers/types.js";
import type { ErrorInfo } from "../schema/events.js";
import type { EventBus } from "./event-bus.js";
import { formatCount, limits } from "../limits.js";
import type { ParallelEdge } from "../schema/graph.js";
import type { NodeMemoryContext } from "../memory/types.js";
import type { RunServices } from "../services/types.js";
import { addUsage, type NodeJob, type NodeJobResult } from "./node-runner.js";
import type { Scheduler, Step } from "./scheduler.js";

/** A node execution ready to be spawned as an actor. */
export interface LaunchJob extends NodeJob {
  actorId: string;
}

/** What a node actor reports back to the run machine. */
export interface NodeActorOutput {
  nodeId: string;
  result: NodeJobResult;
}

/**
 * The mutable bookkeeping of one run that the XState machine drives: ready queue, concurrency
 * groups, in-flight controllers, totals. Mutated in place so each step stays O(out-degree).
 */
export class RunCore {
  readonly ready: string[] = [];
  readonly inFlight = new Map<string, AbortController>();
  readonly nodeScope: Record<string, unknown> = {};
  readonly usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  costUsd = 0;
  failure?: ErrorInfo;
  /** The error of each node that failed, for the run result. */
  readonly nodeErrors = new Map<string, ErrorInfo>();
  private readonly groupRunning = new Map<string, number>();
  /** Branches waiting for a slot in their group, per group key (FIFO). */
  private readonly waiting = new Map<string, Fifo>();
  private waitingCount = 0;
  /** Groups that freed a slot since the last launch. */
  private readonly freed = new Set<string>();
  private readonly cancelledByJoin = new Set<string>();
  private launches = 0;

  constructor(
    readonly index: GraphIndex,
    readonly scheduler: Scheduler,
    readonly bus: EventBus,
    readonly providers: ProviderRegistry,
    readonly inputs: Record<string, unknown>,
    private readonly onJoinArmed: (aggregateId: string, timeoutMs: number) => void,
    /** Owner of the run's template renders (RunOptions.renderOwner, default the run id). */
    readonly renderOwner?: string,
    /** The run's conversation memory (RunOptions.memory with the run's ids). */
    readonly memory?: NodeMemoryContext,
    /** Stored workflows and MCP servers (RunOptions.services). */
    readonly services?: RunServices,
  ) {}

  /** Applies a scheduling step: emits skips and partials, queues ready nodes, cancels unneeded branches. */
  apply(step: Step): void {
    for (const s of step.skipped) this.bus.emit({ type: "node.skipped", nodeId: s.nodeId, reason: s.reason });
    for (const p of step.partial) this.bus.emit({ type: "node.partial", nodeId: p.nodeId, output: p.responses.map((r) => (r.ok ? r.value : { error: r.error })) });
    for (const id of step.ready) this.ready.push(id);
    for (const id of step.cancel) {
      const ctl = this.inFlight.get(id);
      if (ctl) {
        this.cancelledByJoin.add(id);
        ctl.abort(new Error("the join no longer needs this branch"));
      }
    }
  }

  /** Takes the ready nodes that may start now (concurrency caps respected), marking them running. */
  takeLaunchable(): LaunchJob[] {
    const jobs: LaunchJob[] = [];
    // Groups that freed a slot first: their waiting branches became ready before any new arrival.
    for (const key of this.freed) {
      const queue = this.waiting.get(key);
      while (queue && queue.size() > 0 && (this.groupRunning.get(key) ?? 0) < this.capOf(queue.peek())) {
        const nodeId = queue.take();
        this.waitingCount--;
        this.groupRunning.set(key, (this.groupRunning.get(key) ?? 0) + 1);
        jobs.push(this.makeJob(nodeId));
      }
    }
    this.freed.clear();
    for (const nodeId of this.ready.splice(0)) {
      const group = this.index.groups.get(nodeId);
      if (group) {
        const queue = this.waiting.get(group.key);
        // FIFO per group: a new branch never overtakes one already waiting.
        if ((this.groupRunning.get(group.key) ?? 0) >= group.cap || (queue && queue.size() > 0)) {
          this.wait(group.key, nodeId);
          continue;
        }
        this.groupRunning.set(group.key, (this.groupRunning.get(group.key) ?? 0) + 1);
      }
      jobs.push(this.makeJob(nodeId));
    }
    return jobs;
  }

  private capOf(nodeId: string): number {
    return this.index.groups.get(nodeId)!.cap;
  }

  // Queues a branch of a full group (status "queued", reported once).
  private wait(key: string, nodeId: string): void {
    let queue = this.waiting.get(key);
    if (!queue) this.waiting.set(key, (queue = new Fifo()));
    queue.push(nodeId);
    this.waitingCount++;
    if (this.scheduler.status.get(nodeId) !== "queued") {
      this.scheduler.status.set(nodeId, "queued");
      this.bus.emit({ type: "node.queued", nodeId });
    }
  }

  /** Records a finished node actor and propagates its result. */
  complete({ nodeId, result }: NodeActorOutput, continueOnError: boolean): void {
    this.inFlight.delete(nodeId);
    const group = this.index.groups.get(nodeId);
    if (group) {
      this.groupRunning.set(group.key, this.groupRunning.get(group.key)! - 1);
      this.freed.add(group.key);
    }
    if (result.ok) {
      const { outcome } = result;
      addUsage(this.usage, outcome.usage);
      this.costUsd += outcome.costUsd ?? 0;
      this.nodeScope[nodeId] = outcome.output;
      this.bus.emit({
        type: "node.succeeded",
        nodeId,
        output: outcome.output,
        durationMs: result.durationMs,
        usage: outcome.usage,
        costUsd: outcome.costUsd,
        takenEdges: outcome.takenEdges,
        attempts: result.attempts,
      });
      this.apply(this.scheduler.settle(nodeId, { status: "succeeded", output: outcome.output, takenEdges: outcome.takenEdges, itemErrors: result.itemErrors }));
      return;
    }
    if (this.cancelledByJoin.has(nodeId)) {
      this.bus.emit({ type: "node.cancelled", nodeId, reason: "the join completed without this branch" });
      this.apply(this.scheduler.settle(nodeId, { status: "cancelled", reason: "join completed" }));
      return;
    }
    this.bus.emit({ type: "node.failed", nodeId, error: result.error, durationMs: result.durationMs, continued: continueOnError, attempts: result.attempts });
    this.nodeErrors.set(nodeId, result.error);
    if (!continueOnError) {
      // Not propagated (the run is failing), but the node's own status must not stay "running".
      this.scheduler.status.set(nodeId, "failed");
      this.failure ??= result.error;
      return;
    }
    this.apply(this.scheduler.settle(nodeId, { status: "failed", error: result.error.message }));
  }

  /** Re-run: settles a node with its stored output instead of executing it. */
  reuse(nodeId: string, output: unknown, takenEdges?: string[]): void {
    this.nodeScope[nodeId] = output;
    this.bus.emit({ type: "node.succeeded", nodeId, output, durationMs: 0, reused: true, takenEdges });
    this.apply(this.scheduler.settle(nodeId, { status: "succeeded", output, takenEdges }));
  }

  /** Aborts every in-flight node and reports it cancelled. */
  abortAll(reason: string): void {
    for (const [nodeId, ctl] of this.inFlight) {
      ctl.abort(new Error(reason));
      this.scheduler.status.set(nodeId, "cancelled");
      this.bus.emit({ type: "node.cancelled", nodeId, reason });
    }
    this.inFlight.clear();
  }

  /** True when nothing runs and nothing waits: the run is over. */
  finished(): boolean {
    return this.inFlight.size === 0 && this.ready.length === 0 && this.waitingCount === 0;
  }

  private makeJob(nodeId: string): LaunchJob {
    const node = this.index.nodes.get(nodeId)!;
    const ctl = new AbortController();
    this.inFlight.set(nodeId, ctl);
    this.scheduler.status.set(nodeId, "running");
    const input = this.scheduler.inputFor(nodeId);
    const mapEdge = this.scheduler.mapEdge(nodeId);
    const items = mapEdge ? getPath(input, mapEdge.map!) : undefined;
    this.bus.emit({ type: "node.started", nodeId, attempt: 1, input });
    this.armJoins(nodeId);
    const scope = { inputs: this.inputs, input, nodes: this.nodeScope };
    const map = mapEdge ? mapJob(nodeId, mapEdge, items) : undefined;
    return {
      actorId: `node:${nodeId}:${this.launches++}`,
      node,
      input,
      scope,
      map,
      providers: this.providers,
      index: this.index,
      renderOwner: this.renderOwner,
      memory: this.memory,
      services: this.services,
      signal: ctl.signal,
      emit: map ? this.mappedEmitter(nodeId, map.items.length) : (e) => this.bus.emit(e),
    };
  }

  // Item results of a mapped node also surface as partial results of the async joins it feeds.
  private mappedEmitter(nodeId: string, count: number): NodeJob["emit"] {
    const joins = this.index.outEdges
      .get(nodeId)!
      .map((e) => this.index.nodes.get(e.target)!)
      .filter((t) => t.kind === "aggregate" && t.config.synchronization === "async");
    const sofar: unknown[] = new Array(count).fill(null);
    return (e) => {
      this.bus.emit(e);
      if (e.type !== "node.partial" || e.index === undefined || joins.length === 0) return;
      sofar[e.index] = e.output;
      for (const j of joins) this.bus.emit({ type: "node.partial", nodeId: j.id, index: e.index, output: [...sofar] });
    };
  }

  // Starts the timeout clock of each aggregate this node feeds, when its first branch starts.
  private armJoins(nodeId: string): void {
    for (const e of this.index.outEdges.get(nodeId)!) {
      const t = this.index.nodes.get(e.target)!;
      if (t.kind === "aggregate" && t.config.timeoutMs) this.onJoinArmed(t.id, t.config.timeoutMs);
    }
  }

}

/** A queue with O(1) take (Array#shift is O(n) on long queues). */
class Fifo {
  private items: string[] = [];
  private head = 0;
  push(id: string): void {
    this.items.push(id);
  }
  peek(): string {
    return this.items[this.head];
  }
  take(): string {
    const id = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return id;
  }
  size(): number {
    return this.items.length - this.head;
  }
}

// The list a mapped node runs over, or why it cannot: not a list, or more items than `mapItems`.
function mapJob(nodeId: string, edge: ParallelEdge, items: unknown): NonNullable<NodeJob["map"]> {
  if (!Array.isArray(items)) {
    return { edge, items: [], error: `"${nodeId}" maps over "${edge.map}", which is not a list (got ${JSON.stringify(items)?.slice(0, 60) ?? "undefined"})` };
  }
  const max = limits().mapItems;
  if (items.length > max) {
    return { edge, items: [], error: `"${nodeId}" maps over "${edge.map}" (edge "${edge.id}"): ${formatCount(items.length)} items, over the limit of ${formatCount(max)} (mapItems)` };
  }
  return { edge, items };
}

/** Reads a dotted path (`json.items`) from a value. */
export function getPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

