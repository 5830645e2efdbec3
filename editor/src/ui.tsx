/** Small shared UI pieces (kept free of React Flow so the panels do not pull it in). */
import type { NodeKind, NodeStatus, RunStatus } from "../../engine/browser.js";

export const KIND_LABEL: Record<NodeKind, string> = {
  input: "Input",
  ai: "AI",
  evaluation: "Evaluation",
  router: "Router",
  aggregate: "Aggregate",
  output: "Output",
  optimizer: "Optimizer",
};

export const STATUS_LABEL: Record<NodeStatus, string> = {
  pending: "idle",
  queued: "queued",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  skipped: "skipped",
  cancelled: "cancelled",
};

/** A coloured status badge for a node (NodeStatus) or a run (RunStatus). */
export function StatusPill({ status, label, testId }: { status: NodeStatus | RunStatus; label?: string; testId?: string }) {
  return (
    <span className={`status-pill status-${status}`} data-testid={testId} data-status={testId ? status : undefined}>
      <span className="status-dot" />
      {label ?? (status in STATUS_LABEL ? STATUS_LABEL[status as NodeStatus] : status)}
    </span>
  );
}


/** The Flowtune mark: a wave on the accent gradient. */
export function BrandLogo({ size = 30 }: { size?: number }) {
  return (
    <span className="brand__logo" style={{ width: size, height: size }} aria-hidden="true">
      <svg width={size * 0.6} height={size * 0.6} viewBox="0 0 32 32">
        <path d="M6 21c5 0 5-10 10-10s5 10 10 10" stroke="white" strokeWidth="3.2" fill="none" strokeLinecap="round" />
      </svg>
    </span>
  );
}
