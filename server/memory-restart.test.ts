/**
 * Conversation memory on the real server process (`node --import tsx server/main.ts`, SQLite in a
 * temp dir): a conversation of three runs on one thread of the seeded `chat` example, where the
 * second and third answers come from the first turn, the third after the server was SIGKILLed
 * and started again on the same database. Then: the run history records what each run read,
 * viewers list and read threads but cannot clear them, an editor clears one (and the next run
 * has forgotten), and two runs on one thread at once both keep their turns. Nothing is left
 * listening afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MemoryRecord } from "../engine/memory/node.js";
import { createAppServices } from "./services/app.js";
import { bearer, mintToken, trpcClient, trpcOutcome, waitFor, type TestClient } from "./test-http.js";

const ROOT = path.resolve(import.meta.dirname, "..");

let dir: string;
let databaseUrl: string;
let port: number;
let editorSecret: string;
let viewerSecret: string;
const children = new Set<ChildProcess>();
let output = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port: p } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(p));
    });
  });
}

function listening(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port: p });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function startServer(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, FLOWTUNE_HOST: "127.0.0.1", FLOWTUNE_PORT: String(port), FLOWTUNE_SIM_LATENCY_SCALE: "0.2", NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(proc);
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "the server to answer /api/health",
    async () => {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${output}`);
      try {
        return (await fetch(`${url}/api/health`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    30_000,
    100,
  );
  return { proc, url };
}

function stop(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill(signal);
  });
}

/** Runs `chat` once on the thread and returns the answer and what the assistant node recorded of its memory. */
async function say(client: TestClient, message: string, thread: string): Promise<{ runId: string; answer: string; memory: MemoryRecord }> {
  const { runId } = await client.runs.start.mutate({ workflowId: "chat", inputs: { message, thread } });
  const run = await waitFor(`run ${runId}`, async () => {
    const r = await client.runs.get.query({ runId });
    return ["succeeded", "failed", "cancelled"].includes(r.status) ? r : undefined;
  });
  expect(run.status, JSON.stringify(run.nodes.map((n) => n.error ?? null))).toBe("succeeded");
  const node = run.nodes.find((n) => n.nodeId === "assistant")!;
  return { runId, answer: (run.outputs!.out as { answer: string }).answer, memory: (node.output as { memory: MemoryRecord }).memory };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-memory-"));
  databaseUrl = `file:${path.join(dir, "x.db")}`;
  const services = await createAppServices({ databaseUrl, latencyScale: 0, seedExamples: true });
  try {
    ({ secret: editorSecret } = await mintToken(services, "ci", "editor"));
    ({ secret: viewerSecret } = await mintToken(services, "reader", "viewer"));
  } finally {
    await services.close();
  }
  port = await freePort();
});

afterAll(async () => {
  for (const proc of children) await stop(proc, "SIGKILL");
  if (port) expect(await listening(port)).toBe(false);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("conversation memory on the server", () => {
  it(
    "three runs on one thread use its memory, across a SIGKILL and restart; viewers read threads, editors clear them",
    async () => {
      const first = await startServer();
      let editor = trpcClient(first.url, bearer(editorSecret));
      const one = await say(editor, "My name is Ada.", "conv-1");
      expect(one.answer).toBe("Noted: your name is Ada.");
      const two = await say(editor, "What is my name?", "conv-1");
      expect(two.answer).toBe("Your name is Ada.");
      expect(two.memory).toMatchObject({ threadId: "conv-1", kind: "window", readSeqs: [1, 2], wroteSeqs: [3, 4] });

      await stop(first.proc, "SIGKILL");
      expect(await listening(port), "the SIGKILLed server still answers").toBe(false);

      const second = await startServer();
      editor = trpcClient(second.url, bearer(editorSecret));
      const three = await say(editor, "What did I say first?", "conv-1");
      expect(three.answer).toBe('You said: "My name is Ada."');
      expect(three.memory.readSeqs).toEqual([1, 2, 3, 4]);
      // Another thread of the same workflow knows nothing of it.
      expect((await say(editor, "What is my name?", "conv-2")).answer).toBe("I don't know your name; you haven't told me.");

      const viewer = trpcClient(second.url, bearer(viewerSecret));
      const threads = await viewer.memory.list.query({ workflowId: "chat" });
      expect(threads.map((t) => [t.nodeId, t.threadId, t.messages, t.lastSeq])).toEqual([
        ["assistant", "conv-2", 2, 2],
        ["assistant", "conv-1", 6, 6],
      ]);
      const got = await viewer.memory.get.query({ workflowId: "chat", nodeId: "assistant", threadId: "conv-1", limit: 4 });
      expect(got.turns.map((t) => `${t.seq} ${t.role}: ${t.content}`)).toEqual([
        "3 user: What is my name?",
        "4 assistant: Your name is Ada.",
        "5 user: What did I say first?",
        '6 assistant: You said: "My name is Ada."',
      ]);
      expect(got.more).toBe(true);
      expect(got.turns[0].runId).toBe(two.runId);
      const older = await viewer.memory.get.query({ workflowId: "chat", nodeId: "assistant", threadId: "conv-1", beforeSeq: 3 });
      expect(older.turns.map((t) => t.seq)).toEqual([1, 2]);
      expect(older.more).toBe(false);

      // A viewer cannot clear; bad thread ids and unknown threads are clear errors, not 500s.
      const denied = await trpcOutcome(viewer.memory.clear.mutate({ workflowId: "chat", nodeId: "assistant", threadId: "conv-1" }));
      expect(denied).toMatchObject({ ok: false, status: 403, code: "FORBIDDEN" });
      const bad = await trpcOutcome(viewer.memory.get.query({ workflowId: "chat", nodeId: "assistant", threadId: "../x" }));
      expect(bad).toMatchObject({ ok: false, status: 400, code: "BAD_REQUEST" });
      expect((bad as { message: string }).message).toMatch(/threadId/);
      expect(await trpcOutcome(viewer.memory.get.query({ workflowId: "chat", nodeId: "assistant", threadId: "nope" }))).toMatchObject({ ok: false, status: 404 });
      expect((await viewer.memory.get.query({ workflowId: "chat", nodeId: "assistant", threadId: "conv-1" })).turns).toHaveLength(6);

      expect(await editor.memory.clear.mutate({ workflowId: "chat", nodeId: "assistant", threadId: "conv-1" })).toEqual({ ok: true });
      expect(await trpcOutcome(editor.memory.clear.mutate({ workflowId: "chat", nodeId: "assistant", threadId: "conv-1" }))).toMatchObject({ ok: false, status: 404 });
      const after = await say(editor, "What is my name?", "conv-1");
      expect(after.answer).toBe("I don't know your name; you haven't told me.");
      expect(after.memory.wroteSeqs).toEqual([1, 2]);

      // Two runs on one thread at once: both exchanges are kept, each under its own consecutive seqs.
      const both = await Promise.all([say(editor, "My city is Lyon.", "conv-3"), say(editor, "My dog is Rex.", "conv-3")]);
      expect(both.map((b) => b.memory.wroteSeqs).sort()).toEqual([[1, 2], [3, 4]]);
      const turns = (await viewer.memory.get.query({ workflowId: "chat", nodeId: "assistant", threadId: "conv-3" })).turns;
      expect(turns.map((t) => t.role)).toEqual(["user", "assistant", "user", "assistant"]);
      expect(turns.map((t) => t.content).sort()).toEqual(["My city is Lyon.", "My dog is Rex.", "Noted: your city is Lyon.", "Noted: your dog is Rex."]);
      expect(turns[0].runId).toBe(turns[1].runId);
      const recall = await say(editor, "What is my dog?", "conv-3");
      expect(recall.answer).toBe("Your dog is Rex.");

      await stop(second.proc, "SIGTERM");
      expect(second.proc.exitCode, output).toBe(0);
    },
    120_000,
  );
});
