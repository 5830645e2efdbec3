// @vitest-environment jsdom
/**
 * One-click optimize in the DOM against a fake tRPC server (a custom link): the dialog preselects
 * the optimizer node's dataset and focuses Start, offers to import a missing one, the Pareto plot
 * selects the nearest point wherever it is clicked, and "Promote" on a row saves and promotes in
 * one call with the reason asked inline (errors inline; viewers get no Promote).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { TRPCClientError } from "@trpc/client";
import { act, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseGraph, type Graph } from "../../../engine/browser.js";
import { byId, cleanup, click, FakeTrpc, renderWithTrpc, type, waitFor } from "../testing/dom.js";
import { CandidateTable } from "./CandidateTable.js";
import { ParetoPlot } from "./charts.js";
import type { CandidateLike } from "./model.js";
import { OptimizeDialog } from "./OptimizeDialog.js";

const qa = parseGraph(JSON.parse(readFileSync(path.join(import.meta.dirname, "../../../examples/qa.flow.json"), "utf8"))) as Graph;
const withRef = (ref: string): Graph => ({
  ...qa,
  nodes: qa.nodes.map((n) => (n.kind === "optimizer" ? ({ ...n, config: { ...n.config, dataset: ref } } as typeof n) : n)),
});

/** Queries and mutations answered by handlers (no subscriptions needed here). */
class FakeServer extends FakeTrpc {
  datasets: Array<Record<string, unknown>> = [];
  override handlers: Record<string, (input: unknown) => unknown> = {
    "datasets.list": () => this.datasets,
    "optimizations.start": () => ({ runId: "run-1" }),
  };
}

let container: HTMLDivElement;
let server: FakeServer;

function mount(ui: ReactNode) {
  ({ container } = renderWithTrpc(ui, server.link));
}

const QA_DS = { id: "ds-qa", name: "qa", version: 1, rows: 40, hash: "h", fileName: "qa.dataset.jsonl", createdAt: new Date(0).toISOString() };

beforeEach(() => {
  server = new FakeServer();
});
afterEach(cleanup);

describe("Optimize dialog", () => {
  it("preselects the dataset the optimizer node names, focuses Start, and starts with it", async () => {
    server.datasets = [{ ...QA_DS, id: "ds-other", name: "other" }, QA_DS];
    let started = "";
    mount(<OptimizeDialog workflowId="qa" nodeId="answer" graph={qa} onClose={() => undefined} onStarted={(id) => (started = id)} />);
    await waitFor(() => expect((byId("optimize-dataset") as HTMLSelectElement).value).toBe("qa"));
    await waitFor(() => expect(document.activeElement).toBe(byId("optimize-start")));
    expect(byId("optimize-dataset-missing")).toBeNull();
    click(byId("optimize-start"));
    await waitFor(() => expect(started).toBe("run-1"));
    const sent = server.calls.find((c) => c.path === "optimizations.start")?.input as { dataset: string; config: { limits: { maxCandidates: number } } };
    expect(sent.dataset).toBe("qa");
    expect(sent.config.limits.maxCandidates).toBe(24);
  });

  it("offers to import a missing example file, then selects it and focuses Start", async () => {
    server.datasets = [];
    server.handlers["optimizations.importExampleDataset"] = () => {
      server.datasets = [QA_DS];
      return { ...QA_DS, created: true };
    };
    mount(<OptimizeDialog workflowId="qa" nodeId="answer" graph={qa} onClose={() => undefined} onStarted={() => undefined} />);
    await waitFor(() => expect(byId("optimize-dataset-missing")?.textContent).toContain("examples/qa.dataset.jsonl"));
    expect(byId("optimize-no-datasets")).toBeNull();
    expect(document.activeElement).not.toBe(byId("optimize-start"));
    click(byId("optimize-import-example"));
    await waitFor(() => expect((byId("optimize-dataset") as HTMLSelectElement).value).toBe("qa"));
    expect(server.calls.find((c) => c.path === "optimizations.importExampleDataset")?.input).toEqual({ ref: "examples/qa.dataset.jsonl" });
    expect(byId("optimize-dataset-missing")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(byId("optimize-start")));
  });

  it("shows the server's refusal inline, and for a path outside the examples offers only a file pick", async () => {
    server.datasets = [];
    server.handlers["optimizations.importExampleDataset"] = () => {
      throw new TRPCClientError('"examples/qa.dataset.jsonl" is not a dataset file of the examples folder');
    };
    mount(<OptimizeDialog workflowId="qa" nodeId="answer" graph={qa} onClose={() => undefined} onStarted={() => undefined} />);
    await waitFor(() => expect(byId("optimize-import-example")).not.toBeNull());
    click(byId("optimize-import-example"));
    await waitFor(() => expect(byId("optimize-import-error")?.textContent).toContain("not a dataset file of the examples folder"));
    cleanup();

    server.handlers["datasets.import"] = (input) => {
      server.datasets = [{ ...QA_DS, id: "ds-r", name: "reviews", fileName: "reviews.csv" }];
      return { ...server.datasets[0], created: true, input };
    };
    mount(<OptimizeDialog workflowId="qa" nodeId="answer" graph={withRef("data/reviews.csv")} onClose={() => undefined} onStarted={() => undefined} />);
    await waitFor(() => expect(byId("optimize-dataset-missing")?.textContent).toContain("data/reviews.csv"));
    expect(byId("optimize-import-example")).toBeNull();
    const input = byId("optimize-pick-file-input") as HTMLInputElement;
    const file = new File(["q,a\n1+1,2\n2+2,4\n3+3,6\n"], "reviews.csv", { type: "text/csv" });
    Object.defineProperty(input, "files", { value: [file], configurable: true });
    act(() => input.dispatchEvent(new Event("change", { bubbles: true })));
    await waitFor(() => expect((byId("optimize-dataset") as HTMLSelectElement).value).toBe("reviews"));
    expect(server.calls.find((c) => c.path === "datasets.import")?.input).toEqual({ name: "reviews", fileName: "reviews.csv", text: "q,a\n1+1,2\n2+2,4\n3+3,6\n" });
  });
});

const cand = (index: number, grade: number, tokens: number, status = "evaluated"): CandidateLike => ({
  id: 100 + index,
  index,
  generation: 0,
  parentIds: [],
  status,
  split: "validation",
  params: { answer: { model: "sim-small", systemPrompt: `prompt ${index}`, prompt: "{{ inputs.question }}" } },
  metrics: { grade, tokens },
  tokens,
  costUsd: 0,
  latencyMs: 5,
});

describe("Pareto plot", () => {
  // #1 (front) and #2 (dominated) are drawn almost on the same spot; #3 sits apart.
  const candidates = [cand(0, 0.2, 10), cand(1, 0.9, 50), cand(2, 0.88, 50.5), cand(3, 0.5, 20)];

  function Plot({ selected, onSelect }: { selected: number | null; onSelect: (i: number) => void }) {
    return <ParetoPlot candidates={candidates} qualityMetrics={["grade"]} qualityDirections={{ grade: "max" }} selected={selected} onSelect={onSelect} />;
  }

  const centre = (i: number) => {
    const c = byId(`pareto-point-${i}`)!;
    return { x: Number(c.getAttribute("cx")), y: Number(c.getAttribute("cy")) };
  };

  it("a click anywhere selects the nearest point; front points are drawn over the others", () => {
    const picked: number[] = [];
    mount(<Plot selected={null} onSelect={(i) => picked.push(i)} />);
    const svg = byId("pareto-svg")!;
    const circles = [...svg.querySelectorAll("circle")].map((c) => c.getAttribute("data-testid"));
    expect(circles.indexOf("pareto-point-1")).toBeGreaterThan(circles.indexOf("pareto-point-2"));
    // A click on the dominated point's own circle (it overlaps #1) still picks whichever centre is nearer.
    const a = centre(1);
    const b = centre(2);
    click(byId("pareto-point-2"), { x: a.x + (b.x - a.x) * 0.2, y: a.y + (b.y - a.y) * 0.2 });
    click(svg, { x: a.x + (b.x - a.x) * 0.8, y: a.y + (b.y - a.y) * 0.8 });
    // Empty space far from every point: the nearest one still.
    const c3 = centre(3);
    click(svg, { x: c3.x + 15, y: c3.y + 15 });
    expect(picked).toEqual([1, 2, 3]);
  });

  it("keyboard selection still works on each point", () => {
    const picked: number[] = [];
    mount(<Plot selected={null} onSelect={(i) => picked.push(i)} />);
    act(() => byId("pareto-point-2")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true })));
    act(() => byId("pareto-point-0")!.dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true })));
    expect(picked).toEqual([2, 0]);
  });
});

describe("Promote on a candidate row", () => {
  const rows = [cand(0, 0.4, 30), cand(1, 0.9, 40), cand(2, 0, 0, "rejected")];
  const objectives = [
    { metric: "grade", direction: "max" as const },
    { metric: "tokens", direction: "min" as const },
  ];
  const table = (canEdit: boolean) => <CandidateTable candidates={rows} objectives={objectives} front={new Set([1])} selected={null} onSelect={() => undefined} runId="run-0123456789" canEdit={canEdit} best={1} />;

  it("asks the reason inline (suggested), then saves and promotes in one call", async () => {
    server.handlers["optimizations.promoteCandidate"] = () => [{ nodeId: "answer", version: 3, created: true, changed: true, from: 1 }];
    mount(table(true));
    expect(byId("best-candidate-mark")?.closest("tr")?.getAttribute("data-testid")).toBe("candidate-row-1");
    expect(byId("promote-row-2")).toBeNull(); // rejected: nothing to promote
    click(byId("promote-row-1"));
    const reason = byId("promote-reason") as HTMLTextAreaElement;
    expect(reason.value).toBe("candidate #1 of optimization 23456789: grade 0.9 (baseline 0.4), tokens 40 (baseline 30) on validation");
    expect(document.activeElement).toBe(reason);
    type(reason, "better grade");
    click(byId("promote-confirm"));
    await waitFor(() => expect(byId("promote-done")?.textContent).toBe("Production is now answer v3 (was v1)."));
    expect(server.calls.filter((c) => c.path.startsWith("optimizations.") || c.path.startsWith("parameters.promote"))).toEqual([
      { path: "optimizations.promoteCandidate", input: { runId: "run-0123456789", index: 1, reason: "better grade" } },
    ]);
  });

  it("shows a refusal inline and keeps the form; an empty reason cannot be sent", async () => {
    server.handlers["optimizations.promoteCandidate"] = () => {
      throw new TRPCClientError("workflow \"qa\" node \"answer\": production changed concurrently; try again");
    };
    mount(table(true));
    click(byId("promote-row-0"));
    type(byId("promote-reason") as HTMLTextAreaElement, "   ");
    expect((byId("promote-confirm") as HTMLButtonElement).disabled).toBe(true);
    type(byId("promote-reason") as HTMLTextAreaElement, "try");
    click(byId("promote-confirm"));
    await waitFor(() => expect(byId("promote-error")?.textContent).toContain("production changed concurrently"));
    expect(byId("promote-form-0")).not.toBeNull();
    expect(byId("promote-done")).toBeNull();
  });

  it("a viewer sees no Promote", () => {
    mount(table(false));
    expect(container.querySelector('[data-testid^="promote-row-"]')).toBeNull();
    expect(byId("candidate-row-1")).not.toBeNull();
  });
});
