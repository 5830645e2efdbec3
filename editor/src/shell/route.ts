/**
 * The editor's shareable URLs (hash routes), parsed and written here only:
 *
 *   #/w/<workflowId>                      a workflow
 *   #/w/<workflowId>/runs/<runId>         … with a run shown
 *   #/w/<workflowId>/optimizations/<id>   … with an optimization open in its node's Optimize tab
 *   #/w/<workflowId>/versions/<n>         … previewing version n
 *   #/datasets, #/datasets/<name>         the datasets (one selected)
 *   #/providers                           the providers
 *
 * The older forms still open: `#qa` (a workflow) and `#datasets`.
 */

export type Route =
  | { view: "workflows"; workflowId: string | null; runId?: string; optimizationId?: string; version?: number }
  | { view: "datasets"; dataset?: string }
  | { view: "providers" };

export const HOME: Route = { view: "workflows", workflowId: null };

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** The route named by a location hash (`#…`, with or without the `#`); anything unknown is HOME. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  if (!raw || raw === "/") return HOME;
  const parts = raw.replace(/^\//, "").replace(/\/+$/, "").split("/").map(decode);
  if (parts.some((p) => p === null || p === "")) return HOME;
  const [head, ...rest] = parts as string[];
  if (head === "datasets") {
    if (rest.length === 0) return { view: "datasets" };
    return rest.length === 1 ? { view: "datasets", dataset: rest[0] } : HOME;
  }
  if (head === "providers") return rest.length === 0 ? { view: "providers" } : HOME;
  if (head === "w") {
    const [workflowId, kind, value, ...extra] = rest;
    if (!workflowId || extra.length) return HOME;
    if (kind === undefined) return { view: "workflows", workflowId };
    if (value === undefined) return { view: "workflows", workflowId };
    if (kind === "runs") return { view: "workflows", workflowId, runId: value };
    if (kind === "optimizations") return { view: "workflows", workflowId, optimizationId: value };
    if (kind === "versions" && /^[1-9]\d{0,8}$/.test(value)) return { view: "workflows", workflowId, version: Number(value) };
    return { view: "workflows", workflowId };
  }
  // The old form: `#<workflowId>` (also `#/<workflowId>`).
  return rest.length === 0 ? { view: "workflows", workflowId: head } : HOME;
}

const enc = encodeURIComponent;

/** The hash (with `#`) of a route; HOME is the empty string. At most one of run, optimization and version is written (in that order of precedence: version, optimization, run). */
export function formatRoute(route: Route): string {
  if (route.view === "datasets") return route.dataset ? `#/datasets/${enc(route.dataset)}` : "#/datasets";
  if (route.view === "providers") return "#/providers";
  if (!route.workflowId) return "";
  const base = `#/w/${enc(route.workflowId)}`;
  if (route.version !== undefined) return `${base}/versions/${route.version}`;
  if (route.optimizationId) return `${base}/optimizations/${enc(route.optimizationId)}`;
  if (route.runId) return `${base}/runs/${enc(route.runId)}`;
  return base;
}

/** True when two routes name the same view (compared by their URL). */
export function sameRoute(a: Route, b: Route): boolean {
  return formatRoute(a) === formatRoute(b);
}
