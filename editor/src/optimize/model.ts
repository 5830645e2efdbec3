/**
 * The pure parts of the optimize views: scales and ticks, the best-so-far series, the 2-D Pareto
 * front of the scatter plot, and the lineage layout. No React here (unit-tested on their own).
 */

/** A stored candidate as the views need it (a subset of `optimizations.candidates` rows). */
export interface CandidateLike {
  id: number;
  index: number;
  generation: number;
  parentIds: number[];
  status: string;
  split: string;
  params: Record<string, Record<string, unknown>>;
  metrics?: Record<string, unknown> | null;
  objectives?: Record<string, number> | null;
  tokens: number;
  costUsd: number;
  latencyMs: number | null;
  rejectReason?: string | null;
}

export type Direction = "max" | "min";

// ---------- scales ----------

export interface LinearScale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
  invert(px: number): number;
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const f = ((v: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0))) as LinearScale;
  f.domain = [d0, d1];
  f.range = [r0, r1];
  f.invert = (px: number) => (r1 === r0 ? d0 : d0 + ((px - r0) / (r1 - r0)) * span);
  return f;
}

/** "Nice" tick values (1, 2, 5 × 10^k steps) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  if (min > max) [min, max] = [max, min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  // The 1/2/5 step nearest to the raw one (d3's thresholds).
  const step = (norm >= Math.sqrt(50) ? 10 : norm >= Math.sqrt(10) ? 5 : norm >= Math.sqrt(2) ? 2 : 1) * mag;
  const first = Math.ceil(min / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The extent of `values`, padded by `pad` of its width (or ±1 / ±10% around a single value); [0, 1] when empty. */
export function paddedExtent(values: number[], pad = 0.06): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  const d = (hi - lo) * pad;
  lo -= d;
  hi += d;
  return [lo, hi];
}

/** A short label for an axis tick or a table cell. */
export function formatNumber(v: number | null | undefined, digits = 3): string {
  if (v == null || !Number.isFinite(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 10_000) return `${(v / 1000).toFixed(a >= 100_000 ? 0 : 1)}k`;
  if (a >= 100) return String(Math.round(v));
  if (a >= 1) return String(Number(v.toFixed(2)));
  if (a >= 0.001) return String(Number(v.toPrecision(digits)));
  return v.toExponential(1);
}

// ---------- measures ----------

/** The x-axis measures of the Pareto plot (per-example means). */
export const COST_MEASURES = ["tokens", "latency", "cost"] as const;
export type CostMeasure = (typeof COST_MEASURES)[number];

/** A candidate's value of a metric: its objective value, else its metric, else the built-in measure; undefined when unscored. */
export function metricValue(c: CandidateLike, metric: string): number | undefined {
  const o = c.objectives?.[metric];
  if (typeof o === "number" && Number.isFinite(o)) return o;
  const m = c.metrics?.[metric];
  if (typeof m === "number" && Number.isFinite(m)) return m;
  if (!c.metrics) return undefined;
  if (metric === "latency" && c.latencyMs != null) return c.latencyMs;
  return undefined;
}

/**
 * What a candidate's test re-score shows for a metric: its value, "not scored" (with why) when the
 * re-score was cut short — by the budget or by provider errors — or undefined when there is none.
 */
export function testFigure(test: CandidateLike | undefined, metric: string): { value: number } | { notScored: string } | undefined {
  if (!test) return undefined;
  if (test.status === "failed") return { notScored: test.rejectReason ?? "the test re-score did not finish" };
  const value = metricValue(test, metric);
  return value === undefined ? undefined : { value };
}

/** Validation-split candidates in index order (the table, charts and lineage all use them). */
export function validationCandidates<C extends CandidateLike>(all: readonly C[]): C[] {
  return all.filter((c) => c.split === "validation").sort((a, b) => a.index - b.index);
}

/** Whether `a` is better than `b` in `direction`. */
export function better(a: number, b: number, direction: Direction): boolean {
  return direction === "max" ? a > b : a < b;
}

export interface BestPoint {
  index: number;
  /** This candidate's own value (undefined when rejected/unscored). */
  value?: number;
  /** The best value so far (undefined until a scored candidate appears). */
  best?: number;
  /** The index of the best candidate so far. */
  bestIndex?: number;
}

/** Best-so-far of `metric` over candidates in index order; rejected and failed ones do not count. */
export function bestSoFar(candidates: readonly CandidateLike[], metric: string, direction: Direction): BestPoint[] {
  let best: number | undefined;
  let bestIndex: number | undefined;
  return [...candidates]
    .sort((a, b) => a.index - b.index)
    .map((c) => {
      const v = c.status === "evaluated" ? metricValue(c, metric) : undefined;
      if (v !== undefined && (best === undefined || better(v, best, direction))) {
        best = v;
        bestIndex = c.index;
      }
      return { index: c.index, value: v, best, bestIndex };
    });
}

// ---------- Pareto front (2-D, for the plot) ----------

export interface PlotPoint {
  index: number;
  x: number;
  y: number;
  rejected: boolean;
}

/**
 * The non-dominated points of the plot: y is quality (`yDir`), x is a cost (minimized). Rejected
 * points never belong to the front; of equal points only the first (lowest index) does.
 * Returns the indexes of the front.
 */
export function paretoFront2D(points: readonly PlotPoint[], yDir: Direction = "max"): Set<number> {
  const feasible = points.filter((p) => !p.rejected && Number.isFinite(p.x) && Number.isFinite(p.y));
  const yBetter = (a: number, b: number) => (yDir === "max" ? a > b : a < b);
  const front = new Set<number>();
  for (const p of feasible) {
    const dominated = feasible.some((q) => {
      if (q === p) return false;
      const atLeast = q.x <= p.x && (q.y === p.y || yBetter(q.y, p.y));
      if (!atLeast) return false;
      if (q.x < p.x || yBetter(q.y, p.y)) return true;
      // Equal points: the earliest one represents them.
      return q.index < p.index;
    });
    if (!dominated) front.add(p.index);
  }
  return front;
}

/** The plot's points: every validation candidate that has both values (rejected ones included, flagged). */
export function plotPoints(candidates: readonly CandidateLike[], yMetric: string, xMetric: string): PlotPoint[] {
  const out: PlotPoint[] = [];
  for (const c of candidates) {
    const y = metricValue(c, yMetric);
    const x = metricValue(c, xMetric);
    if (x === undefined || y === undefined) continue;
    out.push({ index: c.index, x, y, rejected: c.status !== "evaluated" });
  }
  return out;
}

// ---------- lineage ----------

export interface LineageNode {
  index: number;
  generation: number;
  x: number;
  y: number;
  status: string;
}
export interface LineageEdge {
  from: number;
  to: number;
}
export interface LineageLayout {
  nodes: LineageNode[];
  edges: LineageEdge[];
  width: number;
  height: number;
  /** Generations in column order. */
  generations: number[];
}

/**
 * Columns by generation (left to right), candidates in index order down each column; edges from
 * each parent to its child (parents that are not stored are ignored).
 */
export function lineageLayout(
  candidates: readonly CandidateLike[],
  opts: { colWidth?: number; rowHeight?: number; padX?: number; padY?: number } = {},
): LineageLayout {
  const { colWidth = 72, rowHeight = 26, padX = 18, padY = 22 } = opts;
  const byIndex = new Map(candidates.map((c) => [c.index, c]));
  const generations = [...new Set(candidates.map((c) => c.generation))].sort((a, b) => a - b);
  const col = new Map(generations.map((g, i) => [g, i]));
  const rows = new Map<number, number>();
  const nodes: LineageNode[] = [];
  for (const c of [...candidates].sort((a, b) => a.index - b.index)) {
    const ci = col.get(c.generation)!;
    const r = rows.get(ci) ?? 0;
    rows.set(ci, r + 1);
    nodes.push({ index: c.index, generation: c.generation, x: padX + ci * colWidth, y: padY + r * rowHeight, status: c.status });
  }
  const edges: LineageEdge[] = [];
  for (const c of candidates) for (const p of c.parentIds) if (byIndex.has(p) && p !== c.index) edges.push({ from: p, to: c.index });
  const maxRows = Math.max(1, ...rows.values());
  return {
    nodes,
    edges,
    generations,
    width: padX * 2 + Math.max(0, generations.length - 1) * colWidth,
    height: padY * 2 + (maxRows - 1) * rowHeight,
  };
}

/** `index` and every candidate it descends from (through parentIds). */
export function ancestry(candidates: readonly CandidateLike[], index: number | null | undefined): Set<number> {
  const out = new Set<number>();
  if (index == null) return out;
  const byIndex = new Map(candidates.map((c) => [c.index, c]));
  const stack = [index];
  while (stack.length) {
    const i = stack.pop()!;
    if (out.has(i)) continue;
    out.add(i);
    for (const p of byIndex.get(i)?.parentIds ?? []) stack.push(p);
  }
  return out;
}

// ---------- table ----------

export type SortKey = "index" | "generation" | "status" | "tokens" | "latency" | "cost" | `obj:${string}`;

/** The value a table column sorts by. */
export function sortValue(c: CandidateLike, key: SortKey): number | string | undefined {
  switch (key) {
    case "index":
      return c.index;
    case "generation":
      return c.generation;
    case "status":
      return c.status;
    case "tokens":
      return metricValue(c, "tokens");
    case "latency":
      return metricValue(c, "latency");
    case "cost":
      return metricValue(c, "cost");
    default:
      return metricValue(c, key.slice(4));
  }
}

/** Sorted copy; missing values last in either direction, ties by index. */
export function sortCandidates<C extends CandidateLike>(candidates: readonly C[], key: SortKey, dir: "asc" | "desc"): C[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...candidates].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === undefined && vb === undefined) return a.index - b.index;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    const cmp = typeof va === "number" && typeof vb === "number" ? va - vb : String(va).localeCompare(String(vb));
    return cmp !== 0 ? sign * cmp : a.index - b.index;
  });
}

// ---------- parameters ----------

export interface ParamsSummary {
  nodeId: string;
  model?: string;
  provider?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  demos: number;
  systemPrompt?: string;
  prompt?: string;
}

/** One summary per target node of a candidate's parameter bundle. */
export function summarizeParams(params: Record<string, Record<string, unknown>>): ParamsSummary[] {
  return Object.entries(params).map(([nodeId, p]) => ({
    nodeId,
    model: typeof p.model === "string" ? p.model : undefined,
    provider: typeof p.provider === "string" ? p.provider : undefined,
    temperature: typeof p.temperature === "number" ? p.temperature : undefined,
    topP: typeof p.topP === "number" ? p.topP : undefined,
    maxTokens: typeof p.maxTokens === "number" ? p.maxTokens : undefined,
    demos: Array.isArray(p.fewShot) ? p.fewShot.length : 0,
    systemPrompt: typeof p.systemPrompt === "string" ? p.systemPrompt : undefined,
    prompt: typeof p.prompt === "string" ? p.prompt : undefined,
  }));
}

/** A one-line description of a parameter summary (tooltips). */
export function paramsLine(s: ParamsSummary): string {
  const parts = [s.model, s.temperature !== undefined ? `t=${s.temperature}` : undefined, s.maxTokens !== undefined ? `max ${s.maxTokens}` : undefined, `${s.demos} demo${s.demos === 1 ? "" : "s"}`];
  return parts.filter(Boolean).join(" · ");
}
