/** Hand-rolled SVG charts of an optimization: best score over candidates, the Pareto plot, the lineage graph. */
import { useLayoutEffect, useMemo, useRef, useState, type JSX, type KeyboardEvent, type MouseEvent, type RefObject } from "react";
import {
  ancestry,
  bestSoFar,
  COST_MEASURES,
  formatNumber,
  lineageLayout,
  linearScale,
  niceTicks,
  paddedExtent,
  paramsLine,
  paretoFront2D,
  plotPoints,
  summarizeParams,
  type CandidateLike,
  type CostMeasure,
  type Direction,
} from "./model.js";
import { drawOrder, nearestPoint } from "./nearest.js";

const M = { top: 12, right: 12, bottom: 30, left: 42 };

/**
 * The chart's drawing size follows its container (so text stays at its CSS size at any width,
 * in the side panel or expanded); the height follows the width within bounds.
 */
function useChartSize<T extends HTMLElement>(): [RefObject<T | null>, { W: number; H: number }] {
  const ref = useRef<T>(null);
  const [W, setW] = useState(320);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (w: number) => setW(Math.max(220, Math.round(w)));
    measure(el.getBoundingClientRect().width);
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(([entry]) => measure(entry.contentRect.width));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, { W, H: Math.round(Math.min(300, Math.max(180, W * 0.5))) }];
}

function onActivate(f: () => void) {
  return (e: KeyboardEvent) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      f();
    }
  };
}

function Axes({ W, H, x, y, xLabel, yLabel, xTicks, yTicks, xFormat = formatNumber }: {
  W: number;
  H: number;
  x: ReturnType<typeof linearScale>;
  y: ReturnType<typeof linearScale>;
  xLabel: string;
  yLabel: string;
  xTicks: number[];
  yTicks: number[];
  xFormat?: (v: number) => string;
}) {
  return (
    <g className="opt-axes">
      {yTicks.map((t) => (
        <g key={`y${t}`}>
          <line className="opt-grid-line" x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
          <text x={M.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
            {formatNumber(t)}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <text key={`x${t}`} x={x(t)} y={H - M.bottom + 14} textAnchor="middle">
          {xFormat(t)}
        </text>
      ))}
      <line className="opt-axis-line" x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
      <text className="opt-axis-label" x={W - M.right} y={H - 3} textAnchor="end">
        {xLabel}
      </text>
      <text className="opt-axis-label" x={M.left - 34} y={M.top - 2} textAnchor="start">
        {yLabel}
      </text>
    </g>
  );
}

/** Best-so-far of the primary objective over candidates (step line), each candidate's own score as a dot. */
export function BestScoreChart({ candidates, metric, direction, maxCandidates }: { candidates: CandidateLike[]; metric: string; direction: Direction; maxCandidates: number }): JSX.Element {
  const [box, { W, H }] = useChartSize<HTMLDivElement>();
  const series = useMemo(() => bestSoFar(candidates, metric, direction), [candidates, metric, direction]);
  const values = series.flatMap((p) => [p.value, p.best]).filter((v): v is number => v !== undefined);
  const [y0, y1] = paddedExtent(values, 0.1);
  const xMax = Math.max(1, maxCandidates - 1, ...series.map((p) => p.index));
  const x = linearScale([0, xMax], [M.left, W - M.right]);
  const y = linearScale([y0, y1], [H - M.bottom, M.top]);
  const steps: string[] = [];
  let prev: { x: number; y: number } | undefined;
  for (const p of series) {
    if (p.best === undefined) continue;
    const px = x(p.index);
    const py = y(p.best);
    steps.push(prev ? `L${px},${prev.y} L${px},${py}` : `M${px},${py}`);
    prev = { x: px, y: py };
  }
  const last = series.at(-1);
  return (
    <figure className="opt-chart" data-testid="best-score-chart" data-points={series.length} data-best={last?.best ?? ""}>
      <figcaption className="opt-chart__title">
        Best <span className="mono">{metric}</span> so far
        <span className="opt-chart__value">{formatNumber(last?.best)}</span>
      </figcaption>
      <div ref={box}>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Best ${metric} over ${series.length} candidates: ${formatNumber(last?.best)}`}>
        <Axes W={W} H={H} x={x} y={y} xLabel="candidate" yLabel={metric} xTicks={niceTicks(0, xMax, 6).filter(Number.isInteger)} yTicks={niceTicks(y0, y1, 4)} />
        {series.map((p) =>
          p.value !== undefined ? <circle key={p.index} className="opt-dot" cx={x(p.index)} cy={y(p.value)} r={2.6} /> : <circle key={p.index} className="opt-dot opt-dot--rejected" cx={x(p.index)} cy={H - M.bottom} r={2} />,
        )}
        {steps.length ? <path className="opt-best-line" d={`${steps.join(" ")} L${x(last!.index)},${prev!.y}`} /> : null}
      </svg>
      </div>
    </figure>
  );
}

/** Quality (y) against a cost measure (x): every candidate a point, the front highlighted, rejected ones faded. */
export function ParetoPlot(props: {
  candidates: CandidateLike[];
  qualityMetrics: string[];
  qualityDirections: Record<string, Direction>;
  selected: number | null;
  onSelect: (index: number) => void;
}): JSX.Element {
  const { candidates, qualityMetrics, qualityDirections, selected, onSelect } = props;
  const [quality, setQuality] = useState(qualityMetrics[0] ?? "passRate");
  const [cost, setCost] = useState<CostMeasure>("tokens");
  const [hover, setHover] = useState<number | null>(null);
  const [box, { W, H }] = useChartSize<HTMLDivElement>();
  const yMetric = qualityMetrics.includes(quality) ? quality : (qualityMetrics[0] ?? "passRate");
  const yDir = qualityDirections[yMetric] ?? "max";
  const points = useMemo(() => plotPoints(candidates, yMetric, cost), [candidates, yMetric, cost]);
  const front = useMemo(() => paretoFront2D(points, yDir), [points, yDir]);
  const [x0, x1] = paddedExtent(points.map((p) => p.x));
  const [y0, y1] = paddedExtent(points.map((p) => p.y));
  const x = linearScale([x0, x1], [M.left, W - M.right]);
  const y = linearScale([y0, y1], [H - M.bottom, M.top]);
  const frontPts = points.filter((p) => front.has(p.index)).sort((a, b) => a.x - b.x);
  const byIndex = new Map(candidates.map((c) => [c.index, c]));
  // The tooltip follows the pointer (or keyboard focus); the selection has its own panel.
  const shown = hover;
  const tip = shown != null ? byIndex.get(shown) : undefined;
  const tipPoint = points.find((p) => p.index === shown);
  const costLabel = { tokens: "tokens / example", latency: "latency ms / example", cost: "USD / example" }[cost];
  const svgRef = useRef<SVGSVGElement>(null);
  const screen = points.map((p) => ({ index: p.index, x: x(p.x), y: y(p.y), front: front.has(p.index) }));
  // Pointer position in the SVG's coordinates (it is drawn 1:1, but may be scaled by CSS).
  const pointer = (e: MouseEvent<SVGSVGElement>) => {
    const r = svgRef.current!.getBoundingClientRect();
    return { px: (e.clientX - r.left) * (r.width ? W / r.width : 1), py: (e.clientY - r.top) * (r.height ? H / r.height : 1) };
  };
  // A click anywhere picks the nearest point, so no point drawn on top can hide another.
  const onPlotClick = (e: MouseEvent<SVGSVGElement>) => {
    const { px, py } = pointer(e);
    const hit = nearestPoint(screen, px, py, selected);
    if (hit !== undefined) onSelect(hit);
  };
  // The tooltip follows the point the pointer is nearest to (within reach).
  const onPlotMove = (e: MouseEvent<SVGSVGElement>) => {
    const { px, py } = pointer(e);
    const hit = nearestPoint(screen, px, py);
    const p = screen.find((s) => s.index === hit);
    setHover(p && Math.hypot(p.x - px, p.y - py) <= 24 ? p.index : null);
  };

  return (
    <figure className="opt-chart" data-testid="pareto-plot" data-front-size={front.size}>
      <figcaption className="opt-chart__title opt-chart__title--controls">
        <span>Pareto front</span>
        <span className="opt-selectors">
          {qualityMetrics.length > 1 ? (
            <select aria-label="Quality axis" value={yMetric} onChange={(e) => setQuality(e.target.value)}>
              {qualityMetrics.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          ) : null}
          <select aria-label="Cost axis" data-testid="pareto-axis" value={cost} onChange={(e) => setCost(e.target.value as CostMeasure)}>
            {COST_MEASURES.map((m) => (
              <option key={m} value={m}>
                vs {m}
              </option>
            ))}
          </select>
        </span>
      </figcaption>
      <div className="opt-plot-wrap" ref={box}>
        <svg
          ref={svgRef}
          className="opt-plot"
          width={W}
          height={H}
          viewBox={`0 0 ${W} ${H}`}
          role="group"
          aria-label={`${yMetric} against ${cost}: ${points.length} candidates, ${front.size} on the front`}
          data-testid="pareto-svg"
          onClick={onPlotClick}
          onMouseMove={onPlotMove}
          onMouseLeave={() => setHover(null)}
        >
          <Axes W={W} H={H} x={x} y={y} xLabel={costLabel} yLabel={yMetric} xTicks={niceTicks(x0, x1, 4)} yTicks={niceTicks(y0, y1, 4)} />
          {frontPts.length > 1 ? <polyline className="opt-front-line" points={frontPts.map((p) => `${x(p.x)},${y(p.y)}`).join(" ")} /> : null}
          {drawOrder(points, front, selected).map((p) => {
            const onFront = front.has(p.index);
            const cls = ["opt-point", onFront ? "is-front" : "", p.rejected ? "is-rejected" : "", selected === p.index ? "is-selected" : ""].filter(Boolean).join(" ");
            return (
              <circle
                key={p.index}
                className={cls}
                cx={x(p.x)}
                cy={y(p.y)}
                r={selected === p.index ? 6 : onFront ? 5 : 4}
                tabIndex={0}
                role="button"
                aria-label={`Candidate ${p.index}: ${yMetric} ${formatNumber(p.y)}, ${cost} ${formatNumber(p.x)}${onFront ? ", on the front" : ""}${p.rejected ? ", rejected" : ""}`}
                aria-pressed={selected === p.index}
                data-testid={`pareto-point-${p.index}`}
                data-front={onFront ? "true" : "false"}
                onFocus={() => setHover(p.index)}
                onBlur={() => setHover(null)}
                onKeyDown={onActivate(() => onSelect(p.index))}
              />
            );
          })}
        </svg>
        {tip && tipPoint ? (
          <div
            className="opt-tooltip"
            role="tooltip"
            data-testid="pareto-tooltip"
            style={{ left: Math.min(W - 90, Math.max(90, x(tipPoint.x))), top: y(tipPoint.y) }}
          >
            <div className="opt-tooltip__head">
              #{tip.index} · gen {tip.generation} · {tip.status}
              {front.has(tip.index) ? <span className="opt-tag">front</span> : null}
            </div>
            {summarizeParams(tip.params).map((s) => (
              <div key={s.nodeId} className="muted">
                {paramsLine(s)}
              </div>
            ))}
            <div>
              {yMetric} <strong>{formatNumber(tipPoint.y)}</strong> · {cost} <strong>{formatNumber(tipPoint.x)}</strong>
            </div>
            {tip.rejectReason ? <div className="opt-tooltip__reject">{tip.rejectReason}</div> : null}
          </div>
        ) : null}
      </div>
      <div className="opt-legend small muted">
        <span>
          <i className="opt-swatch is-front" /> front
        </span>
        <span>
          <i className="opt-swatch" /> evaluated
        </span>
        <span>
          <i className="opt-swatch is-rejected" /> rejected
        </span>
      </div>
    </figure>
  );
}

/** Parents → children by generation; the selected candidate's ancestry highlighted. */
export function LineageView({ candidates, selected, onSelect }: { candidates: CandidateLike[]; selected: number | null; onSelect: (index: number) => void }): JSX.Element {
  const COL = 72;
  // Edges that skip columns on one row arc above the nodes they pass, higher the longer they are.
  const bendOf = (cols: number) => Math.min(56, 8 + 6 * cols);
  const probe = useMemo(() => lineageLayout(candidates, { colWidth: COL }), [candidates]);
  const maxBend = useMemo(() => {
    const pos = new Map(probe.nodes.map((n) => [n.index, n]));
    let m = 0;
    for (const e of probe.edges) {
      const a = pos.get(e.from)!;
      const b = pos.get(e.to)!;
      const cols = Math.round(Math.abs(b.x - a.x) / COL);
      if (cols > 1 && Math.abs(a.y - b.y) < 1) m = Math.max(m, bendOf(cols));
    }
    return m;
  }, [probe]);
  const layout = useMemo(() => lineageLayout(candidates, { colWidth: COL, padY: 14 + maxBend }), [candidates, maxBend]);
  const lit = useMemo(() => ancestry(candidates, selected), [candidates, selected]);
  const pos = new Map(layout.nodes.map((n) => [n.index, n]));
  const width = Math.max(layout.width, 120);
  // The layout pads the bottom as much as the top; only the top needs room (for the arcs).
  const height = layout.height - maxBend + 4;
  return (
    <figure className="opt-chart" data-testid="lineage" data-edges={layout.edges.length}>
      <figcaption className="opt-chart__title">
        Lineage <span className="muted small">{layout.generations.length} generation{layout.generations.length === 1 ? "" : "s"}</span>
      </figcaption>
      {layout.edges.length === 0 && layout.nodes.length > 1 ? <p className="muted small opt-help">No parent links recorded for this strategy (random, grid and TPE sample independently); columns are generations.</p> : null}
      <div className="opt-lineage-scroll">
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="group" aria-label="Candidate lineage">
          {layout.edges.map((e) => {
            const a = pos.get(e.from)!;
            const b = pos.get(e.to)!;
            const on = lit.has(e.from) && lit.has(e.to);
            const cols = Math.round(Math.abs(b.x - a.x) / COL);
            const mx = (a.x + b.x) / 2;
            const bend = bendOf(cols);
            const d =
              cols > 1 && Math.abs(a.y - b.y) < 1
                ? `M${a.x},${a.y - 9} C${a.x + 16},${a.y - 9 - bend} ${b.x - 16},${b.y - 9 - bend} ${b.x},${b.y - 9}`
                : `M${a.x},${a.y} C${mx},${a.y} ${mx},${b.y} ${b.x},${b.y}`;
            return <path key={`${e.from}-${e.to}`} className={`opt-edge${on ? " is-lit" : ""}`} d={d} />;
          })}
          {layout.nodes.map((n) => (
            <g
              key={n.index}
              className={`opt-lnode status-${n.status}${lit.has(n.index) ? " is-lit" : ""}${selected === n.index ? " is-selected" : ""}`}
              transform={`translate(${n.x}, ${n.y})`}
              tabIndex={0}
              role="button"
              aria-label={`Candidate ${n.index}, generation ${n.generation}, ${n.status}`}
              aria-pressed={selected === n.index}
              data-testid={`lineage-node-${n.index}`}
              onClick={() => onSelect(n.index)}
              onKeyDown={onActivate(() => onSelect(n.index))}
            >
              <title>{`#${n.index} · generation ${n.generation} · ${n.status}`}</title>
              <circle r={9} />
              <text dy="0.34em" textAnchor="middle">
                {n.index}
              </text>
            </g>
          ))}
        </svg>
        <div className="opt-lineage-axis small muted" style={{ width }} aria-hidden="true">
          {layout.generations.map((g, i) => (
            <span key={g} style={{ left: 18 + i * COL }}>
              g{g}
            </span>
          ))}
        </div>
      </div>
    </figure>
  );
}
