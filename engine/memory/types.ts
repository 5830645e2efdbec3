/**
 * The conversation memory an AI node reads and writes, behind an interface the caller injects
 * (RunOptions.memory): the engine never knows where turns are kept. The server and the CLI pass
 * a database-backed store (server/services/memory-store.ts); tests use createInMemoryMemoryStore.
 */

/** Which conversation: one thread of one AI node of one workflow. */
export interface ThreadKey {
  workflowId: string;
  nodeId: string;
  threadId: string;
}

export type MemoryRole = "user" | "assistant";

/** One stored message of a thread; `seq` orders a thread's messages (1, 2, … without reuse). */
export interface MemoryTurn {
  seq: number;
  role: MemoryRole;
  content: string;
  /** The run that wrote it. */
  runId?: string;
  createdAt: Date;
}

/** A thread's running summary (`summary` memory): it covers the messages up to `throughSeq`. */
export interface MemorySummary {
  text: string;
  /** 1 for the first summary, +1 per update. */
  version: number;
  throughSeq: number;
}

/** A thread as listed (API, CLI). */
export interface MemoryThreadInfo extends ThreadKey {
  /** Messages stored now (pruned ones excluded). */
  messages: number;
  lastSeq: number;
  summaryVersion: number;
  updatedAt: Date;
}

/** Most messages a thread keeps: appending more prunes the oldest. */
export const MEMORY_MAX_STORED_MESSAGES = 1_000;
/** Characters of one stored message: longer ones are cut with a marker. */
export const MEMORY_MAX_MESSAGE_CHARS = 16_000;
/** Characters of a stored summary. */
export const MEMORY_MAX_SUMMARY_CHARS = 16_000;

/** What the AI node needs from a memory store. Every method is safe to call concurrently. */
export interface MemoryStore {
  /** The thread's last `limit` messages with seq > `afterSeq` (default 0), oldest first. */
  recent(key: ThreadKey, opts: { limit: number; afterSeq?: number }): Promise<MemoryTurn[]>;
  /**
   * Appends the messages atomically under consecutive seqs after the thread's last one (two runs
   * appending at once both keep their messages, never interleaved), pruning beyond
   * MEMORY_MAX_STORED_MESSAGES; returns them as stored.
   */
  append(key: ThreadKey, messages: Array<{ role: MemoryRole; content: string; runId?: string }>): Promise<MemoryTurn[]>;
  /** The thread's summary, if it has one. */
  summary(key: ThreadKey): Promise<MemorySummary | undefined>;
  /**
   * Stores the summary as version `expectedVersion + 1` only if the stored one is still
   * `expectedVersion` (0: none); false when another run updated it first.
   */
  saveSummary(key: ThreadKey, summary: { text: string; throughSeq: number }, expectedVersion: number): Promise<boolean>;
}

/** A store that can also list and clear threads (the API, the CLI's `memory` commands). */
export interface MemoryAdmin extends MemoryStore {
  /** The workflow's threads, most recently updated first. */
  threads(workflowId: string, opts?: { nodeId?: string; limit?: number }): Promise<MemoryThreadInfo[]>;
  /** One thread as listed, or undefined when it does not exist. */
  thread(key: ThreadKey): Promise<MemoryThreadInfo | undefined>;
  /** The thread's newest `limit` messages (default all) with seq < `beforeSeq` (default: any), oldest first. */
  turns(key: ThreadKey, opts?: { beforeSeq?: number; limit?: number }): Promise<MemoryTurn[]>;
  /** Deletes the thread (messages and summary); false when there was none. */
  clear(key: ThreadKey): Promise<boolean>;
}

/** What an AI node's execution gets: the store and where this run stands. */
export interface NodeMemoryContext {
  store: MemoryStore;
  workflowId: string;
  runId: string;
}

/** `content` cut to MEMORY_MAX_MESSAGE_CHARS (or `max`) with a marker saying so. */
export function boundContent(content: string, max = MEMORY_MAX_MESSAGE_CHARS): string {
  if (content.length <= max) return content;
  return `${content.slice(0, max)}…[cut: ${content.length} characters]`;
}
