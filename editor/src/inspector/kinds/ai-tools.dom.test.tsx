// @vitest-environment jsdom
/**
 * The AI node's Tools section in the real node form over a real document store: adding, editing
 * and removing expression and http tools (parameters, headers) changes the graph through undoable
 * document operations; the engine's issues (duplicate names, a bad parameter type, limits) show on
 * the field they name and not in the form's catch-all box.
 */
import { act } from "react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Graph, Tool } from "../../../../engine/browser.js";
import type { DocAction } from "../../document/reducer.js";
import { createDocStore, DocStoreContext, type DocStore } from "../../document/store.js";
import { setProviderCatalog } from "../../providers/catalog.js";
import { byId, cleanup, click, FakeTrpc, renderWithTrpc, select, type, waitFor } from "../../testing/dom.js";
import { NodeConfigForm } from "../NodeConfigForm.js";

const CALC: Tool = {
  kind: "expression",
  name: "calculator",
  description: "Calculator.",
  parameters: { type: "object", properties: { expression: { type: "string", description: "An arithmetic expression" } }, required: ["expression"], additionalProperties: false },
  expression: "expression|calc",
};
const HTTP: Tool = { kind: "http", name: "weather", description: "Weather of a city.", method: "GET", url: "https://api.example.com/w?city={{city}}", headers: {}, parameters: { type: "object", properties: { city: { type: "string", enum: ["Paris", "Oslo"] } }, required: ["city"] } };

function agentGraph(config: Record<string, unknown> = {}): Graph {
  return {
    version: 1,
    nodes: [
      { id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: [{ name: "question", type: "string" }, { name: "thread_id", type: "string", required: false }] } },
      { id: "solve", kind: "ai", position: { x: 200, y: 0 }, config: { provider: "sim", model: "sim-small", prompt: "{{ inputs.question }}", ...config } },
    ],
    edges: [{ id: "e1", source: "in", target: "solve", kind: "pipeline" }],
  } as Graph;
}

let store: DocStore;
const cfg = () => store.getState().graph.nodes.find((n) => n.id === "solve")!.config as Record<string, unknown> & { tools?: Tool[] };
/** Dispatches a document operation as the app would (React re-renders before the next line). */
const doc = (action: DocAction) => act(() => store.dispatch(action));
const input = (id: string) => byId<HTMLInputElement & HTMLTextAreaElement>(id)!;
/** The error text shown under the control `id` (linked by aria-describedby), or null. */
const errorOf = (id: string) => {
  const ref = input(id).getAttribute("aria-describedby");
  return ref ? document.getElementById(ref)!.textContent : null;
};

/** The node's current issues under `field`. */
const issuesOf = (field: string) => (store.validation().byNode.solve ?? []).filter((i) => i.field?.startsWith(field));

function mount(graph: Graph) {
  store = createDocStore(graph);
  renderWithTrpc(
    <DocStoreContext.Provider value={store}>
      <NodeConfigForm nodeId="solve" readOnly={false} onRenamed={() => undefined} />
    </DocStoreContext.Provider>,
    new FakeTrpc().link,
  );
}

describe("the AI node's Tools section", () => {
  beforeEach(() => setProviderCatalog(null));
  afterEach(cleanup);

  it("lists the tools by kind, name and description, closed while valid", () => {
    mount(agentGraph({ tools: [CALC, HTTP] }));
    const cards = [byId("inspector-tool-0")!, byId("inspector-tool-1")!];
    expect(cards.map((c) => [c.dataset.kind, c.dataset.tool])).toEqual([["expression", "calculator"], ["http", "weather"]]);
    expect(byId("inspector-tool-1-summary")!.textContent).toContain("Weather of a city.");
    expect(cards.map((c) => (c as HTMLDetailsElement).open)).toEqual([false, false]);
    // The summary opens the editor.
    click(byId("inspector-tool-1-summary"));
    expect((cards[1] as HTMLDetailsElement).open).toBe(true);
    expect(input("inspector-tool-1-url").value).toBe("https://api.example.com/w?city={{city}}");
  });

  it("adds an expression tool, edits its name, description and parameters, removes it; each step undoable", () => {
    mount(agentGraph({ tools: [CALC] }));
    click(byId("inspector-add-expression-tool"));
    expect(cfg().tools).toHaveLength(2);
    const added = cfg().tools![1];
    expect(added).toMatchObject({ kind: "expression", name: "calculator2", expression: "expression|calc", description: "" });
    // Opened for editing; the missing description is flagged on its own field.
    expect((byId("inspector-tool-1") as HTMLDetailsElement).open).toBe(true);
    expect(errorOf("inspector-tool-1-description")).toMatch(/>=1 character|too small|at least/i);
    expect(byId("inspector-node-issues")).toBeNull();

    type(input("inspector-tool-1-name"), "multiply");
    type(input("inspector-tool-1-description"), "Multiplies");
    type(input("inspector-tool-1-description"), "Multiplies two numbers exactly.");
    type(input("inspector-tool-1-expression"), "a * b");
    expect(errorOf("inspector-tool-1-description")).toBeNull();

    // Parameters: rename the starter one, add a second, retype, un-require, describe.
    type(input("inspector-tool-1-param-0-name"), "a");
    select(byId<HTMLSelectElement>("inspector-tool-1-param-0-type")!, "number");
    click(byId("inspector-tool-1-param-add"));
    type(input("inspector-tool-1-param-1-name"), "b");
    select(byId<HTMLSelectElement>("inspector-tool-1-param-1-type")!, "integer");
    type(input("inspector-tool-1-param-1-description"), "The second factor");
    click(byId("inspector-tool-1-param-1-required"));
    expect(cfg().tools![1]).toEqual({
      kind: "expression",
      name: "multiply",
      description: "Multiplies two numbers exactly.",
      expression: "a * b",
      parameters: { type: "object", properties: { a: { type: "number", description: "An arithmetic expression such as (12 + 5) * 3" }, b: { type: "integer", description: "The second factor" } }, required: ["a"] },
    });
    // A name another parameter has is refused on the spot: the graph keeps both.
    type(input("inspector-tool-1-param-1-name"), "a");
    expect(errorOf("inspector-tool-1-param-1-name")).toContain('another entry is already named "a"');
    expect(Object.keys(cfg().tools![1].parameters.properties)).toEqual(["a", "b"]);
    type(input("inspector-tool-1-param-1-name"), "b");
    click(byId("inspector-tool-1-param-0-remove"));
    expect(cfg().tools![1].parameters).toEqual({ type: "object", properties: { b: { type: "integer", description: "The second factor" } }, required: [] });

    // Undo walks back one step at a time: the removal, then the required box.
    doc({ type: "undo" });
    expect(Object.keys(cfg().tools![1].parameters.properties)).toEqual(["a", "b"]);
    doc({ type: "redo" });

    click(byId("inspector-tool-0-remove"));
    expect(cfg().tools!.map((t) => t.name)).toEqual(["multiply"]);
    expect(byId("inspector-tool-0")!.dataset.tool).toBe("multiply");
    doc({ type: "undo" });
    expect(cfg().tools!.map((t) => t.name)).toEqual(["calculator", "multiply"]);
    // Removing the last tool removes the list.
    click(byId("inspector-tool-0-remove"));
    click(byId("inspector-tool-0-remove"));
    expect("tools" in cfg()).toBe(false);
    expect(byId("inspector-tools")!.textContent).toContain("No tools");
  });

  it("adds an http tool with method, URL template, headers and a parameter; keeps schema keys the rows do not show", () => {
    mount(agentGraph({ tools: [HTTP] }));
    click(byId("inspector-add-http-tool"));
    select(byId<HTMLSelectElement>("inspector-tool-1-method")!, "POST");
    type(input("inspector-tool-1-name"), "lookup");
    type(input("inspector-tool-1-description"), "Looks a word up in the dictionary.");
    type(input("inspector-tool-1-url"), "https://dict.example.com/{{word}}");
    click(byId("inspector-tool-1-header-add"));
    type(input("inspector-tool-1-header-0-name"), "Authorization");
    type(input("inspector-tool-1-header-0-value"), "Bearer {{token}}");
    click(byId("inspector-tool-1-header-add"));
    click(byId("inspector-tool-1-header-1-remove"));
    click(byId("inspector-tool-1-param-add"));
    type(input("inspector-tool-1-param-0-name"), "word");
    expect(cfg().tools![1]).toEqual({
      kind: "http",
      name: "lookup",
      description: "Looks a word up in the dictionary.",
      method: "POST",
      url: "https://dict.example.com/{{word}}",
      headers: { Authorization: "Bearer {{token}}" },
      parameters: { type: "object", properties: { word: { type: "string" } }, required: ["word"] },
    });
    // Editing the first tool's parameter keeps its enum (not shown by the rows).
    click(byId("inspector-tool-0-summary"));
    type(input("inspector-tool-0-param-0-description"), "The city");
    expect(cfg().tools![0].parameters.properties.city).toEqual({ type: "string", enum: ["Paris", "Oslo"], description: "The city" });
    expect(store.validation().byNode.solve).toBeUndefined();
  });

  it("shows the engine's issues on the field they name: a duplicate tool name, a bad parameter type, a bad header, the limits", async () => {
    const bad = { ...CALC, name: "calc2", parameters: { type: "object", properties: { expression: { type: "text" } }, required: ["expression"] } } as unknown as Tool;
    const badHeader = { ...HTTP, headers: { "bad header": "x" } } as Tool;
    mount(agentGraph({ tools: [CALC, bad, badHeader], maxToolCalls: 500 }));
    // The invalid tools open by themselves; the valid one stays closed.
    expect([0, 1, 2].map((i) => (byId(`inspector-tool-${i}`) as HTMLDetailsElement).open)).toEqual([false, true, true]);
    expect(byId("inspector-tool-1-issue-count")!.textContent).toBe("1 issue");
    expect(errorOf("inspector-tool-1-param-0-type")).toContain("type must be one of");
    expect(errorOf("inspector-tool-2-header-0-name")).toMatch(/Invalid key|valid HTTP header/);
    expect(errorOf("inspector-max-tool-calls")).toMatch(/50/);

    // Nothing about tools falls through to the form's catch-all box, which still lists what no field shows.
    expect(byId("inspector-node-issues")).toBeNull();
    doc({ type: "updateNode", id: "solve", patch: { config: { bogus: 1 } } });
    await waitFor(() => expect(byId("inspector-node-issues")?.textContent).toContain("bogus"));
    expect(byId("inspector-node-issues")!.textContent).not.toContain("tools");
    doc({ type: "undo" });

    // Fixing each clears it.
    select(byId<HTMLSelectElement>("inspector-tool-1-param-0-type")!, "string");
    type(input("inspector-tool-2-header-0-name"), "X-Key");
    type(input("inspector-max-tool-calls"), "4");
    expect(errorOf("inspector-tool-1-param-0-type")).toBeNull();
    expect(errorOf("inspector-max-tool-calls")).toBeNull();
    expect(cfg()).toMatchObject({ maxToolCalls: 4 });
    expect(cfg().tools![2]).toMatchObject({ headers: { "X-Key": "x" } });
    expect(store.validation().byNode.solve).toBeUndefined();

    // Names are checked once every tool parses: renaming the second tool to the first's name flags that name field.
    type(input("inspector-tool-1-name"), "calculator");
    expect(errorOf("inspector-tool-1-name")).toContain('duplicate tool name "calculator" (also tools[0])');
    expect(errorOf("inspector-tool-0-name")).toBeNull();
    expect(byId("inspector-tool-1-issue-count")!.textContent).toBe("1 issue");
    expect(byId("inspector-node-issues")).toBeNull();
    type(input("inspector-tool-1-name"), "calc2");
    expect(errorOf("inspector-tool-1-name")).toBeNull();
  });

  it("renders a malformed tool list (as an invalid graph may hold) with its issues instead of crashing, and repairs by editing", () => {
    const junk = [null, { kind: "mystery", name: 7, description: { a: 1 } }, { kind: "http", name: "h", description: "d", url: "u", headers: "x", parameters: { type: "object", properties: { a: null }, required: "a" } }];
    mount(agentGraph({ tools: junk, memory: 5 }));
    expect(byId("inspector-tool-1-summary")!.textContent).toContain("mystery");
    expect(byId("inspector-tool-1-issues")!.textContent).toMatch(/kind/);
    expect(byId("inspector-tool-2-param-issues")!.textContent).toMatch(/required/);
    expect(byId("inspector-tool-2-param-0-name")).not.toBeNull();
    // Editing the broken parameter and removing the junk leaves a valid tool.
    select(byId<HTMLSelectElement>("inspector-tool-2-param-0-type")!, "string");
    click(byId("inspector-tool-2-header-add"));
    click(byId("inspector-tool-1-remove"));
    click(byId("inspector-tool-0-remove"));
    expect(cfg().tools).toEqual([{ kind: "http", name: "h", description: "d", url: "u", headers: { "X-Header": "" }, parameters: { type: "object", properties: { a: { type: "string" } }, required: [] } }]);
    expect(issuesOf("config.tools")).toEqual([]);
  });

  it("sets maxToolCalls and the tool-use instructions, and clears them", () => {
    mount(agentGraph({ tools: [CALC], toolInstructions: "Some tools are available." }));
    expect(input("inspector-tool-instructions").value).toBe("Some tools are available.");
    type(input("inspector-tool-instructions"), "Use the calculator");
    type(input("inspector-tool-instructions"), "Use the calculator tool for arithmetic.");
    type(input("inspector-max-tool-calls"), "3");
    expect(cfg()).toMatchObject({ toolInstructions: "Use the calculator tool for arithmetic.", maxToolCalls: 3 });
    // Typing into one field is one undo step.
    doc({ type: "undo" });
    doc({ type: "undo" });
    expect(cfg().toolInstructions).toBe("Some tools are available.");
    doc({ type: "redo" });
    doc({ type: "redo" });
    expect(cfg()).toMatchObject({ toolInstructions: "Use the calculator tool for arithmetic.", maxToolCalls: 3 });
    type(input("inspector-tool-instructions"), "");
    type(input("inspector-max-tool-calls"), "");
    expect("toolInstructions" in cfg()).toBe(false);
    expect("maxToolCalls" in cfg()).toBe(false);
  });

  it("a read-only form shows the tools but edits nothing", () => {
    store = createDocStore(agentGraph({ tools: [CALC] }));
    renderWithTrpc(
      <DocStoreContext.Provider value={store}>
        <NodeConfigForm nodeId="solve" readOnly onRenamed={() => undefined} />
      </DocStoreContext.Provider>,
      new FakeTrpc().link,
    );
    expect(byId<HTMLFieldSetElement>("inspector-form")!.disabled).toBe(true);
    expect(byId("inspector-add-expression-tool")!.matches(":disabled")).toBe(true);
    click(byId("inspector-tool-0-summary"));
    expect((byId("inspector-tool-0") as HTMLDetailsElement).open).toBe(true);
    expect(input("inspector-tool-0-expression").matches(":disabled")).toBe(true);
  });
});
