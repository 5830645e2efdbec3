import { errorMessage, NodeExecutionError } from "../errors.js";
import type { ChatMessage, ProviderRegistry, TokenUsage } from "../providers/types.js";
import { DEFAULT_SUMMARY_TOKENS, threadIdProblem, type MemoryConfig } from "../schema/memory.js";
import { renderTemplate, type RenderOptions } from "../template/render.js";
import type { TemplateScope } from "../template/template.js";
import { foldSummary } from "./summary.js";
import type { NodeMemoryContext, ThreadKey } from "./types.js";
import { fitWindow, messagesFor } from "./window.js";

/** What a run read from and wrote to a thread: the AI node's `output.memory`, kept in the run history. */
export interface MemoryRecord {
  threadId?: string;
  kind: MemoryConfig["kind"];
  includeContext: boolean;
  /** Why the node ran without memory (no thread id, no store in this run). */
  skipped?: string;
  /** The stored messages put before the prompt, by seq (empty when includeContext is false). */
  readSeqs?: number[];
  /** Tokens of those messages (window). */
  readTokens?: number;
  /** The summary version put before the prompt (summary; 0: none yet). */
  summaryVersion?: number;
  /** The seqs of this run's own user message and reply. */
  wroteSeqs?: number[];
  /** The summary version after this run folded its turn in. */
  summaryVersionAfter?: number;
  /** Why the summary was not updated (the turn is kept and folded by a later run). */
  summaryError?: string;
}

/** A thread opened for one node execution. */
export interface MemorySession {
  record: MemoryRecord;
  /** Messages to put between the few-shot examples and the prompt. */
  prior: ChatMessage[];
  /** Stores the new exchange (and folds it into the summary); returns the extra model usage. */
  commit(user: string, reply: string, args: { providers: ProviderRegistry; provider: string; model: string; signal: AbortSignal }): Promise<{ usage: TokenUsage; costUsd: number }>;
}

const NONE = { usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, costUsd: 0 };

/**
 * Opens the node's thread: renders the thread id (refusing a malformed one, naming node and
 * field), reads the window or the summary plus the turns it does not cover yet.
 */
export async function openMemory(args: {
  nodeId: string;
  config: MemoryConfig;
  scope: TemplateScope;
  render?: RenderOptions;
  memory?: NodeMemoryContext;
}): Promise<MemorySession> {
  const { nodeId, config } = args;
  const base = { kind: config.kind, includeContext: config.includeContext };
  const threadId = (await renderTemplate(config.thread, args.scope, args.render)).trim();
  if (!threadId) return inert({ ...base, skipped: "the thread id (config.memory.thread) rendered empty" });
  const problem = threadIdProblem(threadId);
  if (problem) {
    throw new NodeExecutionError(nodeId, `config.memory.thread rendered ${JSON.stringify(threadId.slice(0, 60))}, not a valid thread id: it ${problem}`, "INPUT_INVALID");
  }
  if (!args.memory) return inert({ ...base, threadId, skipped: "this run has no memory store (optimizations and evaluations run without memory)" });
  const { store } = args.memory;
  const key: ThreadKey = { workflowId: args.memory.workflowId, nodeId, threadId };
  const record: MemoryRecord = { ...base, threadId };
  const prior: ChatMessage[] = [];
  const limit = messagesFor(config.maxTurns);
  try {
    if (config.kind === "window") {
      const win = await fitWindow(await store.recent(key, { limit }), config.maxTokens);
      if (config.includeContext) {
        prior.push(...win.turns.map((t) => ({ role: t.role, content: t.content })));
        record.readSeqs = win.turns.map((t) => t.seq);
        record.readTokens = win.tokens;
      }
    } else {
      const summary = await store.summary(key);
      // Turns a failed or racing fold left out are read verbatim (bounded like a window).
      const rest = await store.recent(key, { limit, afterSeq: summary?.throughSeq ?? 0 });
      record.summaryVersion = summary?.version ?? 0;
      if (config.includeContext) {
        if (summary?.text) prior.push({ role: "system", content: `Summary of the conversation so far:\n${summary.text}` });
        prior.push(...rest.map((t) => ({ role: t.role, content: t.content })));
        record.readSeqs = rest.map((t) => t.seq);
      }
    }
  } catch (err) {
    throw new NodeExecutionError(nodeId, `could not read memory thread "${threadId}": ${errorMessage(err)}`, "NODE_EXECUTION_FAILED", { cause: err });
  }
  return {
    record,
    prior,
    async commit(user, reply, c) {
      try {
        const stored = await store.append(key, [
          { role: "user", content: user, runId: args.memory!.runId },
          { role: "assistant", content: reply, runId: args.memory!.runId },
        ]);
        record.wroteSeqs = stored.map((t) => t.seq);
      } catch (err) {
        // The reply exists but the conversation would silently lose it: fail rather than diverge.
        throw new NodeExecutionError(nodeId, `could not store the turn in memory thread "${threadId}": ${errorMessage(err)}`, "NODE_EXECUTION_FAILED", { cause: err });
      }
      if (config.kind !== "summary") return NONE;
      const providerId = config.summaryProvider ?? c.provider;
      const provider = c.providers.get(providerId);
      if (!provider) {
        record.summaryError = `unknown summary provider "${providerId}"`;
        return NONE;
      }
      try {
        const fold = await foldSummary({ store, key, provider, model: config.summaryModel ?? c.model, maxTokens: config.maxTokens ?? DEFAULT_SUMMARY_TOKENS, maxMessages: limit, signal: c.signal });
        record.summaryVersionAfter = fold.version;
        if (fold.conflict) record.summaryError = "other runs kept updating the summary; this turn is folded in by a later run";
        return fold;
      } catch (err) {
        // The turn is stored: a later run folds it in, and until then it is read verbatim.
        record.summaryError = errorMessage(err).slice(0, 500);
        return NONE;
      }
    },
  };
}

function inert(record: MemoryRecord): MemorySession {
  return { record, prior: [], commit: async () => NONE };
}
