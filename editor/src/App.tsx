import { skipToken, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { lazy, Suspense, useCallback, useEffect, useReducer, useState } from "react";
import type { Graph, RunEvent } from "../../engine/browser.js";
import { NodeInspector } from "./panels/NodeInspector.js";
import { RecentRuns } from "./panels/RecentRuns.js";
import { RunPanel } from "./panels/RunPanel.js";
import { WorkflowList } from "./panels/WorkflowList.js";
import { emptyRun, isFinished, isTerminalEvent, runReducer } from "./run-state.js";
import { useAuth } from "./auth/context.js";
import { UserBadge } from "./auth/UserBadge.js";
import { isUnauthorized, useTRPC } from "./trpc.js";
import { BrandLogo } from "./ui.js";

// React Flow is the bulk of the bundle: load it as its own chunk, in parallel with the data.
const WorkflowCanvas = lazy(() => import("./canvas/WorkflowCanvas.js"));

function workflowFromHash(): string | null {
  const h = decodeURIComponent(window.location.hash.replace(/^#\/?/, ""));
  return h || null;
}

export function App() {
  const trpc = useTRPC();
  const { expired } = useAuth();
  const queryClient = useQueryClient();
  const workflows = useQuery(trpc.workflows.list.queryOptions());
  const [workflowId, setWorkflowId] = useState<string | null>(workflowFromHash);
  const [selectedNodeId, setSelectedNodeId] = useState<string | null>(null);
  const [run, dispatch] = useReducer(runReducer, null, () => emptyRun());

  // Default to the first workflow once the list is known.
  useEffect(() => {
    if (!workflows.data?.length) return;
    if (!workflowId || !workflows.data.some((w) => w.id === workflowId)) setWorkflowId(workflows.data[0].id);
  }, [workflows.data, workflowId]);

  const selectWorkflow = useCallback((id: string) => {
    setWorkflowId(id);
    setSelectedNodeId(null);
    dispatch({ type: "reset", runId: null });
    window.history.replaceState(null, "", `#${encodeURIComponent(id)}`);
  }, []);

  const workflow = useQuery(trpc.workflows.get.queryOptions(workflowId ? { id: workflowId } : skipToken));

  const showRun = useCallback(
    (runId: string) => {
      dispatch({ type: "reset", runId });
      void queryClient.invalidateQueries(trpc.runs.list.queryFilter());
    },
    [queryClient, trpc],
  );

  // The shown run's events: stored ones replayed, then live ones; the link resumes after the
  // last seq it saw if the connection drops. Unsubscribes once the run has finished.
  const streaming = run.runId !== null && !isFinished(run.status);
  const events = useSubscription(
    trpc.runs.events.subscriptionOptions(streaming ? { runId: run.runId! } : skipToken, {
      onData: ({ data }) => {
        // Run events are plain JSON, so the serialized type is the event type.
        const event = data as RunEvent;
        dispatch({ type: "event", event });
        if (isTerminalEvent(event)) void queryClient.invalidateQueries(trpc.runs.list.queryFilter());
      },
      // The batched requests report a 401 themselves; the SSE stream's errors come here.
      onError: (err) => {
        if (isUnauthorized(err)) expired();
      },
    }),
  );

  const graph = workflow.data?.graph as Graph | undefined;
  const selectedNode = graph?.nodes.find((n) => n.id === selectedNodeId);
  const current = workflows.data?.find((w) => w.id === workflowId);

  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">
          <BrandLogo />
          <span className="brand__name">Flowtune</span>
        </div>
        <WorkflowList selectedId={workflowId} onSelect={selectWorkflow} />
        <div className="sidebar__foot muted small">Workflow graphs for LLM pipelines</div>
      </aside>

      <main className="main">
        <header className="topbar">
          {graph ? (
            <div className="topbar__titles">
              <h1 data-testid="workflow-title">{graph.name}</h1>
              {graph.description ? <p title={graph.description}>{graph.description}</p> : null}
            </div>
          ) : (
            <div className="topbar__titles">
              <h1>{workflow.isPending && workflowId ? "Loading…" : "Select a workflow"}</h1>
            </div>
          )}
          <div className="topbar__right">
            {graph ? (
              <div className="topbar__meta">
                <span className="badge">v{workflow.data?.version ?? current?.currentVersion}</span>
                <span className="badge badge-soft">
                  {graph.nodes.length} nodes · {graph.edges.length} edges
                </span>
              </div>
            ) : null}
            <UserBadge />
          </div>
        </header>
        <div className="canvas-wrap">
          {workflow.error ? <div className="error-box floating">{workflow.error.message}</div> : null}
          {graph ? (
            <Suspense fallback={<div className="muted pad">Loading canvas…</div>}>
              <WorkflowCanvas
                key={`${graph.id}@${workflow.data?.version}`}
                graph={graph}
                runNodes={run.nodes}
                selectedNodeId={selectedNodeId}
                onSelectNode={setSelectedNodeId}
              />
            </Suspense>
          ) : null}
          <Legend />
        </div>
      </main>

      <aside className="rightbar">
        {graph ? (
          <>
            <RunPanel
              key={graph.id}
              graph={graph}
              run={run}
              streamStatus={events.status}
              streamError={events.error?.message}
              onStarted={showRun}
            />
            {selectedNode ? (
              <NodeInspector node={selectedNode} run={run.nodes[selectedNode.id]} onClose={() => setSelectedNodeId(null)} />
            ) : (
              <div className="panel-section hint muted small">Click a node to see its configuration and its output in the run.</div>
            )}
            <RecentRuns workflowId={graph.id} currentRunId={run.runId} onSelect={showRun} />
          </>
        ) : null}
      </aside>
    </div>
  );
}

function Legend() {
  return (
    <div className="legend" aria-label="Edge kinds">
      <span>
        <svg width="28" height="8">
          <line x1="0" y1="4" x2="28" y2="4" className="lg-pipeline" />
        </svg>
        pipeline
      </span>
      <span>
        <svg width="28" height="8">
          <line x1="0" y1="4" x2="28" y2="4" className="lg-broadcast" />
        </svg>
        broadcast
      </span>
      <span>
        <svg width="28" height="8">
          <line x1="0" y1="4" x2="28" y2="4" className="lg-conditional" />
        </svg>
        conditional
      </span>
      <span>
        <svg width="28" height="8">
          <line x1="0" y1="4" x2="28" y2="4" className="lg-parallel-outer" />
          <line x1="0" y1="4" x2="28" y2="4" className="lg-parallel-core" />
        </svg>
        parallel
      </span>
    </div>
  );
}
