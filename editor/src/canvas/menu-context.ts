/**
 * What the shell lends the canvas's context menu: actions that live outside the canvas (null: not
 * possible now). Its own module so that the shell can provide it without loading React Flow.
 */
import { createContext } from "react";

export interface CanvasMenuActions {
  /** Re-runs the shown (finished) run from a node. */
  runFrom: ((nodeId: string) => void) | null;
  /** Pastes the editor's clipboard. */
  paste: (() => void) | null;
  /** Lays the graph out and fits the view. */
  autoLayout: (() => void) | null;
  fitView: () => void;
}

export const CanvasMenuContext = createContext<CanvasMenuActions | null>(null);
