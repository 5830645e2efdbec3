import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGraph } from "../../engine/index.js";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { createWorkflowStore } from "../store/workflows.js";
import { createPrismaMemoryStore } from "./memory-store.js";

let dir: string;
let a: FlowtuneDatabase;
let b: FlowtuneDatabase;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-memstore-"));
  const url = `file:${path.join(dir, "x.db")}`;
  // Two clients on one file: two processes as far as SQLite is concerned.
  a = await openDatabase({ url });
  b = await openDatabase({ url });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const key = (threadId: string) => ({ workflowId: "w", nodeId: "n", threadId });

describe("the database memory store", () => {
  it("40 appends at once from two connections keep every message, each pair under consecutive seqs", async () => {
    const sa = createPrismaMemoryStore(a.prisma);
    const sb = createPrismaMemoryStore(b.prisma);
    const writes = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? sa : sb).append(key("busy"), [
        { role: "user", content: `q${i}`, runId: `r${i}` },
        { role: "assistant", content: `a${i}`, runId: `r${i}` },
      ]),
    );
    const stored = await Promise.all(writes);
    for (const [u, r] of stored) expect(r.seq).toBe(u.seq + 1);
    const turns = await sa.turns(key("busy"));
    expect(turns.map((t) => t.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    for (let i = 0; i < 80; i += 2) {
      expect(turns[i].runId).toBe(turns[i + 1].runId);
      expect(turns[i].content.slice(1)).toBe(turns[i + 1].content.slice(1));
    }
    expect((await sb.thread(key("busy")))).toMatchObject({ messages: 80, lastSeq: 80 });
  });

  it("prunes the oldest past its bound, pages backwards, and never reuses a seq", async () => {
    const s = createPrismaMemoryStore(a.prisma, { maxStoredMessages: 5 });
    for (let i = 0; i < 4; i++) await s.append(key("small"), [{ role: "user", content: `m${i}` }, { role: "assistant", content: `r${i}` }]);
    expect((await s.turns(key("small"))).map((t) => t.seq)).toEqual([4, 5, 6, 7, 8]);
    expect((await s.turns(key("small"), { beforeSeq: 7, limit: 2 })).map((t) => t.seq)).toEqual([5, 6]);
    expect((await s.recent(key("small"), { limit: 3, afterSeq: 4 })).map((t) => t.content)).toEqual(["m2", "r2", "m3", "r3"].slice(1));
    const [big] = await s.append(key("small"), [{ role: "user", content: "y".repeat(50_000) }]);
    expect(big.seq).toBe(9);
    expect((await s.turns(key("small"))).at(-1)!.content).toMatch(/^y{16000}…\[cut: 50000 characters\]$/);
  });

  it("stores a summary only over the version it was made from (compare-and-set)", async () => {
    const s = createPrismaMemoryStore(a.prisma);
    expect(await s.saveSummary(key("sum"), { text: "x", throughSeq: 0 }, 0)).toBe(false); // no thread yet
    await s.append(key("sum"), [{ role: "user", content: "My name is Ada." }]);
    expect(await s.saveSummary(key("sum"), { text: "my name is Ada", throughSeq: 1 }, 0)).toBe(true);
    expect(await s.saveSummary(key("sum"), { text: "stale", throughSeq: 1 }, 0)).toBe(false);
    expect(await s.summary(key("sum"))).toEqual({ text: "my name is Ada", version: 1, throughSeq: 1 });
  });

  it("lists a workflow's threads newest first, clears one, and deleting the workflow deletes its memory", async () => {
    const workflows = createWorkflowStore(a.prisma);
    const graph = parseGraph({ version: 1, id: "gone", name: "Gone", nodes: [{ id: "in", kind: "input", config: { fields: [{ name: "x" }] } }] });
    await workflows.save(graph);
    const s = createPrismaMemoryStore(a.prisma);
    const k1 = { workflowId: "gone", nodeId: "n", threadId: "one" };
    const k2 = { workflowId: "gone", nodeId: "m", threadId: "two" };
    await s.append(k1, [{ role: "user", content: "a" }]);
    await new Promise((r) => setTimeout(r, 5));
    await s.append(k2, [{ role: "user", content: "b" }]);
    expect((await s.threads("gone")).map((t) => t.threadId)).toEqual(["two", "one"]);
    expect((await s.threads("gone", { nodeId: "n" })).map((t) => t.threadId)).toEqual(["one"]);
    expect(await s.clear(k1)).toBe(true);
    expect(await s.clear(k1)).toBe(false);
    expect(await a.prisma.memoryTurn.count({ where: { thread: { workflowId: "gone" } } })).toBe(1);
    expect(await workflows.delete("gone")).toBe(true);
    expect(await s.threads("gone")).toEqual([]);
    expect(await a.prisma.memoryTurn.count({ where: { content: "b" } })).toBe(0);
  });
});
