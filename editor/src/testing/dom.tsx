/**
 * What the editor's DOM tests share (files named `*.dom.test.tsx`, jsdom environment): a fake tRPC
 * server link answering from handlers, rendering under the query client and tRPC providers, and
 * helpers to find, wait for, click and type like a user. One mount at a time: `cleanup` after each test.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { act, StrictMode, type ReactNode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { expect } from "vitest";
import type { AppRouter } from "../../../server/router.js";
import { TRPCProvider } from "../trpc.js";

// React warns about updates outside act() unless it knows it runs in a test.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Answers one procedure call; a throw becomes the call's error. */
export type Handler = (input: unknown) => unknown;
/** What a fake procedure call sees of the request. */
export interface FakeOp {
  path: string;
  input: unknown;
  type: string;
}
/** The observer a link's observable is subscribed with. */
export interface Sink {
  next(value: unknown): void;
  error(err: unknown): void;
  complete(): void;
}

/** A minimal observable (the editor may not import @trpc/server, where tRPC's own lives). */
export function observable(subscribe: (observer: Sink) => () => void) {
  const self = {
    subscribe(observer: Partial<Sink>) {
      let closed = false;
      const guard = (f?: (v?: unknown) => void, last = false) => (v?: unknown) => {
        if (closed) return;
        if (last) closed = true;
        f?.(v);
      };
      const teardown = subscribe({
        next: guard(observer.next),
        error: guard(observer.error, true),
        complete: guard(observer.complete as (v?: unknown) => void, true),
      });
      return {
        unsubscribe() {
          closed = true;
          teardown();
        },
      };
    },
    pipe(...ops: Array<(source: unknown) => unknown>): unknown {
      return ops.reduce((source, op) => op(source), self as unknown);
    },
  };
  return self;
}

/**
 * A fake tRPC server: every call is recorded in `calls`; a query or mutation is answered (in a
 * microtask, like a network reply) by `handlers[path]` (undefined data when there is none);
 * subscriptions go to `subscription` when set. Tests change `handlers` between steps.
 */
export class FakeTrpc {
  calls: Array<{ path: string; input: unknown }> = [];
  /** Serves a subscription: streams to `observer`, returns the teardown. */
  subscription?: (op: FakeOp, observer: Sink) => () => void;
  constructor(public handlers: Record<string, Handler> = {}) {}

  link: TRPCLink<AppRouter> = () => (({ op }: { op: FakeOp }) =>
    observable((observer) => {
      this.calls.push({ path: op.path, input: op.input });
      if (op.type === "subscription" && this.subscription) return this.subscription(op, observer);
      const handler = this.handlers[op.path];
      queueMicrotask(() => {
        try {
          observer.next({ result: { type: "data", data: handler ? handler(op.input) : undefined } });
          observer.complete();
        } catch (err) {
          observer.error(err instanceof TRPCClientError ? err : TRPCClientError.from(err as Error));
        }
      });
      return () => undefined;
    })) as unknown as ReturnType<TRPCLink<AppRouter>>;
}

let mounted: { root: Root; container: HTMLDivElement } | null = null;

/**
 * Renders `ui` in a fresh container under a query client (no retries) and the tRPC provider wired
 * to `link`; `strict` adds StrictMode around everything (effects run twice, as in development).
 */
export function renderWithTrpc(ui: ReactNode, link: TRPCLink<AppRouter>, { strict = false }: { strict?: boolean } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const client = createTRPCClient<AppRouter>({ links: [link] });
  const container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  const tree = (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={client} queryClient={queryClient}>
        {ui}
      </TRPCProvider>
    </QueryClientProvider>
  );
  act(() => root.render(strict ? <StrictMode>{tree}</StrictMode> : tree));
  mounted = { root, container };
  return { container, root, queryClient };
}

/** Unmounts what `renderWithTrpc` rendered and removes its container (safe to call twice). */
export function cleanup(): void {
  if (!mounted) return;
  const { root, container } = mounted;
  mounted = null;
  act(() => root.unmount());
  container.remove();
}

/** The element with `data-testid="id"` in the mounted container, or null. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T | null {
  if (!mounted) throw new Error("byId: nothing is mounted");
  return mounted.container.querySelector<T>(`[data-testid="${id}"]`);
}

/** Retries `check` (letting React and timers run between tries) until it passes or `timeout` ms pass. */
export async function waitFor(check: () => void, timeout = 2000): Promise<void> {
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

/** Clicks `el` (which must exist), at client coordinates `at` when given. */
export function click(el: Element | null, at?: { x: number; y: number }): void {
  expect(el).not.toBeNull();
  act(() => void el!.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: at?.x ?? 0, clientY: at?.y ?? 0 })));
}

/** Types `value` into an input or textarea the way React sees a user's typing (the native setter, then "input"). */
export function type(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, "value")!.set!.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

/** Presses key `k` on `el` (a cancelable keydown that bubbles). */
export function key(el: HTMLElement, k: string): void {
  act(() => void el.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true })));
}

/** Picks `value` in a select as a user would (sets it, then "change"). */
export function select(el: HTMLSelectElement, value: string): void {
  act(() => {
    el.value = value;
    el.dispatchEvent(new Event("change", { bubbles: true }));
  });
}
