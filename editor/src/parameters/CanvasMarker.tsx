/**
 * What an AI node on the canvas shows when a production version manages it: that version's
 * values (what runs) and a "production vN" marker, plus "draft vM" while a graph edit waits
 * for promotion. Unmanaged nodes show their graph fields, unchanged.
 */
import { useMemo } from "react";
import { canvasView } from "./effective.js";
import { useEffectiveNode } from "./effective-store.js";
import "./parameters.css";

export type CanvasAiView = ReturnType<typeof canvasView>;

/** The node's displayed config and marker (subscribes to this node's entry only). */
export function useCanvasAiView(node: { id: string; config: object }): CanvasAiView {
  const eff = useEffectiveNode(node.id);
  return useMemo(() => canvasView(node.config as Record<string, unknown>, eff), [node.config, eff]);
}

/** The "production vN" (and "draft vM") marker of a managed node; nothing for an unmanaged one. */
export function ManagedMarker({ nodeId, view }: { nodeId: string; view: CanvasAiView }) {
  if (!view.marker) return null;
  return (
    <div className="ft-node__managed" data-testid={`node-${nodeId}-managed`} title="Runs use this production parameter version, not the graph's own fields">
      <span className="managed-badge">{view.marker}</span>
      {view.draft !== null ? (
        <span className="managed-badge managed-badge--draft" data-testid={`node-${nodeId}-draft`}>
          draft v{view.draft}
        </span>
      ) : null}
    </div>
  );
}
