/**
 * Conversation memory of a workflow's AI nodes (engine/memory/): viewers list threads and read
 * their messages, editors clear a thread. A token limited to some workflows reaches only theirs.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { NodeIdSchema, ThreadIdSchema } from "../../engine/browser.js";
import { MEMORY_MAX_STORED_MESSAGES } from "../../engine/memory/types.js";
import { MAX_THREADS_LISTED, memoryOf } from "../services/memory-store.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const editor = procedure("editor");

const ThreadRef = z.object({ workflowId: NodeIdSchema, nodeId: NodeIdSchema, threadId: ThreadIdSchema });
/** Messages one `get` returns at most (a thread keeps up to MEMORY_MAX_STORED_MESSAGES). */
export const MEMORY_PAGE_MAX = 200;

export const memoryRouter = router({
  /** The workflow's threads (optionally of one AI node), most recently updated first. */
  list: viewer
    .input(z.object({ workflowId: NodeIdSchema, nodeId: NodeIdSchema.optional(), limit: z.number().int().min(1).max(MAX_THREADS_LISTED).default(100) }))
    .query(async ({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      return memoryOf(ctx.services.db.prisma).threads(input.workflowId, { nodeId: input.nodeId, limit: input.limit });
    }),

  /** A thread's newest messages (before `beforeSeq`, to page back), oldest first, and its summary. */
  get: viewer
    .input(ThreadRef.extend({ beforeSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(), limit: z.number().int().min(1).max(MEMORY_PAGE_MAX).default(100) }))
    .query(async ({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      const store = memoryOf(ctx.services.db.prisma);
      const key = { workflowId: input.workflowId, nodeId: input.nodeId, threadId: input.threadId };
      const info = await store.thread(key);
      if (!info) throw new TRPCError({ code: "NOT_FOUND", message: `memory thread "${input.threadId}" of node "${input.nodeId}" in workflow "${input.workflowId}" not found` });
      // One more than asked says whether there are older messages.
      const page = await store.turns(key, { beforeSeq: input.beforeSeq, limit: input.limit + 1 });
      const more = page.length > input.limit;
      return { thread: info, summary: (await store.summary(key)) ?? null, turns: more ? page.slice(1) : page, more, maxStored: MEMORY_MAX_STORED_MESSAGES };
    }),

  /** Deletes the thread's messages and summary: the next run on it starts a new conversation. */
  clear: editor.input(ThreadRef).mutation(async ({ ctx, input }) => {
    ctx.access.workflow(input.workflowId);
    if (!(await memoryOf(ctx.services.db.prisma).clear(input))) {
      throw new TRPCError({ code: "NOT_FOUND", message: `memory thread "${input.threadId}" of node "${input.nodeId}" in workflow "${input.workflowId}" not found` });
    }
    return { ok: true as const };
  }),
});
