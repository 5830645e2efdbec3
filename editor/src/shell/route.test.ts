import { describe, expect, it } from "vitest";
import { formatRoute, HOME, parseRoute, type Route } from "./route.js";

describe("hash routes", () => {
  const cases: [string, Route][] = [
    ["#/w/qa", { view: "workflows", workflowId: "qa" }],
    ["#/w/qa/runs/run_123", { view: "workflows", workflowId: "qa", runId: "run_123" }],
    ["#/w/qa/optimizations/opt-9", { view: "workflows", workflowId: "qa", optimizationId: "opt-9" }],
    ["#/w/qa/versions/3", { view: "workflows", workflowId: "qa", version: 3 }],
    ["#/datasets", { view: "datasets" }],
    ["#/datasets/qa%20set", { view: "datasets", dataset: "qa set" }],
  ];

  it.each(cases)("%s round-trips", (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    expect(formatRoute(route)).toBe(hash);
  });

  it("still opens the old forms: #qa, #/qa and #datasets", () => {
    expect(parseRoute("#qa")).toEqual({ view: "workflows", workflowId: "qa" });
    expect(parseRoute("#/qa")).toEqual({ view: "workflows", workflowId: "qa" });
    expect(parseRoute("#datasets")).toEqual({ view: "datasets" });
    expect(parseRoute("#my%2Dflow")).toEqual({ view: "workflows", workflowId: "my-flow" });
  });

  it("encodes ids, so an id with / ? # or spaces stays one segment", () => {
    const route: Route = { view: "workflows", workflowId: "a b", runId: "x/y?#z" };
    const hash = formatRoute(route);
    expect(hash).toBe("#/w/a%20b/runs/x%2Fy%3F%23z");
    expect(parseRoute(hash)).toEqual(route);
  });

  it("writes one detail, the most specific: version, then optimization, then run", () => {
    expect(formatRoute({ view: "workflows", workflowId: "qa", runId: "r", optimizationId: "o", version: 2 })).toBe("#/w/qa/versions/2");
    expect(formatRoute({ view: "workflows", workflowId: "qa", runId: "r", optimizationId: "o" })).toBe("#/w/qa/optimizations/o");
    expect(formatRoute(HOME)).toBe("");
  });

  it("falls back to the workflow or HOME on malformed input, never throws", () => {
    for (const bad of ["", "#", "#/", "#/w", "#/w/", "#/w//runs/x", "#/w/qa/x/y/z", "#/datasets/a/b", "#%E0%A4%A", "#/a/b"]) {
      expect(() => parseRoute(bad)).not.toThrow();
    }
    expect(parseRoute("#/w/qa/versions/0")).toEqual({ view: "workflows", workflowId: "qa" });
    expect(parseRoute("#/w/qa/versions/abc")).toEqual({ view: "workflows", workflowId: "qa" });
    expect(parseRoute("#/w/qa/versions/99999999999")).toEqual({ view: "workflows", workflowId: "qa" });
    expect(parseRoute("#/w/qa/unknown/x")).toEqual({ view: "workflows", workflowId: "qa" });
    expect(parseRoute("#%E0%A4%A")).toEqual(HOME);
    expect(parseRoute("#/w")).toEqual(HOME);
    expect(parseRoute("#/a/b")).toEqual(HOME);
    expect(parseRoute("#/w/qa/")).toEqual({ view: "workflows", workflowId: "qa" });
  });
});
