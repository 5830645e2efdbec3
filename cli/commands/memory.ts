import { NodeIdSchema, ThreadIdSchema } from "../../engine/browser.js";
import type { MemoryAdmin, ThreadKey } from "../../engine/memory/types.js";
import type { AppServices } from "../../server/services/app.js";
import { memoryOf } from "../../server/services/memory-store.js";
import { EXIT, UsageError } from "../errors.js";
import { cell, printable, table } from "../format.js";
import { isFileArg, loadGraphFile } from "../load.js";

interface ThreadFlags {
  thread: string;
  node?: string;
  json?: boolean;
}

/** The workflow id of a stored id or a graph file (memory is kept under the graph's id). */
function workflowIdOf(arg: string): string {
  const id = isFileArg(arg) ? loadGraphFile(arg).id : arg;
  if (!NodeIdSchema.safeParse(id).success) throw new UsageError(`${JSON.stringify(arg.slice(0, 60))} is not a workflow id or graph file`);
  return id;
}

/** The thread named by --thread (and --node when several AI nodes have a thread of that id). */
async function threadKey(store: MemoryAdmin, arg: string, flags: ThreadFlags): Promise<ThreadKey> {
  const workflowId = workflowIdOf(arg);
  const t = ThreadIdSchema.safeParse(flags.thread);
  if (!t.success) throw new UsageError(`--thread ${JSON.stringify(flags.thread.slice(0, 60))}: ${t.error.issues[0].message}`);
  if (flags.node) return { workflowId, nodeId: flags.node, threadId: t.data };
  const matches = (await store.threads(workflowId)).filter((x) => x.threadId === t.data);
  if (matches.length === 0) throw new UsageError(`workflow "${workflowId}" has no memory thread "${t.data}" (see: npx flowtune memory list ${workflowId})`);
  if (matches.length > 1) throw new UsageError(`thread "${t.data}" exists on several nodes (${matches.map((m) => m.nodeId).join(", ")}); pick one with --node`);
  return { workflowId, nodeId: matches[0].nodeId, threadId: t.data };
}

/** `flowtune memory list WORKFLOW [--node ID] [--json]`: the workflow's conversation threads. */
export async function memoryListCommand(arg: string, flags: { node?: string; json?: boolean }, services: () => Promise<AppServices>): Promise<number> {
  const workflowId = workflowIdOf(arg);
  const threads = await memoryOf((await services()).db.prisma).threads(workflowId, { nodeId: flags.node });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(threads, null, 2)}\n`);
    return EXIT.ok;
  }
  if (!threads.length) {
    process.stdout.write(`no memory threads in ${workflowId} yet — try: printf 'My name is Ada.\\nWhat is my name?\\n' | npx flowtune chat chat --thread demo\n`);
    return EXIT.ok;
  }
  process.stdout.write(
    `${table(
      ["node", "thread", "messages", "last seq", "summary", "updated"],
      threads.map((t) => [t.nodeId, cell(t.threadId), String(t.messages), String(t.lastSeq), t.summaryVersion ? `v${t.summaryVersion}` : "-", t.updatedAt.toISOString().replace("T", " ").slice(0, 19)]),
    )}\n`,
  );
  return EXIT.ok;
}

/** `flowtune memory show WORKFLOW --thread ID [--node ID] [--json]`: a thread's messages (and summary). */
export async function memoryShowCommand(arg: string, flags: ThreadFlags, services: () => Promise<AppServices>): Promise<number> {
  const store = memoryOf((await services()).db.prisma);
  const key = await threadKey(store, arg, flags);
  const [turns, summary] = await Promise.all([store.turns(key), store.summary(key)]);
  if (!turns.length && !summary) throw new UsageError(`node "${key.nodeId}" of workflow "${key.workflowId}" has no memory thread "${key.threadId}"`);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...key, summary: summary ?? null, turns }, null, 2)}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`thread ${key.threadId} of ${key.workflowId}/${key.nodeId}: ${turns.length} message(s)\n`);
  if (summary) process.stdout.write(`summary v${summary.version} (through seq ${summary.throughSeq}):\n  ${printable(summary.text).replace(/\n/g, "\n  ")}\n`);
  for (const t of turns) process.stdout.write(`${String(t.seq).padStart(4)} ${t.role.padEnd(9)} ${printable(t.content).replace(/\n/g, "\n               ")}\n`);
  return EXIT.ok;
}

/** `flowtune memory clear WORKFLOW --thread ID [--node ID]`: deletes the thread's messages and summary. */
export async function memoryClearCommand(arg: string, flags: ThreadFlags, services: () => Promise<AppServices>): Promise<number> {
  const store = memoryOf((await services()).db.prisma);
  const key = await threadKey(store, arg, flags);
  if (!(await store.clear(key))) throw new UsageError(`node "${key.nodeId}" of workflow "${key.workflowId}" has no memory thread "${key.threadId}"`);
  process.stdout.write(`cleared memory thread ${key.threadId} of ${key.workflowId}/${key.nodeId}\n`);
  return EXIT.ok;
}
