// @vitest-environment jsdom
/**
 * The AI node's Memory section in the real node form over a real document store: turning memory
 * on writes `config.memory` (thread from the input field that looks like a thread id), the thread
 * select offers the input node's fields, window/summary switch the fields that apply, off removes
 * it (undoable), and the engine's issues show on the field they name.
 */
import { act } from "react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Graph, MemoryConfig } from "../../../../engine/browser.js";
import type { DocAction } from "../../document/reducer.js";
import { createDocStore, DocStoreContext, type DocStore } from "../../document/store.js";
import { setProviderCatalog } from "../../providers/catalog.js";
import { byId, cleanup, click, FakeTrpc, renderWithTrpc, select, type } from "../../testing/dom.js";
import { NodeConfigForm } from "../NodeConfigForm.js";
import { threadField } from "./ai-memory.js";

function graph(fields: string[], memory?: unknown): Graph {
  return {
    version: 1,
    nodes: [
      { id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: fields.map((name) => ({ name, type: "string" })) } },
      { id: "chat", kind: "ai", position: { x: 200, y: 0 }, config: { provider: "sim", model: "sim-small", prompt: "{{ inputs.question }}", ...(memory ? { memory } : {}) } },
    ],
    edges: [{ id: "e1", source: "in", target: "chat", kind: "pipeline" }],
  } as Graph;
}

let store: DocStore;
const memory = () => (store.getState().graph.nodes.find((n) => n.id === "chat")!.config as { memory?: MemoryConfig }).memory;
const doc = (action: DocAction) => act(() => store.dispatch(action));
const el = <T extends HTMLElement = HTMLInputElement>(id: string) => byId<T>(id)!;
const errorOf = (id: string) => {
  const ref = el(id).getAttribute("aria-describedby");
  return ref ? document.getElementById(ref)!.textContent : null;
};

function mount(g: Graph) {
  store = createDocStore(g);
  renderWithTrpc(
    <DocStoreContext.Provider value={store}>
      <NodeConfigForm nodeId="chat" readOnly={false} onRenamed={() => undefined} />
    </DocStoreContext.Provider>,
    new FakeTrpc().link,
  );
}

describe("the AI node's Memory section", () => {
  beforeEach(() => setProviderCatalog(null));
  afterEach(cleanup);

  it("turns memory on and off: on writes config.memory with the thread-like input field, off removes it (undoable)", () => {
    mount(graph(["question", "conversation_id"]));
    const kind = el<HTMLSelectElement>("inspector-memory-kind");
    expect(kind.value).toBe("off");
    expect(byId("inspector-memory-thread")).toBeNull();
    select(kind, "window");
    expect(memory()).toEqual({ thread: "{{ inputs.conversation_id }}", kind: "window", maxTurns: 10, includeContext: true });
    // The thread select offers the input node's fields.
    const field = el<HTMLSelectElement>("inspector-memory-thread-field");
    expect([...field.options].map((o) => o.value)).toEqual(["question", "conversation_id", "(custom template)"]);
    expect(field.value).toBe("conversation_id");
    select(field, "question");
    expect(memory()!.thread).toBe("{{ inputs.question }}");
    // A hand-written template is "custom".
    type(el("inspector-memory-thread"), "{{ inputs.question }}-{{ inputs.conversation_id }}");
    expect(el<HTMLSelectElement>("inspector-memory-thread-field").value).toBe("(custom template)");

    select(el<HTMLSelectElement>("inspector-memory-kind"), "off");
    expect(memory()).toBeUndefined();
    expect("memory" in store.getState().graph.nodes[1].config).toBe(false);
    doc({ type: "undo" });
    expect(memory()).toMatchObject({ thread: "{{ inputs.question }}-{{ inputs.conversation_id }}", kind: "window" });
    expect(el<HTMLSelectElement>("inspector-memory-kind").value).toBe("window");
  });

  it("without a thread-like field, defaults to inputs.thread and says the input node lacks it", () => {
    mount(graph(["question"]));
    select(el<HTMLSelectElement>("inspector-memory-kind"), "summary");
    expect(memory()).toEqual({ thread: "{{ inputs.thread }}", kind: "summary", maxTurns: 10, includeContext: true });
    expect(byId("inspector-memory")!.textContent).toContain('the input node has no field "thread"');
  });

  it("edits turns, tokens, the summary model and includeContext; window drops the summary model", () => {
    mount(graph(["question", "thread"], { thread: "{{ inputs.thread }}", kind: "window" }));
    expect(byId("inspector-memory-summary-provider")).toBeNull();
    type(el("inspector-memory-max-turns"), "4");
    type(el("inspector-memory-max-tokens"), "2000");
    click(byId("inspector-memory-include-context"));
    expect(memory()).toEqual({ thread: "{{ inputs.thread }}", kind: "window", maxTurns: 4, maxTokens: 2000, includeContext: false });

    select(el<HTMLSelectElement>("inspector-memory-kind"), "summary");
    expect(byId("inspector-memory")!.textContent).toContain("Summary max tokens");
    // The summary model defaults to the node's own; typing one writes it.
    expect(el<HTMLSelectElement>("inspector-memory-summary-provider").value).toBe("sim");
    expect(el("inspector-memory-summary-model").placeholder).toBe("sim-small");
    type(el("inspector-memory-summary-model"), "sim-medium");
    expect(memory()).toMatchObject({ kind: "summary", summaryModel: "sim-medium" });
    expect(store.validation().byNode.chat).toBeUndefined();

    select(el<HTMLSelectElement>("inspector-memory-kind"), "window");
    expect(memory()).toEqual({ thread: "{{ inputs.thread }}", kind: "window", maxTurns: 4, maxTokens: 2000, includeContext: false });
    type(el("inspector-memory-max-tokens"), "");
    expect("maxTokens" in memory()!).toBe(false);
  });

  it("shows the engine's issues on the memory field they name", () => {
    mount(graph(["question", "thread"], { thread: "{{ inputs.thread }}", kind: "window", maxTurns: 500, summaryModel: "m" }));
    expect(errorOf("inspector-memory-max-turns")).toMatch(/100/);
    expect(byId("inspector-memory")!.textContent).toContain('is only used by kind "summary"');
    type(el("inspector-memory-thread"), "");
    expect(errorOf("inspector-memory-thread")).toMatch(/>=1 character/);
    expect(byId("inspector-node-issues")).toBeNull();
    type(el("inspector-memory-max-turns"), "20");
    expect(errorOf("inspector-memory-max-turns")).toBeNull();
  });

  it("reads the input field out of a thread template", () => {
    expect([threadField("{{ inputs.thread }}"), threadField("{{inputs.t_2}}"), threadField("{{ inputs.a }}-x"), threadField(undefined)]).toEqual(["thread", "t_2", undefined, undefined]);
  });
});
