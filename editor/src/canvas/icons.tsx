import type { NodeKind } from "../../../engine/browser.js";

/** Stroke icons (24×24 grid) for the node kinds. */
const PATHS: Record<NodeKind, string[]> = {
  input: ["M4 12h11", "M11 8l4 4-4 4", "M19 5v14"],
  ai: ["M12 3l1.9 5.1L19 10l-5.1 1.9L12 17l-1.9-5.1L5 10l5.1-1.9z", "M19 16l.8 2.2L22 19l-2.2.8L19 22l-.8-2.2L16 19l2.2-.8z"],
  evaluation: ["M9 12l2 2 4-4", "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z"],
  router: ["M4 12h6", "M10 12l5-6h5", "M10 12l5 6h5", "M18 4l2 2-2 2", "M18 16l2 2-2 2"],
  aggregate: ["M4 6h5l5 6h6", "M4 18h5l5-6", "M18 10l2 2-2 2"],
  output: ["M5 5v14", "M9 12h11", "M16 8l4 4-4 4"],
  optimizer: ["M4 7h10", "M18 7h2", "M4 17h4", "M12 17h8", "M16 5v4", "M10 15v4"],
};

export function KindIcon({ kind, size = 16 }: { kind: NodeKind; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      {PATHS[kind].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
