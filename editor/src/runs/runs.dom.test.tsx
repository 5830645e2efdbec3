// @vitest-environment jsdom
/**
 * The run components together against a fake tRPC server (a custom link): start a run, stream
 * its events, see the status, parameter versions, node details, the history, and run from a node.
 */
import { TRPCClientError } from "@trpc/client";
import { act, useState, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Graph, RunEvent } from "../../../engine/browser.js";
import type { AppRouter } from "../../../server/router.js";
import type { Role } from "../auth/api.js";
import { AuthContext } from "../auth/context.js";
import { EDITOR_ROLE_NEEDED } from "../auth/context.js";
import { byId, cleanup, click, FakeTrpc, renderWithTrpc, type, waitFor, type FakeOp, type Sink } from "../testing/dom.js";
import { NodeRunDetails } from "./NodeRunDetails.js";
import { PAGE_SIZE, RunHistory } from "./RunHistory.js";
import { RunPanel } from "./RunPanel.js";
import { useRun } from "./useRun.js";

const graph = {
  version: 1,
  id: "qa",
  name: "QA",
  nodes: [
    {
      id: "in",
      kind: "input",
      position: { x: 0, y: 0 },
      config: {
        fields: [
          { name: "question", type: "string", required: true },
          { name: "count", type: "number", required: false, default: 2 },
        ],
      },
    },
    { id: "answer", kind: "ai", position: { x: 0, y: 0 }, config: {} },
    { id: "out", kind: "output", position: { x: 0, y: 0 }, config: {} },
  ],
  edges: [],
} as unknown as Graph;

/** The fake server: the run procedures, and `runs.events` streaming the events stored for a run. */
class FakeServer extends FakeTrpc {
  runs: Array<Record<string, unknown>> = [];
  events = new Map<string, RunEvent[]>();
  /** Fails the next subscriptions after streaming events up to this seq (then clears). */
  failAfter: Array<{ seq: number; error: TRPCClientError<AppRouter> }> = [];
  override handlers: Record<string, (input: unknown) => unknown> = {
    "runs.start": () => ({ runId: "r1" }),
    "runs.rerun": () => ({ runId: "r2" }),
    "runs.pause": () => ({ ok: true }),
    "runs.cancel": () => ({ ok: true }),
    "runs.list": (input) => {
      const { status, limit = 50, cursor } = input as { status?: string; limit?: number; cursor?: string };
      const all = this.runs.filter((r) => !status || r.status === status);
      const from = cursor ? all.findIndex((r) => r.id === cursor) + 1 : 0;
      const page = all.slice(from, from + limit);
      return from + limit < all.length ? { runs: page, nextCursor: page[page.length - 1].id } : { runs: page };
    },
    "runs.get": (input) => {
      throw new TRPCClientError(`run ${(input as { runId: string }).runId} not stored yet`);
    },
  };

  override subscription = (op: FakeOp, observer: Sink) => {
    const { runId, lastEventId } = op.input as { runId: string; lastEventId: string | null };
    const after = lastEventId == null ? -1 : Number(lastEventId);
    const timer = setTimeout(() => {
      observer.next({ result: { type: "started" } });
      const fail = this.failAfter.shift();
      for (const e of this.events.get(runId) ?? []) {
        if (fail && e.seq > fail.seq) {
          observer.error(fail.error);
          return;
        }
        if (e.seq > after) observer.next({ result: { type: "data", id: String(e.seq), data: { id: String(e.seq), data: e } } });
      }
    }, 5);
    return () => clearTimeout(timer);
  };
}

function runEvents(runId: string, extra: Record<string, unknown> = {}): RunEvent[] {
  let seq = 0;
  const ev = (e: Record<string, unknown>) => ({ runId, seq: seq++, ts: 1_000 + seq * 10, ...e }) as RunEvent;
  const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };
  return [
    ev({ type: "run.started", workflowId: "qa", graphChecksum: "c", inputs: { question: "2+2" }, parameterVersions: { answer: 2 }, ...extra }),
    ev({ type: "node.queued", nodeId: "answer" }),
    ev({ type: "node.started", nodeId: "answer", attempt: 1, input: { question: "2+2" } }),
    ev({ type: "node.retrying", nodeId: "answer", attempt: 1, delayMs: 200, error: { code: "RATE_LIMITED", message: "slow down" } }),
    ev({ type: "node.succeeded", nodeId: "answer", output: { text: "4" }, durationMs: 12, usage, costUsd: 0.0004, attempts: 2 }),
    ev({ type: "run.completed", outputs: { answer: "4" }, durationMs: 40, usage, costUsd: 0.0004 }),
  ];
}

/** What the shell passes as `draft` (unsaved edits / validation issues); set by a test before mount(). */
let harnessDraft: { dirty: boolean; issues: number; baseVersion: number | null } | undefined;

function Harness() {
  const runs = useRun("qa");
  const [selected] = useState("answer");
  return (
    <>
      <RunPanel graph={graph} run={runs.run} streamStatus={runs.streamStatus} streamError={runs.streamError} onStarted={runs.showRun} draft={harnessDraft} />
      <NodeRunDetails graph={graph} nodeId={selected} run={runs.run} onRunFromHere={runs.runFrom} rerunPending={runs.rerunPending} rerunError={runs.rerunError} />
      <RunHistory workflowId="qa" currentRunId={runs.run.runId} onSelect={runs.showRun} />
    </>
  );
}

let container: HTMLDivElement;
let server: FakeServer;
const expired = vi.fn();

/** Renders `ui` signed in as `role`. */
function withAuth(ui: ReactNode, role: Role = "editor") {
  return <AuthContext.Provider value={{ user: { name: "t", role, workflows: null }, signOut: () => undefined, expired }}>{ui}</AuthContext.Provider>;
}

function mount(role: Role = "editor") {
  ({ container } = renderWithTrpc(withAuth(<Harness />, role), server.link, { strict: true }));
}

beforeEach(() => {
  localStorage.clear();
  harnessDraft = undefined;
  server = new FakeServer();
  server.events.set("r1", runEvents("r1"));
  server.events.set("r2", runEvents("r2", { parentRunId: "r1", fromNodeId: "answer" }));
});
afterEach(cleanup);

describe("run components", () => {
  it("validates the form, starts a run and shows its live state", async () => {
    mount();
    const question = byId("input-question") as HTMLTextAreaElement;
    expect(question).not.toBeNull();
    expect((byId("input-count") as HTMLInputElement).value).toBe("2");
    expect(byId("node-run-details")?.textContent).toContain("Not run yet");

    click(byId("run-button"));
    await waitFor(() => expect(byId("run-error")?.textContent).toBe("question is required"));
    expect(server.calls.some((c) => c.path === "runs.start")).toBe(false);

    type(question, "2+2");
    click(byId("run-button"));
    await waitFor(() => expect(byId("run-status")?.dataset.status).toBe("succeeded"));
    expect(server.calls.find((c) => c.path === "runs.start")?.input).toEqual({ workflowId: "qa", inputs: { question: "2+2", count: 2 } });
    expect(byId("run-params")?.textContent).toBe("parameters: answer v2 (production)");
    expect(byId("run-outputs")?.textContent).toContain('"answer": "4"');
    expect(byId("run-duration")?.textContent).toBe("40 ms");
    expect(byId("run-tokens")?.textContent).toBe("15");
    expect((byId("cancel-button") as HTMLButtonElement).disabled).toBe(true);

    expect(byId("inspector-status")?.dataset.status).toBe("succeeded");
    expect(byId("inspector-tokens")?.textContent).toContain("15");
    expect(byId("node-run-inputs")?.textContent).toContain('"question": "2+2"');
    expect(byId("inspector-output")?.textContent).toContain('"text": "4"');
    expect(byId("node-run-error")?.textContent).toContain("slow down");
    expect(byId("node-run-timeline")?.textContent).toMatch(/queued.*started.*finished/);
  });

  it("runs from a node and shows the re-run with its parent in the history", async () => {
    server.runs = [
      { id: "r1", workflowId: "qa", status: "succeeded", parentRunId: null, fromNodeId: null, startedAt: new Date().toISOString(), durationMs: 40, totalTokens: 15, costUsd: 0.0004 },
    ];
    mount();
    await waitFor(() => expect(byId("run-history-item-r1")?.dataset.status).toBe("succeeded"));
    click(byId("run-history-item-r1"));
    await waitFor(() => expect(byId("run-status")?.dataset.status).toBe("succeeded"));
    expect((byId("run-from-here") as HTMLButtonElement).disabled).toBe(false);

    server.runs = [
      { id: "r2", workflowId: "qa", status: "running", parentRunId: "r1", fromNodeId: "answer", startedAt: new Date().toISOString(), durationMs: null, totalTokens: 0, costUsd: 0 },
      ...server.runs,
    ];
    click(byId("run-from-here"));
    await waitFor(() => expect(byId("run-summary")?.dataset.runId).toBe("r2"));
    expect(server.calls.find((c) => c.path === "runs.rerun")?.input).toEqual({ runId: "r1", fromNodeId: "answer" });
    await waitFor(() => expect(byId("run-parent")?.textContent).toContain("re-run of r1 from answer"));
    expect(byId("run-params")?.textContent).toBe("parameters: answer v2 (as in the parent run)");
    await waitFor(() => expect(byId("run-history-parent-r2")?.textContent).toContain("re-run of r1 from answer"));

    // Status filter chips ask the server for that status.
    click(byId("run-history-filter-failed"));
    await waitFor(() => expect(byId("run-history-empty")?.textContent).toBe("No failed runs."));
    expect(server.calls.some((c) => c.path === "runs.list" && (c.input as { status?: string }).status === "failed")).toBe(true);
  });

  it("resumes a failed stream after the last event it got", async () => {
    server.failAfter.push({ seq: 2, error: TRPCClientError.from(new Error("connection reset")) });
    mount();
    type(byId("input-question") as HTMLTextAreaElement, "2+2");
    click(byId("run-button"));
    await waitFor(() => expect(byId("run-status")?.dataset.status).toBe("succeeded"), 5000);
    const subs = server.calls.filter((c) => c.path === "runs.events").map((c) => (c.input as { lastEventId: string | null }).lastEventId);
    expect(subs[0]).toBeNull();
    expect(subs.at(-1)).toBe("2");
    expect(byId("inspector-tokens")?.textContent).toContain("15");
  });

  it("ends the session on a 401 from the stream", async () => {
    expired.mockClear();
    const unauthorized = TRPCClientError.from({ error: { message: "sign in", code: -32001, data: { code: "UNAUTHORIZED", httpStatus: 401 } } });
    server.failAfter.push({ seq: -1, error: unauthorized as TRPCClientError<AppRouter> });
    mount();
    type(byId("input-question") as HTMLTextAreaElement, "2+2");
    click(byId("run-button"));
    await waitFor(() => expect(expired).toHaveBeenCalled());
    // No retry loop after an auth error.
    await act(async () => new Promise((r) => setTimeout(r, 700)));
    expect(server.calls.filter((c) => c.path === "runs.events").length).toBeLessThanOrEqual(2);
  });

  it("pauses and cancels a running run; Ctrl+Enter does not start another", async () => {
    server.events.set("r1", runEvents("r1").slice(0, 3));
    mount();
    type(byId("input-question") as HTMLTextAreaElement, "2+2");
    act(() => byId("input-question")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true })));
    await waitFor(() => expect(byId("run-status")?.dataset.status).toBe("running"));
    expect(byId("run-elapsed")).not.toBeNull();
    expect(byId("inspector-status")?.dataset.status).toBe("running");
    expect((byId("run-button") as HTMLButtonElement).disabled).toBe(true);
    act(() => byId("input-question")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", metaKey: true, bubbles: true })));
    click(byId("pause-button"));
    click(byId("cancel-button"));
    await waitFor(() => expect(server.calls.filter((c) => c.path === "runs.cancel")).toHaveLength(1));
    expect(server.calls.filter((c) => c.path === "runs.start")).toHaveLength(1);
    expect(server.calls.find((c) => c.path === "runs.pause")?.input).toEqual({ runId: "r1" });
    expect(byId("run-from-here")).toBeNull();
  });

  it("pages the history with Load more", async () => {
    server.runs = Array.from({ length: PAGE_SIZE + 5 }, (_, i) => ({
      id: `run-${String(i).padStart(2, "0")}`,
      workflowId: "qa",
      status: i % 2 ? "failed" : "succeeded",
      parentRunId: null,
      fromNodeId: null,
      startedAt: new Date().toISOString(),
      durationMs: 10,
      totalTokens: 0,
      costUsd: 0,
      ...(i % 2 ? { error: { code: "E", message: "bad" } } : {}),
    }));
    mount();
    const items = () => container.querySelectorAll('[data-testid^="run-history-item-"]').length;
    await waitFor(() => expect(items()).toBe(PAGE_SIZE));
    click(byId("run-history-more"));
    await waitFor(() => expect(items()).toBe(PAGE_SIZE + 5));
    expect(byId("run-history-more")).toBeNull();
    expect(byId("recent-runs")?.querySelectorAll('[data-status="failed"]').length).toBe(10);
  });

  it("disables the controls for a viewer", async () => {
    mount("viewer");
    expect((byId("run-button") as HTMLButtonElement).disabled).toBe(true);
    expect((byId("input-question") as HTMLTextAreaElement).disabled).toBe(true);
    expect(byId("readonly-note")?.textContent).toBe(EDITOR_ROLE_NEEDED);
  });
});

describe("run inputs: remembered, presets, dataset rows, drafts", () => {
  function change(el: HTMLSelectElement, value: string) {
    act(() => {
      el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  it("remembers the last inputs per workflow across a remount (a reload)", async () => {
    mount();
    type(byId("input-question") as HTMLTextAreaElement, "what is 6*7?");
    type(byId("input-count") as HTMLInputElement, "5");
    cleanup();
    mount();
    expect((byId("input-question") as HTMLTextAreaElement).value).toBe("what is 6*7?");
    expect((byId("input-count") as HTMLInputElement).value).toBe("5");
  });

  it("saves the form as a preset, loads and deletes one", async () => {
    const stored: Array<{ id: string; name: string; inputs: Record<string, unknown> }> = [{ id: "p1", name: "hard one", inputs: { question: "17*23?", count: 9, other: 1 } }];
    server.handlers["presets.list"] = () => stored;
    server.handlers["presets.save"] = (input) => {
      const { name, inputs } = input as { name: string; inputs: Record<string, unknown> };
      const p = { id: `p${stored.length + 1}`, name, inputs };
      stored.push(p);
      return p;
    };
    server.handlers["presets.delete"] = (input) => {
      stored.splice(stored.findIndex((p) => p.name === (input as { name: string }).name), 1);
      return { ok: true };
    };
    vi.spyOn(window, "confirm").mockReturnValue(true);
    mount();
    await waitFor(() => expect(byId("preset-select")?.querySelectorAll("option").length).toBe(2));
    change(byId("preset-select") as HTMLSelectElement, "hard one");
    click(byId("preset-load"));
    expect((byId("input-question") as HTMLTextAreaElement).value).toBe("17*23?");
    expect((byId("input-count") as HTMLInputElement).value).toBe("9");
    expect(byId("run-fill-note")?.textContent).toBe('Loaded preset "hard one": question, count (not inputs here: other)');

    // Save as… refuses invalid values, then saves the typed (converted) inputs under a name.
    type(byId("input-question") as HTMLTextAreaElement, "");
    click(byId("preset-save-as"));
    type(byId("preset-name") as HTMLInputElement, " mine ");
    click(byId("preset-save"));
    await waitFor(() => expect(byId("preset-message")?.textContent).toBe("Fix the inputs before saving them as a preset"));
    expect(server.calls.some((c) => c.path === "presets.save")).toBe(false);
    expect(byId("run-error")?.textContent).toBe("question is required");
    type(byId("input-question") as HTMLTextAreaElement, "17*23?");
    type(byId("input-count") as HTMLInputElement, "3");
    click(byId("preset-save"));
    await waitFor(() => expect(byId("preset-message")?.textContent).toBe('Saved preset "mine"'));
    expect(server.calls.find((c) => c.path === "presets.save")?.input).toEqual({ workflowId: "qa", name: "mine", inputs: { question: "17*23?", count: 3 } });
    await waitFor(() => expect((byId("preset-select") as HTMLSelectElement).value).toBe("mine"));

    click(byId("preset-delete"));
    await waitFor(() => expect(byId("preset-message")?.textContent).toBe('Deleted preset "mine"'));
    expect(server.calls.find((c) => c.path === "presets.delete")?.input).toEqual({ workflowId: "qa", name: "mine" });
  });

  it("fills the form from a dataset row, and says so when a row has none of the inputs", async () => {
    const rows = [{ question: "row one?", answer: "1" }, { question: "row two?", count: 4 }, { text: "nothing that matches" }];
    server.handlers["datasets.list"] = () => [
      { id: "d-other", name: "other", version: 1, rows: 1, hash: "h", fileName: "o.jsonl", createdAt: new Date().toISOString() },
      { id: "d-qa", name: "qa", version: 2, rows: rows.length, hash: "h", fileName: "qa.jsonl", createdAt: new Date().toISOString() },
    ];
    server.handlers["datasets.get"] = (input) => {
      const { nameOrId, offset } = input as { nameOrId: string; offset: number };
      expect(nameOrId).toBe("d-qa");
      return { id: "d-qa", name: "qa", version: 2, rows: rows.length, records: rows[offset] ? [{ index: offset, data: rows[offset] }] : [] };
    };
    mount();
    const details = byId("dataset-row-tools") as HTMLDetailsElement;
    act(() => {
      details.open = true;
      details.dispatchEvent(new Event("toggle"));
    });
    // The dataset named like the workflow is preselected.
    await waitFor(() => expect((byId("dataset-row-select") as HTMLSelectElement).value).toBe("d-qa"));
    click(byId("dataset-row-load"));
    await waitFor(() => expect((byId("input-question") as HTMLTextAreaElement).value).toBe("row one?"));
    expect(byId("run-fill-note")?.textContent).toBe("Filled from qa v2, row 1 of 3: question (not inputs here: answer)");
    click(byId("dataset-row-next"));
    await waitFor(() => expect((byId("input-count") as HTMLInputElement).value).toBe("4"));
    expect((byId("input-question") as HTMLTextAreaElement).value).toBe("row two?");
    click(byId("dataset-row-next"));
    await waitFor(() => expect(byId("dataset-row-message")?.textContent).toContain("Row 3 of qa has none of this workflow's inputs (question, count); its fields: text"));
    // The form keeps the last row that matched.
    expect((byId("input-question") as HTMLTextAreaElement).value).toBe("row two?");
  });

  it("runs unsaved edits as a draft of the saved version, and waits while they have issues", async () => {
    harnessDraft = { dirty: true, issues: 0, baseVersion: 3 };
    server.events.set("r1", runEvents("r1", { draft: { baseVersion: 3 } }));
    mount();
    expect(byId("run-draft-note")?.textContent).toBe("Runs your unsaved edits (a draft of v3).");
    type(byId("input-question") as HTMLTextAreaElement, "2+2");
    click(byId("run-button"));
    await waitFor(() => expect(byId("run-status")?.dataset.status).toBe("succeeded"));
    expect(server.calls.find((c) => c.path === "runs.start")?.input).toEqual({ workflowId: "qa", inputs: { question: "2+2", count: 2 }, graph, baseVersion: 3 });
    expect(byId("run-draft")?.textContent).toBe("draft unsaved edits of v3");
    cleanup();

    harnessDraft = { dirty: true, issues: 2, baseVersion: 3 };
    server.calls = [];
    mount();
    expect((byId("run-button") as HTMLButtonElement).disabled).toBe(true);
    expect(byId("run-blocked-note")?.textContent).toBe("Fix the 2 validation issues to run what the canvas shows.");
    act(() => byId("input-question")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true })));
    await act(async () => new Promise((r) => setTimeout(r, 30)));
    expect(server.calls.some((c) => c.path === "runs.start")).toBe(false);
  });

  it("shows a failed node's error before its output and a skipped node's reason", () => {
    const failedRun = {
      runId: "rf",
      status: "failed" as const,
      lastSeq: 5,
      nodes: {
        answer: { status: "failed" as const, error: { code: "PROVIDER_ERROR", message: "model refused" }, input: { question: "q" } },
        out: { status: "skipped" as const, reason: 'upstream node "answer" failed' },
      },
    };
    renderWithTrpc(
      withAuth(
        <>
          <NodeRunDetails graph={graph} nodeId="answer" run={failedRun} first />
          <div data-testid="skipped-node">
            <NodeRunDetails graph={graph} nodeId="out" run={failedRun} />
          </div>
        </>,
      ),
      server.link,
    );
    const details = byId("node-run-details")!;
    expect(details.dataset.position).toBe("first");
    const error = byId("node-run-error")!;
    const inputs = byId("node-run-inputs")!;
    expect(error.textContent).toContain("PROVIDER_ERROR model refused");
    // The error comes before the inputs and the timings.
    expect(error.compareDocumentPosition(inputs) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(error.compareDocumentPosition(byId("node-run-timeline")!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const skipped = byId("skipped-node")!;
    expect(skipped.querySelector('[data-testid="inspector-status"]')?.getAttribute("data-status")).toBe("skipped");
    expect(skipped.querySelector('[data-testid="node-run-reason"]')?.textContent).toBe('Skipped: upstream node "answer" failed');
  });
});
