// @vitest-environment jsdom
/**
 * The provider catalog, the document validation that reads it, and the inspector's ModelPicker
 * against a fake tRPC server: the provider select lists what exists (an unknown value stays,
 * flagged), the model combobox lists the provider's models, filters as you type, picks with the
 * mouse or the keyboard, keeps free text, and says when the list cannot be read.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { act, useState } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Graph } from "../../../engine/browser.js";
import type { AppRouter } from "../../../server/router.js";
import { createDocStore } from "../document/store.js";
import { validateDoc } from "../document/validation.js";
import { ModelPicker } from "../inspector/ModelPicker.js";
import { TRPCProvider } from "../trpc.js";
import { providerCatalog, setProviderCatalog, type ProviderEntry } from "./catalog.js";
import { apiKeyParam, formProblem, providerRows, testHeadline } from "./model.js";
import { useProviderCatalogSync } from "./useProviders.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

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

/** A fake tRPC server: providers.available and providers.models. */
function fakeLink(models: Record<string, string[] | Error>): { link: TRPCLink<AppRouter>; calls: string[] } {
  const calls: string[] = [];
  const link = (() =>
    ({ op }: { op: { path: string; input: unknown } }) => ({
      subscribe(observer: { next(v: unknown): void; error(e: unknown): void; complete(): void }) {
        calls.push(`${op.path} ${JSON.stringify(op.input ?? null)}`);
        queueMicrotask(() => {
          try {
            let data: unknown;
            if (op.path === "providers.available") data = AVAILABLE;
            else if (op.path === "providers.models") {
              const m = models[(op.input as { id: string }).id];
              if (m instanceof Error) throw m;
              data = { models: m ?? [], latencyMs: 1, fetchedAt: new Date().toISOString(), cached: false, listable: true };
            }
            observer.next({ result: { type: "data", data } });
            observer.complete();
          } catch (err) {
            observer.error(TRPCClientError.from(err as Error));
          }
        });
        return { unsubscribe() {} };
      },
      pipe(...ops: Array<(s: unknown) => unknown>) {
        return ops.reduce((s, o) => o(s), this as unknown);
      },
    })) as unknown as TRPCLink<AppRouter>;
  return { link, calls };
}

let root: Root;
let container: HTMLDivElement;
let value: { provider: string; model: string };

function Harness({ initial }: { initial: { provider: string; model: string } }) {
  useProviderCatalogSync();
  const [v, setV] = useState(initial);
  value = v;
  return <ModelPicker provider={v.provider} model={v.model} onProvider={(provider) => setV((o) => ({ ...o, provider }))} onModel={(model) => setV((o) => ({ ...o, model }))} />;
}

function mount(initial: { provider: string; model: string }, models: Record<string, string[] | Error>) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const fake = fakeLink(models);
  const client = createTRPCClient<AppRouter>({ links: [fake.link] });
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
  act(() => {
    root.render(
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={client} queryClient={queryClient}>
          <Harness initial={initial} />
        </TRPCProvider>
      </QueryClientProvider>,
    );
  });
  return fake;
}

const byId = <T extends HTMLElement = HTMLElement>(id: string) => container.querySelector<T>(`[data-testid="${id}"]`);
async function waitFor(check: () => void, timeout = 2000) {
  const start = Date.now();
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() - start > timeout) throw err;
      await act(async () => new Promise((r) => setTimeout(r, 10)));
    }
  }
}
function type(el: HTMLInputElement, text: string) {
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(el, text);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
}
const key = (el: HTMLElement, k: string) => act(() => void el.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true })));
const options = () => [...container.querySelectorAll('[role="option"]')].map((o) => o.textContent);

describe("ModelPicker", () => {
  beforeEach(() => setProviderCatalog(null));
  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    setProviderCatalog(null);
  });

  it("lists the providers, switches, and picks a model from the list with the mouse or the keyboard", async () => {
    const fake = mount({ provider: "sim", model: "sim-small" }, { sim: ["sim-small", "sim-medium", "sim-large"], local: ["llama-3", "qwen-2", "qwen-coder"] });
    await waitFor(() => expect(providerCatalog()).not.toBeNull());
    const select = byId<HTMLSelectElement>("inspector-provider")!;
    await waitFor(() => expect([...select.options].map((o) => o.textContent)).toEqual(["sim · built-in", "local · stored", "broken · stored · unusable"]));
    await waitFor(() => expect(byId("inspector-model-status")?.textContent).toBe("3 models from sim"));

    act(() => {
      select.value = "local";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    expect(value.provider).toBe("local");
    await waitFor(() => expect(byId("inspector-model-status")?.textContent).toContain('"sim-small" is not in local\'s list of 3'));

    // The toggle opens every model; a click picks one.
    act(() => byId("inspector-model-toggle")!.dispatchEvent(new MouseEvent("click", { bubbles: true })));
    expect(options()).toEqual(["llama-3", "qwen-2", "qwen-coder"]);
    act(() => byId("inspector-model-option-qwen-2")!.dispatchEvent(new MouseEvent("click", { bubbles: true })));
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
    expect(fake.calls.filter((c) => c.startsWith("providers.models"))).toEqual(['providers.models {"id":"sim"}', 'providers.models {"id":"local"}']);
  });

  it("an unknown provider stays selected and flagged; its models are not asked for; a failing list says why", async () => {
    const fake = mount({ provider: "nowhere", model: "m" }, { local: new Error("local: http://x/v1/models refused the API key (HTTP 401)") });
    await waitFor(() => expect(providerCatalog()).not.toBeNull());
    const select = byId<HTMLSelectElement>("inspector-provider")!;
    await waitFor(() => expect(select.options[0].textContent).toBe("nowhere (not configured)"));
    expect(select.value).toBe("nowhere");
    expect(fake.calls.some((c) => c.includes('"nowhere"'))).toBe(false);
    act(() => {
      select.value = "local";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await waitFor(() => expect(byId("inspector-model-status")?.textContent).toContain("Could not list the models"));
    expect(byId("inspector-model-status")?.textContent).toContain("refused the API key");
    expect(byId("inspector-model-retry")).not.toBeNull();
  });
});
