/** Every node's execution policy: timeout per attempt and what an error does (stop, continue, retry with backoff). */
import type { GraphNode } from "../../../../engine/browser.js";
import { NumberField, SelectField } from "../fields.js";
import type { Claim, Setter } from "./types.js";

const ERROR_MODES = ["stop", "continue", "retry"] as const;

/** The collapsible "Execution" section (open when a policy is set). */
export function ExecutionFields({ node, claim, set }: { node: GraphNode; claim: Claim; readOnly: boolean; set: Setter }) {
  const p = node.onError;
  return (
    <details className="isection" open={Boolean(p || node.timeoutMs)}>
      <summary className="isection__title">Execution</summary>
      <NumberField label="Timeout per attempt (ms)" testId="inspector-timeout" step={1000} min={1} value={node.timeoutMs} issues={claim("timeoutMs")} onChange={(v) => set({ timeoutMs: v }, "timeoutMs")} />
      <SelectField
        label="On error"
        testId="inspector-on-error"
        value={p?.mode ?? "stop"}
        options={ERROR_MODES}
        issues={claim("onError")}
        onChange={(mode) => set({ onError: mode === "retry" ? { mode, maxRetries: 2, backoffMs: 200, backoffFactor: 2, then: "stop" } : mode === "stop" ? undefined : { mode } }, "onError")}
      />
      {p?.mode === "retry" ? (
        <>
          <div className="irow">
            <NumberField label="Max retries" step={1} min={1} max={10} value={p.maxRetries} onChange={(v) => set({ onError: { ...p, maxRetries: v ?? 2 } }, "onError.maxRetries")} />
            <NumberField label="Backoff (ms)" step={50} min={0} value={p.backoffMs} onChange={(v) => set({ onError: { ...p, backoffMs: v ?? 200 } }, "onError.backoffMs")} />
          </div>
          <div className="irow">
            <NumberField label="Backoff factor" step={0.5} min={1} value={p.backoffFactor} onChange={(v) => set({ onError: { ...p, backoffFactor: v ?? 2 } }, "onError.backoffFactor")} />
            <SelectField label="Then" value={p.then ?? "stop"} options={["stop", "continue"] as const} onChange={(v) => set({ onError: { ...p, then: v } }, "onError.then")} />
          </div>
        </>
      ) : null}
    </details>
  );
}
