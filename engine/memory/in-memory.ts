import { boundContent, MEMORY_MAX_STORED_MESSAGES, MEMORY_MAX_SUMMARY_CHARS, type MemoryAdmin, type MemorySummary, type MemoryThreadInfo, type MemoryTurn, type ThreadKey } from "./types.js";

interface Thread {
  key: ThreadKey;
  turns: MemoryTurn[];
  nextSeq: number;
  summary?: MemorySummary;
  updatedAt: Date;
}

const keyOf = (k: ThreadKey) => JSON.stringify([k.workflowId, k.nodeId, k.threadId]);
const infoOf = (t: Thread): MemoryThreadInfo => ({ ...t.key, messages: t.turns.length, lastSeq: t.nextSeq - 1, summaryVersion: t.summary?.version ?? 0, updatedAt: t.updatedAt });

/**
 * A memory store in this process's memory (engine tests, file-less use): every method runs
 * synchronously inside its promise, so appends are atomic without locks.
 */
export function createInMemoryMemoryStore(opts: { maxStoredMessages?: number; now?: () => Date } = {}): MemoryAdmin {
  const threads = new Map<string, Thread>();
  const max = opts.maxStoredMessages ?? MEMORY_MAX_STORED_MESSAGES;
  const now = opts.now ?? (() => new Date());
  const get = (key: ThreadKey) => threads.get(keyOf(key));
  return {
    async recent(key, { limit, afterSeq = 0 }) {
      const turns = get(key)?.turns.filter((t) => t.seq > afterSeq) ?? [];
      return turns.slice(Math.max(0, turns.length - limit)).map((t) => ({ ...t }));
    },
    async append(key, messages) {
      let t = get(key);
      if (!t) threads.set(keyOf(key), (t = { key: { ...key }, turns: [], nextSeq: 1, updatedAt: now() }));
      const at = now();
      const stored = messages.map((m) => ({ seq: t.nextSeq++, role: m.role, content: boundContent(m.content), runId: m.runId, createdAt: at }));
      t.turns.push(...stored);
      if (t.turns.length > max) t.turns.splice(0, t.turns.length - max);
      t.updatedAt = at;
      return stored.map((s) => ({ ...s }));
    },
    async summary(key) {
      const s = get(key)?.summary;
      return s ? { ...s } : undefined;
    },
    async saveSummary(key, summary, expectedVersion) {
      const t = get(key);
      if (!t || (t.summary?.version ?? 0) !== expectedVersion) return false;
      t.summary = { text: boundContent(summary.text, MEMORY_MAX_SUMMARY_CHARS), throughSeq: summary.throughSeq, version: expectedVersion + 1 };
      t.updatedAt = now();
      return true;
    },
    async threads(workflowId, o = {}) {
      const list: MemoryThreadInfo[] = [];
      for (const t of threads.values()) {
        if (t.key.workflowId !== workflowId || (o.nodeId && t.key.nodeId !== o.nodeId)) continue;
        list.push(infoOf(t));
      }
      list.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
      return list.slice(0, o.limit ?? list.length);
    },
    async thread(key) {
      const t = get(key);
      return t ? infoOf(t) : undefined;
    },
    async turns(key, o = {}) {
      const before = (get(key)?.turns ?? []).filter((t) => o.beforeSeq === undefined || t.seq < o.beforeSeq);
      return before.slice(Math.max(0, before.length - (o.limit ?? before.length))).map((t) => ({ ...t }));
    },
    async clear(key) {
      return threads.delete(keyOf(key));
    },
  };
}
