/**
 * The conversation memory of a workflow's AI nodes (docs/tools-and-memory.md): its threads
 * (node, thread id, messages, last update), a thread's messages and summary, "Continue" (puts
 * the thread id into the run form so the next run goes on with that conversation) and "Clear"
 * (editors; asks once more). Renders nothing for a workflow without an AI node with memory.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Graph } from "../../../engine/browser.js";
import { formatRelative } from "../format.js";
import { useTRPC, type RouterOutputs } from "../trpc.js";
import "./memory.css";

type ThreadInfo = RouterOutputs["memory"]["list"][number];

const INPUT_REF = /^\{\{\s*inputs\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}$/;

/** AI node id → the input field its thread id comes from (when the template is just `{{ inputs.X }}`), for the nodes with memory. */
export function memoryNodesOf(graph: Graph): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const n of graph.nodes) {
    if (n.kind === "ai" && n.config.memory) out.set(n.id, INPUT_REF.exec(n.config.memory.thread.trim())?.[1] ?? null);
  }
  return out;
}

export interface MemoryThreadsProps {
  graph: Graph;
  /** Viewers read threads but neither continue nor clear them. */
  readOnly: boolean;
  /** Puts `threadId` into the run form's `field`. */
  onContinue?(field: string, threadId: string): void;
  /** Changes when a run finishes: the list is fetched again (the run may have written a turn). */
  refreshKey?: string;
}

export function MemoryThreads({ graph, readOnly, onContinue, refreshKey }: MemoryThreadsProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const nodes = memoryNodesOf(graph);
  const enabled = nodes.size > 0;
  const list = useQuery(trpc.memory.list.queryOptions({ workflowId: graph.id }, { enabled }));
  const [open, setOpen] = useState<string | null>(null);
  // Only a finished run refetches (it may have written a turn).
  useEffect(() => {
    if (enabled && refreshKey) void queryClient.invalidateQueries(trpc.memory.pathFilter());
  }, [enabled, refreshKey, queryClient, trpc]);
  if (!enabled) return null;
  const threads = list.data ?? [];
  return (
    <details className="memory-threads" data-testid="memory-threads" open>
      <summary>
        Memory <span className="muted">· {list.isLoading ? "…" : `${threads.length} thread${threads.length === 1 ? "" : "s"}`}</span>
      </summary>
      {list.error ? <div className="error-box small">{list.error.message}</div> : null}
      {!list.isLoading && threads.length === 0 ? (
        <div className="muted small" data-testid="memory-empty">
          No conversations yet. Runs with a thread id ({[...nodes.values()].filter(Boolean).map((f) => `“${f}”`).join(", ") || "see the node's memory settings"}) keep one.
        </div>
      ) : null}
      <ul className="memory-threads__list">
        {threads.map((t) => {
          const id = `${t.nodeId}\u0000${t.threadId}`;
          const field = nodes.get(t.nodeId) ?? null;
          return (
            <ThreadRow
              key={id}
              thread={t}
              expanded={open === id}
              onToggle={() => setOpen(open === id ? null : id)}
              readOnly={readOnly}
              onContinue={onContinue && field ? () => onContinue(field, t.threadId) : undefined}
            />
          );
        })}
      </ul>
    </details>
  );
}

function ThreadRow({ thread: t, expanded, onToggle, readOnly, onContinue }: { thread: ThreadInfo; expanded: boolean; onToggle(): void; readOnly: boolean; onContinue?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const clear = useMutation(
    trpc.memory.clear.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.memory.pathFilter()),
      onSettled: () => setConfirming(false),
    }),
  );
  return (
    <li className="memory-thread" data-testid="memory-thread" data-thread={t.threadId} data-node={t.nodeId}>
      <div className="memory-thread__head">
        <button type="button" className="memory-thread__toggle" aria-expanded={expanded} onClick={onToggle} title="Show the messages">
          <span className="mono">{t.threadId}</span>
          <span className="muted small">
            {t.nodeId} · {t.messages} message{t.messages === 1 ? "" : "s"} · {formatRelative(t.updatedAt)}
          </span>
        </button>
        <div className="memory-thread__actions">
          {onContinue && !readOnly ? (
            <button type="button" className="btn btn-sm" data-testid="memory-continue" onClick={onContinue} title="Put this thread id into the run form">
              Continue
            </button>
          ) : null}
          {readOnly ? null : confirming ? (
            <>
              <button type="button" className="btn btn-sm memory-danger" data-testid="memory-clear-confirm" disabled={clear.isPending} onClick={() => clear.mutate({ workflowId: t.workflowId, nodeId: t.nodeId, threadId: t.threadId })}>
                Clear {t.messages} message{t.messages === 1 ? "" : "s"}?
              </button>
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-sm btn-ghost" data-testid="memory-clear" onClick={() => setConfirming(true)} title="Delete this conversation's messages and summary">
              Clear
            </button>
          )}
        </div>
      </div>
      {clear.error ? <div className="error-box small">{clear.error.message}</div> : null}
      {expanded ? <ThreadTurns thread={t} /> : null}
    </li>
  );
}

function ThreadTurns({ thread: t }: { thread: ThreadInfo }) {
  const trpc = useTRPC();
  const [limit, setLimit] = useState(20);
  const got = useQuery(trpc.memory.get.queryOptions({ workflowId: t.workflowId, nodeId: t.nodeId, threadId: t.threadId, limit }));
  if (got.error) return <div className="error-box small">{got.error.message}</div>;
  if (!got.data) return <div className="muted small">Loading…</div>;
  const { turns, summary, more } = got.data;
  return (
    <div className="memory-turns" data-testid="memory-turns">
      {summary ? (
        <div className="memory-turns__summary small" data-testid="memory-summary">
          <strong>Summary v{summary.version}</strong> <span className="muted">(through message {summary.throughSeq})</span>
          <div>{summary.text}</div>
        </div>
      ) : null}
      {more ? (
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => setLimit(Math.min(200, limit + 40))} disabled={limit >= 200}>
          {limit >= 200 ? "Older messages: see the CLI (flowtune memory show)" : "Show older"}
        </button>
      ) : null}
      {turns.map((m) => (
        <div key={m.seq} className={`memory-turn memory-turn--${m.role}`} data-testid="memory-turn" data-role={m.role}>
          <span className="memory-turn__who">{m.role === "user" ? "user" : "assistant"} <span className="muted">#{m.seq}</span></span>
          <div className="memory-turn__text">{m.content}</div>
        </div>
      ))}
    </div>
  );
}
