// @vitest-environment jsdom
/** The node details list an AI node execution's tool calls (name, arguments, result or error, duration) and a recorded stop. */
import { afterEach, describe, expect, it } from "vitest";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import type { Graph } from "../../../engine/browser.js";
import type { RunState } from "../run-state.js";
import { ToolCalls } from "./ToolCalls.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
let root: Root | undefined;
let host: HTMLElement | undefined;
afterEach(() => {
  act(() => root?.unmount());
  host?.remove();
});

function render(ui: React.ReactNode): HTMLElement {
  host = document.createElement("div");
  document.body.append(host);
  root = createRoot(host);
  act(() => root!.render(ui));
  return host;
}

const output = {
  text: "51",
  toolCalls: [
    { id: "c1", tool: "calculator", arguments: { expression: "(12 + 5) * 3" }, result: 51, durationMs: 3.2 },
    { id: "c2", tool: "math_service", arguments: { expression: "(12 + 5) * 3" }, error: "refused to call http://127.0.0.1:8787/calc: address 127.0.0.1 is a loopback address", durationMs: 7 },
  ],
  toolStop: "stopped at the tool call limit: the model asked for 1 more tool call after 2 (maxToolCalls 2)",
};

describe("ToolCalls", () => {
  it("lists each call with its tool, arguments, result or error and duration, and the recorded stop", () => {
    const el = render(<ToolCalls output={output} />);
    expect(el.querySelector("summary")?.textContent).toBe("2 tool calls · 1 failed");
    const rows = [...el.querySelectorAll<HTMLElement>("[data-testid=tool-call]")];
    expect(rows.map((r) => [r.dataset.tool, r.dataset.status])).toEqual([["calculator", "ok"], ["math_service", "error"]]);
    expect(rows[0].textContent).toContain('{"expression":"(12 + 5) * 3"}');
    expect(rows[0].querySelector("[data-testid=tool-call-result]")?.textContent).toBe("→ 51");
    expect(rows[0].textContent).toMatch(/3(\.2)? ?ms/);
    expect(rows[1].querySelector("[data-testid=tool-call-result]")?.textContent).toMatch(/^Error: refused to call .*loopback address$/);
    expect(el.querySelector("[data-testid=tool-stop]")?.textContent).toMatch(/maxToolCalls 2/);
  });

  it("renders nothing for outputs without tool calls (other nodes, AI nodes without tools)", () => {
    expect(render(<ToolCalls output={{ text: "x" }} />).innerHTML).toBe("");
    act(() => root?.unmount());
    expect(render(<ToolCalls output={{ text: "x", toolCalls: [] }} />).innerHTML).toBe("");
  });

  it("appears in the node's run details", async () => {
    const { NodeRunDetails } = await import("./NodeRunDetails.js");
    const { renderWithTrpc, FakeTrpc, cleanup } = await import("../testing/dom.js");
    const { AuthContext } = await import("../auth/context.js");
    const graph = { version: 1, id: "g", name: "g", nodes: [{ id: "solve", kind: "ai", config: { provider: "sim", model: "sim-small", prompt: "x" } }], edges: [] } as unknown as Graph;
    const run = { runId: "r1", status: "succeeded", nodes: { solve: { status: "succeeded", output, durationMs: 12 } } } as unknown as RunState;
    const fake = new FakeTrpc();
    renderWithTrpc(
      <AuthContext.Provider value={{ user: { name: "t", role: "viewer", workflows: null }, signOut: () => undefined, expired: () => undefined }}>
        <NodeRunDetails graph={graph} nodeId="solve" run={run} />
      </AuthContext.Provider>,
      fake.link,
    );
    const list = document.querySelector("[data-testid=node-run-tools]");
    expect(list).not.toBeNull();
    expect(list!.querySelectorAll("[data-testid=tool-call]")).toHaveLength(2);
    cleanup();
  });
});
