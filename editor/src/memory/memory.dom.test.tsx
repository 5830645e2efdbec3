// @vitest-environment jsdom
/** The run panel's memory view: threads of the workflow's AI nodes with memory, their messages, Continue and Clear (editors only). */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Graph } from "../../../engine/browser.js";
import { byId, cleanup, click, FakeTrpc, renderWithTrpc, waitFor } from "../testing/dom.js";
import { memoryNodesOf, MemoryThreads } from "./MemoryThreads.js";

afterEach(cleanup);

const graph = {
  version: 1,
  id: "chat",
  name: "Chat",
  nodes: [
    { id: "in", kind: "input", config: { fields: [{ name: "message", type: "string", required: true }, { name: "thread", type: "string", required: false }] } },
    { id: "assistant", kind: "ai", config: { provider: "sim", model: "sim-small", prompt: "{{ inputs.message }}", memory: { thread: "{{ inputs.thread }}", kind: "window", maxTurns: 10, includeContext: true } } },
    { id: "other", kind: "ai", config: { provider: "sim", model: "sim-small", prompt: "x", memory: { thread: "t-{{ inputs.thread }}", kind: "summary", maxTurns: 10, includeContext: true } } },
  ],
  edges: [],
} as unknown as Graph;

const now = new Date().toISOString();
const threads = [
  { workflowId: "chat", nodeId: "assistant", threadId: "conv-1", messages: 4, lastSeq: 4, summaryVersion: 0, updatedAt: now },
  { workflowId: "chat", nodeId: "other", threadId: "t-conv-1", messages: 2, lastSeq: 2, summaryVersion: 1, updatedAt: now },
];
const turns = [
  { seq: 1, role: "user", content: "My name is Ada.", createdAt: now },
  { seq: 2, role: "assistant", content: "Noted: your name is Ada.", createdAt: now },
];

function fake() {
  return new FakeTrpc({
    "memory.list": () => threads,
    "memory.get": () => ({ thread: threads[0], summary: null, turns, more: false, maxStored: 1000 }),
    "memory.clear": () => ({ ok: true }),
  });
}

const rows = () => [...document.querySelectorAll<HTMLElement>("[data-testid=memory-thread]")];

describe("MemoryThreads", () => {
  it("maps each AI node with memory to the input its thread comes from", () => {
    expect([...memoryNodesOf(graph)]).toEqual([["assistant", "thread"], ["other", null]]);
  });

  it("lists the threads, shows a thread's messages, continues one into the run form and clears one after a second click", async () => {
    const trpc = fake();
    const onContinue = vi.fn();
    renderWithTrpc(<MemoryThreads graph={graph} readOnly={false} onContinue={onContinue} />, trpc.link);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(trpc.calls.find((c) => c.path === "memory.list")?.input).toEqual({ workflowId: "chat" });
    expect(rows()[0].textContent).toContain("conv-1");
    expect(rows()[0].textContent).toContain("assistant · 4 messages");

    click(rows()[0].querySelector("button[aria-expanded]"));
    await waitFor(() => expect(document.querySelectorAll("[data-testid=memory-turn]")).toHaveLength(2));
    expect([...document.querySelectorAll<HTMLElement>("[data-testid=memory-turn]")].map((t) => t.dataset.role)).toEqual(["user", "assistant"]);
    expect(byId("memory-turns")!.textContent).toContain("My name is Ada.");

    // Continue only where the thread comes straight from an input (the other node's is a template).
    expect(rows()[1].querySelector("[data-testid=memory-continue]")).toBeNull();
    click(rows()[0].querySelector("[data-testid=memory-continue]"));
    expect(onContinue).toHaveBeenCalledWith("thread", "conv-1");

    click(rows()[0].querySelector("[data-testid=memory-clear]"));
    expect(trpc.calls.some((c) => c.path === "memory.clear")).toBe(false);
    click(rows()[0].querySelector("[data-testid=memory-clear-confirm]"));
    await waitFor(() => expect(trpc.calls.find((c) => c.path === "memory.clear")?.input).toEqual({ workflowId: "chat", nodeId: "assistant", threadId: "conv-1" }));
    // The list is fetched again after the clear.
    await waitFor(() => expect(trpc.calls.filter((c) => c.path === "memory.list").length).toBeGreaterThan(1));
  });

  it("viewers read threads but get neither Continue nor Clear", async () => {
    renderWithTrpc(<MemoryThreads graph={graph} readOnly onContinue={() => undefined} />, fake().link);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(document.querySelector("[data-testid=memory-clear]")).toBeNull();
    expect(document.querySelector("[data-testid=memory-continue]")).toBeNull();
  });

  it("renders nothing, and asks nothing, for a workflow without memory", async () => {
    const trpc = fake();
    const plain = { ...graph, nodes: [graph.nodes[0]] } as Graph;
    const { container } = renderWithTrpc(<MemoryThreads graph={plain} readOnly={false} />, trpc.link);
    await new Promise((r) => setTimeout(r, 20));
    expect(container.innerHTML).toBe("");
    expect(trpc.calls).toEqual([]);
  });
});
