/**
 * A server restart in the middle of an optimization, over HTTP: the real server (`node --import
 * tsx server/main.ts`: the server itself is the child process, no wrapper that could die alone)
 * is started on a SQLite file, an optimization is started with REST, the server is SIGKILLed once
 * some candidates are stored — and must then stop answering — started again on the same
 * database, and the optimization must resume and complete with every candidate stored exactly
 * once (no index evaluated twice, none skipped). Nothing is left listening afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppServices } from "./services/app.js";
import { bearer, mintToken, QA_DATASET_TEXT, restCall, trpcClient, waitFor } from "./test-http.js";

const ROOT = path.resolve(import.meta.dirname, "..");
/** Candidates to evaluate (baseline included). */
const N = 12;
/** The sim provider's latency multiplier: 12 candidates of qa take ~6 s at 0.5. */
const LATENCY_SCALE = "0.5";

let dir: string;
let databaseUrl: string;
let port: number;
let secret: string;
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

/** True when something accepts connections on the port. */
function listening(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port: p });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Starts the server process itself (node with tsx's loader) on the test database and waits until /api/health answers. */
async function startServer(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      FLOWTUNE_HOST: "127.0.0.1",
      FLOWTUNE_PORT: String(port),
      FLOWTUNE_SIM_LATENCY_SCALE: LATENCY_SCALE,
      NODE_ENV: "test",
    },
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

/** Sends `signal` and waits for the process to exit. */
function stop(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill(signal);
  });
}

type State = { status: string; candidates: number };

async function state(url: string, runId: string): Promise<State> {
  const res = await restCall(url, "GET", `/api/optimizations/${runId}`, { headers: bearer(secret) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as State;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-restart-"));
  databaseUrl = `file:${path.join(dir, "x.db")}`;
  // The token and the dataset are created in-process on the same database, which is then closed.
  const services = await createAppServices({ databaseUrl, latencyScale: 0, seedExamples: true });
  try {
    await services.datasets.importDataset({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_DATASET_TEXT });
    ({ secret } = await mintToken(services, "ci", "editor"));
  } finally {
    await services.close();
  }
  port = await freePort();
});

afterAll(async () => {
  for (const proc of children) await stop(proc, "SIGKILL");
  // The servers were the processes we killed: nothing may still answer on the port.
  if (port) expect(await listening(port)).toBe(false);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("restart during an optimization (real server process)", () => {
  it(
    "SIGKILL mid-run, restart on the same database: the optimization resumes and completes with each candidate stored once",
    async () => {
      // 1. Start the optimization on the first server.
      const first = await startServer();
      const started = await restCall(first.url, "POST", "/api/workflows/qa/optimize", {
        headers: bearer(secret),
        body: {
          node_ids: ["answer"],
          optimizer: "nsga2",
          objective: [
            { metric: "grade", direction: "max" },
            { metric: "tokens", direction: "min" },
          ],
          limits: { iterations: N },
          dataset: "qa",
          seed: 1,
        },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const runId = (started.body as { run_id: string }).run_id;

      // 2. Wait until some (not all) candidates are stored, then kill the server without warning.
      const before = await waitFor(
        "the first candidates",
        async () => {
          const s = await state(first.url, runId);
          return s.candidates >= 2 || s.status !== "running" ? s : undefined;
        },
        30_000,
        50,
      );
      await stop(first.proc, "SIGKILL");
      // The killed process was the server: the port is closed (a surviving server would answer the "restarted" one's requests).
      expect(await listening(port), "the SIGKILLed server still answers").toBe(false);
      expect(before.status, "the optimization finished before the kill: raise N or FLOWTUNE_SIM_LATENCY_SCALE").toBe("running");
      expect(before.candidates).toBeLessThan(N);

      // 3. Start again on the same database: the interrupted optimization resumes by itself.
      const second = await startServer();
      const done = await waitFor(
        "the optimization to complete after the restart",
        async () => {
          const s = await state(second.url, runId);
          return s.status === "running" || s.status === "interrupted" ? undefined : s;
        },
        60_000,
        100,
      );
      expect(done.status).toBe("completed");
      expect(done.candidates).toBe(N);

      // 4. Every candidate, all splits, through the tRPC API.
      const client = trpcClient(second.url, bearer(secret));
      const candidates: Array<{ index: number; split: string }> = [];
      let cursor: number | undefined;
      do {
        const page = await client.optimizations.candidates.query({ runId, limit: 1000, cursor });
        candidates.push(...page.candidates);
        cursor = page.nextCursor;
      } while (cursor !== undefined);

      const keys = candidates.map((c) => `${c.split}/${c.index}`);
      const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
      expect(duplicates, "candidates stored more than once").toEqual([]);
      const validation = candidates.filter((c) => c.split === "validation").map((c) => c.index);
      expect([...validation].sort((a, b) => a - b)).toEqual([...Array(N).keys()]);
      // Test-split re-scores exist only for validation candidates, each once.
      const test = candidates.filter((c) => c.split === "test").map((c) => c.index);
      for (const i of test) expect(validation).toContain(i);
      expect(candidates.every((c) => c.split === "validation" || c.split === "test")).toBe(true);

      await stop(second.proc, "SIGTERM");
      expect(second.proc.exitCode, output).toBe(0);
      expect(await listening(port)).toBe(false);
    },
    150_000,
  );
});
