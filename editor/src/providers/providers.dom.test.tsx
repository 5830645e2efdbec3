// @vitest-environment jsdom
/**
 * The provider catalog, the document validation that reads it, and the inspector's ModelPicker
 * against a fake tRPC server: the provider select lists what exists (an unknown value stays,
 * flagged), the model combobox lists the provider's models, filters as you type, picks with the
 * mouse or the keyboard, keeps free text, and says when the list cannot be read; the evaluation
 * node's LLM judge uses the same picker.
 */
import { act, useState, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Graph } from "../../../engine/browser.js";
import { createDocStore, DocStoreContext, type DocStore } from "../document/store.js";
import { validateDoc } from "../document/validation.js";
import { ModelPicker } from "../inspector/ModelPicker.js";
import { NodeConfigForm } from "../inspector/NodeConfigForm.js";
import { byId, cleanup, click, FakeTrpc, key, renderWithTrpc, select, type, waitFor } from "../testing/dom.js";
import { providerCatalog, setProviderCatalog, type ProviderEntry } from "./catalog.js";
import { ProviderForm } from "./ProviderForm.js";
import { apiKeyParam, formProblem, providerRows, testHeadline } from "./model.js";
import { useProviderCatalogSync } from "./useProviders.js";

const AVAILABLE: ProviderEntry[] = [
  { id: "sim", origin: "builtin", type: "sim", usable: true },
  { id: "local", origin: "stored", type: "openai-compatible", usable: true },
  { id: "broken", origin: "stored", type: "openai-compatible", usable: false, problem: "its stored API key cannot be decrypted" },
];

const graph = (provider: string, judge?: string) =>
  ({
    version: 1,
    id: "g",
    name: "g",
    nodes: [
      { id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: [{ name: "q", type: "string" }] } },
      { id: "ask", kind: "ai", position: { x: 0, y: 0 }, config: { provider, model: "m", prompt: "{{ inputs.q }}" } },
      ...(judge ? [{ id: "grade", kind: "evaluation", position: { x: 0, y: 0 }, config: { metric: "llm_judge", actual: "{{ nodes.ask.text }}", rubric: "r", judge: { provider: judge, model: "j" } } }] : []),
    ],
    edges: [{ id: "e1", source: "in", target: "ask", kind: "pipeline" }, ...(judge ? [{ id: "e2", source: "ask", target: "grade", kind: "pipeline" }] : [])],
  }) as unknown as Graph;

describe("validation knows the configured providers", () => {
  afterEach(() => setProviderCatalog(null));

  it("flags an AI node or judge naming a provider that is not configured, naming node and field; nothing while the list is unknown", () => {
    setProviderCatalog(null);
    expect(validateDoc(graph("nowhere")).ok).toBe(true);
    setProviderCatalog(AVAILABLE);
    const v = validateDoc(graph("nowhere", "gpt"));
    expect(v.ok).toBe(false);
    // Blocks running, not saving: the work is kept until the provider is added.
    expect(v.savable).toBe(true);
    expect(validateDoc({ ...graph("nowhere"), nodes: [] } as unknown as Graph).savable).toBe(false);
    expect(v.byNode.ask).toEqual([{ nodeId: "ask", field: "config.provider", message: 'provider "nowhere" is not configured — add it under Providers' }]);
    expect(v.byNode.grade).toEqual([{ nodeId: "grade", field: "config.judge.provider", message: 'provider "gpt" is not configured — add it under Providers' }]);
    expect(validateDoc(graph("local")).ok).toBe(true);
    expect(validateDoc(graph("broken")).byNode.ask[0].message).toMatch(/provider "broken" cannot be used: its stored API key cannot be decrypted/);
  });

  it("a doc store re-validates (and tells its subscribers) when the catalog arrives", () => {
    setProviderCatalog(null);
    const store = createDocStore(graph("nowhere"));
    let heard = 0;
    const off = store.subscribe(() => heard++);
    expect(store.validation().ok).toBe(true);
    setProviderCatalog(AVAILABLE);
    expect(heard).toBe(1);
    expect(store.validation().byNode.ask).toHaveLength(1);
    // The same list again is no change.
    setProviderCatalog([...AVAILABLE]);
    expect(heard).toBe(1);
    off();
    setProviderCatalog([AVAILABLE[0]]);
    expect(heard).toBe(1);
  });
});

describe("providers screen helpers", () => {
  it("rows, key modes, form problems and test headlines", () => {
    const stored = [{ id: "local", kind: "openai-compatible", baseUrl: "http://x/v1", hasApiKey: true, allowPrivateNetwork: true, updatedAt: "2026-01-01", updatedBy: "a" }];
    const rows = providerRows(AVAILABLE, stored as never);
    expect(rows.map((r) => [r.id, Boolean(r.stored)])).toEqual([["sim", false], ["local", true], ["broken", false]]);
    expect(providerRows([], stored as never)[0]).toMatchObject({ id: "local", origin: "stored" });
    expect([apiKeyParam("keep", "x"), apiKeyParam("remove", "x"), apiKeyParam("replace", " k "), apiKeyParam("replace", "")]).toEqual([undefined, null, "k", undefined]);
    const form = { id: "local2", baseUrl: "http://h/v1", keyMode: "replace" as const, apiKey: "" };
    expect(formProblem(form, true, ["sim"])).toBeNull();
    expect(formProblem({ ...form, id: "sim" }, true, ["sim"])).toMatch(/already taken/);
    expect(formProblem({ ...form, id: "has space" }, true, [])).toMatch(/letters, digits/);
    expect(formProblem({ ...form, baseUrl: "ftp://h" }, true, [])).toMatch(/http/);
    expect(formProblem(form, false, [])).toMatch(/Type the new API key/);
    expect(testHeadline({ ok: true, latencyMs: 12, modelCount: 1, models: ["a"], truncated: false })).toBe("Connected · 1 model · 12 ms");
    expect(testHeadline({ ok: false, kind: "unauthorized", message: "x" })).toBe("Key refused");
  });
});

/** A fake tRPC server: providers.available, and providers.models answering from `models` (an Error fails that provider's list). */
function fakeServer(models: Record<string, string[] | Error>): FakeTrpc {
  return new FakeTrpc({
    "providers.available": () => AVAILABLE,
    "providers.models": (input) => {
      const m = models[(input as { id: string }).id];
      if (m instanceof Error) throw m;
      return { models: m ?? [], latencyMs: 1, fetchedAt: new Date().toISOString(), cached: false, listable: true };
    },
  });
}

let container: HTMLDivElement;
let value: { provider: string; model: string };

/** Loads the provider catalog as the shell does, around `children`. */
function WithCatalog({ children }: { children: ReactNode }) {
  useProviderCatalogSync();
  return <>{children}</>;
}

function Harness({ initial }: { initial: { provider: string; model: string } }) {
  const [v, setV] = useState(initial);
  value = v;
  return <ModelPicker provider={v.provider} model={v.model} onProvider={(provider) => setV((o) => ({ ...o, provider }))} onModel={(model) => setV((o) => ({ ...o, model }))} />;
}

function mount(ui: ReactNode, models: Record<string, string[] | Error>) {
  const fake = fakeServer(models);
  ({ container } = renderWithTrpc(<WithCatalog>{ui}</WithCatalog>, fake.link));
  return fake;
}

const options = () => [...container.querySelectorAll('[role="option"]')].map((o) => o.textContent);
/** The inputs of the providers.models calls, in order. */
const modelCalls = (fake: FakeTrpc) => fake.calls.filter((c) => c.path === "providers.models").map((c) => c.input);

describe("ModelPicker", () => {
  beforeEach(() => setProviderCatalog(null));
  afterEach(() => {
    cleanup();
    setProviderCatalog(null);
  });

  it("lists the providers, switches, and picks a model from the list with the mouse or the keyboard", async () => {
    const fake = mount(<Harness initial={{ provider: "sim", model: "sim-small" }} />, { sim: ["sim-small", "sim-medium", "sim-large"], local: ["llama-3", "qwen-2", "qwen-coder"] });
    await waitFor(() => expect(providerCatalog()).not.toBeNull());
    const provider = byId<HTMLSelectElement>("inspector-provider")!;
    await waitFor(() => expect([...provider.options].map((o) => o.textContent)).toEqual(["sim · built-in", "local · stored", "broken · stored · unusable"]));
    await waitFor(() => expect(byId("inspector-model-status")?.textContent).toBe("3 models from sim"));

    select(provider, "local");
    expect(value.provider).toBe("local");
    await waitFor(() => expect(byId("inspector-model-status")?.textContent).toContain('"sim-small" is not in local\'s list of 3'));

    // The toggle opens every model; a click picks one.
    click(byId("inspector-model-toggle"));
    expect(options()).toEqual(["llama-3", "qwen-2", "qwen-coder"]);
    click(byId("inspector-model-option-qwen-2"));
    expect(value.model).toBe("qwen-2");
    expect(byId("inspector-model-list")).toBeNull();

    // Typing filters (free text kept as typed), arrows and Enter pick, Escape closes.
    const input = byId<HTMLInputElement>("inspector-model")!;
    type(input, "qw");
    expect(value.model).toBe("qw");
    expect(options()).toEqual(["qwen-2", "qwen-coder"]);
    key(input, "ArrowDown");
    key(input, "ArrowDown");
    expect(input.getAttribute("aria-activedescendant")).toMatch(/-1$/);
    key(input, "Enter");
    expect(value.model).toBe("qwen-coder");
    type(input, "my-own-model");
    expect(options()).toEqual([]);
    key(input, "Escape");
    expect(value.model).toBe("my-own-model");
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(modelCalls(fake)).toEqual([{ id: "sim" }, { id: "local" }]);
  });

  it("an unknown provider stays selected and flagged; its models are not asked for; a failing list says why", async () => {
    const fake = mount(<Harness initial={{ provider: "nowhere", model: "m" }} />, { local: new Error("local: http://x/v1/models refused the API key (HTTP 401)") });
    await waitFor(() => expect(providerCatalog()).not.toBeNull());
    const provider = byId<HTMLSelectElement>("inspector-provider")!;
    await waitFor(() => expect(provider.options[0].textContent).toBe("nowhere (not configured)"));
    expect(provider.value).toBe("nowhere");
    expect(fake.calls.some((c) => JSON.stringify(c.input ?? null).includes('"nowhere"'))).toBe(false);
    select(provider, "local");
    await waitFor(() => expect(byId("inspector-model-status")?.textContent).toContain("Could not list the models"));
    expect(byId("inspector-model-status")?.textContent).toContain("refused the API key");
    expect(byId("inspector-model-retry")).not.toBeNull();
  });
});

describe("the evaluation node's LLM judge", () => {
  let store: DocStore;
  const judge = () => store.getState().graph.nodes.find((n) => n.id === "grade")!.config as { judge?: { provider?: string; model?: string } };
  beforeEach(() => setProviderCatalog(null));
  afterEach(() => {
    cleanup();
    setProviderCatalog(null);
  });

  it("picks the judge's provider and model with the AI node's picker, listing the chosen provider's models", async () => {
    store = createDocStore(graph("sim", "local"));
    const fake = mount(
      <DocStoreContext.Provider value={store}>
        <NodeConfigForm nodeId="grade" readOnly={false} onRenamed={() => undefined} />
      </DocStoreContext.Provider>,
      { sim: ["sim-small", "sim-medium"], local: ["llama-3", "qwen-2"] },
    );
    const provider = byId<HTMLSelectElement>("inspector-judge-provider")!;
    expect(provider.tagName).toBe("SELECT");
    await waitFor(() => expect([...provider.options].map((o) => o.textContent)).toEqual(["sim · built-in", "local · stored", "broken · stored · unusable"]));
    expect(provider.value).toBe("local");
    await waitFor(() => expect(byId("inspector-judge-model-status")?.textContent).toContain('"j" is not in local\'s list of 2'));
    click(byId("inspector-judge-model-toggle"));
    expect(options()).toEqual(["llama-3", "qwen-2"]);
    click(byId("inspector-judge-model-option-qwen-2"));
    expect(judge().judge).toEqual({ provider: "local", model: "qwen-2" });

    // Another provider lists its own models; the edit lands in the graph as any other.
    select(provider, "sim");
    expect(judge().judge).toEqual({ provider: "sim", model: "qwen-2" });
    await waitFor(() => expect(byId("inspector-judge-model-status")?.textContent).toContain("of 2"));
    click(byId("inspector-judge-model-toggle"));
    expect(options()).toEqual(["sim-small", "sim-medium"]);
    click(byId("inspector-judge-model-option-sim-medium"));
    expect(judge().judge).toEqual({ provider: "sim", model: "sim-medium" });
    expect(modelCalls(fake)).toEqual([{ id: "local" }, { id: "sim" }]);
    // The AI node's own picker is not on this form: the ids are the judge's.
    expect(byId("inspector-provider")).toBeNull();
  });

  it("shows the default judge (sim / sim-medium) when none is set, and an unconfigured judge provider as flagged", async () => {
    const g = graph("sim", "gpt");
    const grade = g.nodes.find((n) => n.id === "grade")!;
    store = createDocStore({ ...g, nodes: g.nodes.map((n) => (n === grade ? ({ ...n, config: { ...n.config, judge: undefined } } as typeof n) : n)) });
    mount(
      <DocStoreContext.Provider value={store}>
        <NodeConfigForm nodeId="grade" readOnly={false} onRenamed={() => undefined} />
      </DocStoreContext.Provider>,
      { sim: ["sim-small", "sim-medium"] },
    );
    const provider = byId<HTMLSelectElement>("inspector-judge-provider")!;
    await waitFor(() => expect(byId("inspector-judge-model-status")?.textContent).toBe("2 models from sim"));
    expect(provider.value).toBe("sim");
    expect(byId<HTMLInputElement>("inspector-judge-model")!.placeholder).toBe("sim-medium");
    expect(judge().judge).toBeUndefined();

    act(() => store.dispatch({ type: "updateNode", id: "grade", patch: { config: { judge: { provider: "gpt", model: "j" } } } }));
    await waitFor(() => expect(provider.options[0].textContent).toBe("gpt (not configured)"));
    expect(provider.value).toBe("gpt");
    expect(byId("inspector-judge-model")!.getAttribute("placeholder")).toBeNull();
    expect(container.textContent).toContain('provider "gpt" is not configured — add it under Providers');
  });
});

describe("ProviderForm", () => {
  afterEach(cleanup);

  it("Escape cancels the form (the editor's one Escape stack); other keys do not", () => {
    let cancelled = 0;
    renderWithTrpc(<ProviderForm takenIds={[]} onSaved={() => undefined} onCancel={() => cancelled++} />, new FakeTrpc().link);
    expect(byId("provider-cancel")).not.toBeNull();
    act(() => {
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    });
    expect(cancelled).toBe(1);
    act(() => {
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    });
    expect(cancelled).toBe(1);
  });
});
