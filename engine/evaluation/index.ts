import { contains } from "./metrics/contains.js";
import { exactMatch } from "./metrics/exact-match.js";
import { jsonValid } from "./metrics/json-valid.js";
import { regex } from "./metrics/regex.js";
import type { Metric } from "./types.js";

export type { Metric, MetricInput, MetricResult } from "./types.js";

/** Metrics by id; evaluation nodes name one of these. */
export const METRICS: Record<string, Metric> = Object.fromEntries(
  [exactMatch, contains, regex, jsonValid].map((m) => [m.id, m]),
);

/** Looks a metric up by id. */
export function getMetric(id: string): Metric | undefined {
  return METRICS[id];
}
