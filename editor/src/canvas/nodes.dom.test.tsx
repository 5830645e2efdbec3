// @vitest-environment jsdom
/** The canvas node card: problems in words on the node (validation, run error, skipped) and the compact card. */
import { ReactFlowProvider } from "@xyflow/react";
import { act, type ComponentType } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GraphNode } from "../../../engine/browser.js";
import type { NodeRunState } from "../run-state.js";
import { CanvasActionsContext, nodeTypes, type FlowNodeData } from "./nodes.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const evalNode: GraphNode = { id: "grade", kind: "evaluation", config: { metric: "exact_match", actual: "{{ input }}", expected: "x", caseSensitive: false, trim: true, threshold: 1 } } as GraphNode;

let root: Root;
let host: HTMLElement;
beforeEach(() => {
  host = document.createElement("div");
  document.body.append(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

function show(data: FlowNodeData, compact = false) {
  const Card = nodeTypes["ft-evaluation"] as unknown as ComponentType<Record<string, unknown>>;
  act(() =>
    root.render(
      <ReactFlowProvider>
        <CanvasActionsContext.Provider value={{ readOnly: false, onOptimize: () => {}, compact }}>
          <Card id="grade" data={data} selected={false} type="ft-evaluation" />
        </CanvasActionsContext.Provider>
      </ReactFlowProvider>,
    ),
  );
  return host.querySelector<HTMLElement>('[data-testid="node-grade"]')!;
}

describe("canvas node card", () => {
  it("shows the first validation issue in words, and how many more", () => {
    const card = show({ node: evalNode, issues: ["config.expected: bad template", "kind: second problem"] });
    expect(card.dataset.issues).toBe("2");
    const problem = host.querySelector('[data-testid="node-grade-problem"]')!;
    expect(problem.textContent).toBe("config.expected: bad template (+1 more)");
    expect(problem.getAttribute("title")).toContain("kind: second problem");
  });

  it("shows a failed node's error text, and 'skipped' with its reason", () => {
    const failed: NodeRunState = { status: "failed", error: { code: "PROVIDER_ERROR", message: "upstream said 500" } } as NodeRunState;
    show({ node: evalNode, run: failed });
    expect(host.querySelector('[data-testid="node-grade-error"]')!.textContent).toBe("upstream said 500");
    const skipped: NodeRunState = { status: "skipped", reason: "upstream node answer failed" } as NodeRunState;
    const card = show({ node: evalNode, run: skipped });
    expect(card.dataset.status).toBe("skipped");
    expect(host.querySelector('[data-testid="node-grade-skipped"]')!.textContent).toBe("skipped: upstream node answer failed");
    expect(host.querySelector('[data-testid="node-grade-error"]')).toBeNull();
  });

  it("renders a compact card when zoomed out: title only, same test id, issues in its tooltip", () => {
    const card = show({ node: { ...evalNode, label: "Exact match" } as GraphNode, issues: ["config.expected: bad"] }, true);
    expect(card.classList.contains("ft-node--compact")).toBe(true);
    expect(card.querySelector(".ft-node__head")!.textContent).toBe("Exact match");
    expect(card.querySelector(".ft-node__foot")).toBeNull();
    expect(card.getAttribute("title")).toContain("config.expected: bad");
  });
});
