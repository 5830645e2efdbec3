/** Each edge kind and the stroke classes that draw its sample line (parallel is two strokes). */
const LEGEND: Array<[kind: string, strokes: string[]]> = [
  ["pipeline", ["lg-pipeline"]],
  ["broadcast", ["lg-broadcast"]],
  ["conditional", ["lg-conditional"]],
  ["parallel", ["lg-parallel-outer", "lg-parallel-core"]],
];

/** The edge-kind legend in the canvas corner. */
export function Legend() {
  return (
    <div className="legend" aria-label="Edge kinds">
      {LEGEND.map(([kind, strokes]) => (
        <span key={kind}>
          <svg width="28" height="8">
            {strokes.map((c) => (
              <line key={c} x1="0" y1="4" x2="28" y2="4" className={c} />
            ))}
          </svg>
          {kind}
        </span>
      ))}
    </div>
  );
}
