/**
 * One table cell summarising a parameter version's metrics, in both shapes they are stored in:
 * flat (`{ accuracy: 0.9 }`, hand-made versions) and per split (`{ validation: {…}, test: {…} }`
 * or `{ validation, testStatus }`, the optimizer's versions).
 */

// Aggregates every candidate carries; what is not one of these is an evaluation node's score.
const BOOKKEEPING = new Set(["n", "errors", "totalTokens", "totalCostUsd", "latency", "cost", "p50LatencyMs", "p95LatencyMs", "tokens", "passRate"]);
const SPLITS: Array<[string, string]> = [
  ["test", "test"],
  ["validation", "val"],
];

const num = (v: number) => String(Number(v.toPrecision(3)));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// The scores (evaluation nodes; the pass rate when there are none), then mean tokens per example.
function splitText(label: string, m: Record<string, unknown>): string | undefined {
  const numeric = Object.entries(m).filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]));
  const scores = numeric.filter(([k]) => !BOOKKEEPING.has(k));
  const pick = (k: string) => numeric.filter(([n]) => n === k);
  const shown = [...(scores.length ? scores : pick("passRate")), ...pick("tokens")];
  return shown.length ? `${label} ${shown.map(([k, v]) => `${k}=${num(v)}`).join(" ")}` : undefined;
}

/** e.g. `accuracy=0.9 costUsd=0.0012`, or `test grade=0.917 tokens=175 · val grade=0.583 tokens=177`; "-" when there are none. */
export function metricsText(metrics: Record<string, unknown> | null | undefined): string {
  if (!metrics) return "-";
  const parts: string[] = [];
  const flat = Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]));
  if (flat.length) parts.push(flat.map(([k, v]) => `${k}=${num(v)}`).join(" "));
  for (const [key, label] of SPLITS) {
    const m = metrics[key];
    const text = isRecord(m) ? splitText(label, m) : undefined;
    if (text) parts.push(text);
  }
  // A front member the holdout could not re-score says so instead of showing nothing for test.
  if (!isRecord(metrics.test) && typeof metrics.testStatus === "string") parts.push(`test ${metrics.testStatus}`);
  return parts.length ? parts.join(" · ") : "-";
}
