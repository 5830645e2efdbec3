import type { GraphIndex } from "../graph/model.js";
import type { BranchResponse } from "../nodes/aggregate/types.js";
import type { NodeStatus } from "../schema/events.js";
import type { GraphEdge, ParallelEdge } from "../schema/graph.js";

/** How a node settled, as far as scheduling cares. */
export type Settlement =
  | { status: "succeeded"; output: unknown; takenEdges?: string[]; itemErrors?: Array<string | undefined> }
  | { status: "failed"; error: string }
  | { status: "skipped"; reason: string }
  | { status: "cancelled"; reason: string };

/** What the executor must do after a scheduling step. */
export interface Step {
  /** Nodes whose inputs are complete, in the order they became ready. */
  ready: string[];
  /** Nodes that will never run, with why; already settled as skipped. */
  skipped: Array<{ nodeId: string; reason: string }>;
  /** Async joins that got a new response: their responses so far. */
  partial: Array<{ nodeId: string; responses: BranchResponse[] }>;
  /** Running branch nodes whose results an early join no longer needs. */
  cancel: string[];
}

const emptyStep = (): Step => ({ ready: [], skipped: [], partial: [], cancel: [] });

/**
 * The pure scheduling rules: which nodes are ready, which are skipped, how joins collect
 * responses. Each settlement touches only the settled node's out-edges (O(out-degree)),
 * so a step never costs O(graph).
 */
export class Scheduler {
  readonly status = new Map<string, NodeStatus>();
  readonly outputs = new Map<string, unknown>();
  private readonly pendingIn = new Map<string, number>();
  private readonly activeSources = new Map<string, string[]>();
  private readonly responses = new Map<string, BranchResponse[]>();
  private readonly fired = new Set<string>();
  private arrivals = 0;

  constructor(private readonly index: GraphIndex) {
    for (const [id, node] of index.nodes) {
      this.status.set(id, "pending");
      this.pendingIn.set(id, index.inEdges.get(id)!.length);
      this.activeSources.set(id, []);
      if (node.kind === "aggregate") this.responses.set(id, []);
    }
  }

  /** Nodes with no incoming edges (optimizer nodes never run). */
  roots(): string[] {
    return [...this.index.nodes.values()]
      .filter((n) => n.kind !== "optimizer" && this.pendingIn.get(n.id) === 0)
      .map((n) => n.id);
  }

  /** Marks a ready node as fired so it is never made ready twice. */
  markFired(nodeId: string): void {
    this.fired.add(nodeId);
  }

  isFired(nodeId: string): boolean {
    return this.fired.has(nodeId);
  }

  /** Records how a node ended and propagates it along its out-edges. */
  settle(nodeId: string, s: Settlement): Step {
    const step = emptyStep();
    this.fired.add(nodeId);
    this.applySettlement(nodeId, s, step);
    return step;
  }

  /** Fires an aggregate now with the responses it has (timeout); returns what to cancel. */
  fireJoinEarly(nodeId: string): Step {
    const step = emptyStep();
    if (this.fired.has(nodeId) || this.status.get(nodeId) !== "pending") return step;
    this.fired.add(nodeId);
    step.ready.push(nodeId);
    step.cancel.push(...this.unsettledSources(nodeId));
    return step;
  }

  /** The input a ready node runs with: its single source's output, sources keyed by id, or join responses. */
  inputFor(nodeId: string): unknown {
    const node = this.index.nodes.get(nodeId)!;
    if (node.kind === "aggregate") return [...this.responses.get(nodeId)!];
    const sources = this.activeSources.get(nodeId)!;
    if (sources.length === 0) return undefined;
    if (sources.length === 1) return this.outputs.get(sources[0]);
    return Object.fromEntries(sources.map((s) => [s, this.outputs.get(s)]));
  }

  /** The parallel map edge feeding a node, if it is mapped over a list. */
  mapEdge(nodeId: string): ParallelEdge | undefined {
    return this.index.mapEdges.get(nodeId);
  }

  private applySettlement(nodeId: string, s: Settlement, step: Step): void {
    // Iterative to survive 1,000-node skip cascades without deep recursion.
    const work: Array<[string, Settlement]> = [[nodeId, s]];
    while (work.length) {
      const [id, st] = work.pop()!;
      this.status.set(id, st.status);
      if (st.status === "succeeded") this.outputs.set(id, st.output);
      for (const e of this.index.outEdges.get(id)!) {
        const skippedTarget = this.resolveEdge(e, id, st, step);
        if (skippedTarget) {
          step.skipped.push(skippedTarget);
          work.push([skippedTarget.nodeId, { status: "skipped", reason: skippedTarget.reason }]);
        }
      }
    }
  }

  // Resolves one edge after its source settled; returns the target if it can now never run.
  private resolveEdge(e: GraphEdge, source: string, s: Settlement, step: Step): { nodeId: string; reason: string } | undefined {
    const t = e.target;
    const active = s.status === "succeeded" && (e.kind !== "conditional" || (s.takenEdges ?? []).includes(e.id));
    this.pendingIn.set(t, this.pendingIn.get(t)! - 1);
    if (active) this.activeSources.get(t)!.push(source);
    const target = this.index.nodes.get(t)!;
    if (target.kind === "aggregate") {
      this.recordResponses(t, e, source, s, active, step);
    }
    if (this.fired.has(t) || this.status.get(t) !== "pending") return undefined;
    if (target.kind === "aggregate" && active && this.joinCanFireEarly(t)) {
      this.fired.add(t);
      step.ready.push(t);
      step.cancel.push(...this.unsettledSources(t));
      return undefined;
    }
    if (this.pendingIn.get(t)! > 0) return undefined;
    // A join also runs when an active source delivered no responses (a map over an empty list):
    // its own rules (minResponses, strategy) then decide, never a silent skip.
    const hasInput = this.activeSources.get(t)!.length > 0 || (target.kind === "aggregate" && this.responses.get(t)!.length > 0);
    if (hasInput) {
      this.fired.add(t);
      step.ready.push(t);
      return undefined;
    }
    this.fired.add(t);
    return { nodeId: t, reason: this.skipReason(t) };
  }

  private recordResponses(aggId: string, e: GraphEdge, source: string, s: Settlement, active: boolean, step: Step): void {
    if (this.fired.has(aggId)) return;
    const list = this.responses.get(aggId)!;
    const order = this.index.inEdgeOrder.get(e.id)!;
    if (active && s.status === "succeeded" && Array.isArray(s.output) && this.mapEdge(source)) {
      // A mapped node contributes one response per item, in item order.
      s.output.forEach((value, i) => {
        const error = s.itemErrors?.[i];
        list.push({ source, order: order * 1_000_000 + i, arrival: this.arrivals++, ok: !error, value: error ? undefined : value, error });
      });
      return; // its items already surfaced one by one as they finished

    } else if (active) {
      list.push({ source, order, arrival: this.arrivals++, ok: true, value: (s as { output: unknown }).output });
    } else if (s.status === "failed") {
      list.push({ source, order, arrival: this.arrivals++, ok: false, error: s.error });
    } else {
      return;
    }
    const node = this.index.nodes.get(aggId)!;
    if (node.kind === "aggregate" && node.config.synchronization === "async") step.partial.push({ nodeId: aggId, responses: [...list] });
  }

  private joinCanFireEarly(aggId: string): boolean {
    const node = this.index.nodes.get(aggId)!;
    return node.kind === "aggregate" && node.config.strategy === "first" && this.responses.get(aggId)!.some((r) => r.ok) && this.pendingIn.get(aggId)! > 0;
  }

  private unsettledSources(aggId: string): string[] {
    return this.index.inEdges
      .get(aggId)!
      .map((e) => e.source)
      .filter((s) => {
        const st = this.status.get(s);
        return st === "pending" || st === "running" || st === "queued";
      });
  }

  // Why each incoming edge delivered nothing. Only called when no edge is active, so a source
  // that succeeded can only appear as a conditional route it did not take.
  private skipReason(nodeId: string): string {
    const parts = this.index.inEdges.get(nodeId)!.map((e) => {
      const st = this.status.get(e.source);
      if (st === "succeeded") return `route ${e.id} not taken`;
      return `${e.source} ${st}`;
    });
    return `no input: ${parts.join(", ")}`;
  }
}
