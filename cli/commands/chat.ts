import readline from "node:readline";
import { createRun, type Graph } from "../../engine/index.js";
import { checkRunInputSize } from "../../engine/graph/inputs.js";
import type { MemoryRecord } from "../../engine/memory/node.js";
import { ThreadIdSchema } from "../../engine/schema/memory.js";
import type { AppServices } from "../../server/services/app.js";
import { memoryOf } from "../../server/services/memory-store.js";
import { assertProvidersConfigured } from "../../server/services/providers.js";
import { EXIT, UsageError } from "../errors.js";
import { printable } from "../format.js";
import { graphForRun, loadWorkflow } from "../load.js";

export interface ChatFlags {
  thread: string;
  /** `field=value` pairs (or one JSON object) fixed for every message. */
  input?: string[];
  /** The input field each line goes into (default: the first input field that is not the thread's or fixed). */
  messageField?: string;
  /** The input field the thread id goes into (default: read from the memory's `{{ inputs.X }}` template). */
  threadField?: string;
  json?: boolean;
  production?: boolean;
}

const INPUT_REF = /^\{\{\s*inputs\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}$/;

/** `field=value` pairs (repeatable) or a JSON object, merged in order. */
export function parseChatInputs(values: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of values) {
    if (v.trim().startsWith("{")) {
      let doc: unknown;
      try {
        doc = JSON.parse(v);
      } catch (err) {
        throw new UsageError(`--input is not valid JSON: ${(err as Error).message}`);
      }
      if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new UsageError("--input JSON must be an object");
      Object.assign(out, doc);
      continue;
    }
    const eq = v.indexOf("=");
    if (eq < 1) throw new UsageError(`--input ${JSON.stringify(v)} must be field=value (or a JSON object)`);
    out[v.slice(0, eq).trim()] = v.slice(eq + 1);
  }
  return out;
}

/** Which AI node keeps the conversation, and which input fields take the thread id and each line. */
export function chatPlan(graph: Graph, flags: Pick<ChatFlags, "messageField" | "threadField">, fixed: Record<string, unknown>) {
  const memoryNode = graph.nodes.find((n) => n.kind === "ai" && n.config.memory);
  if (!memoryNode || memoryNode.kind !== "ai" || !memoryNode.config.memory) {
    throw new UsageError(`workflow "${graph.id}" has no AI node with memory: add "memory": { "thread": "{{ inputs.thread }}" } to an AI node's config (see docs/tools-and-memory.md)`);
  }
  const fields = graph.nodes.flatMap((n) => (n.kind === "input" ? n.config.fields : []));
  const names = fields.map((f) => f.name);
  const known = (what: string, name: string) => {
    if (!names.includes(name)) throw new UsageError(`${what} "${name}" is not an input of workflow "${graph.id}" (its inputs: ${names.join(", ") || "none"})`);
    return name;
  };
  const template = memoryNode.config.memory.thread;
  const fromTemplate = INPUT_REF.exec(template.trim())?.[1];
  const threadField = flags.threadField ? known("--thread-field", flags.threadField) : fromTemplate;
  if (!threadField) throw new UsageError(`node "${memoryNode.id}" takes its thread id from ${JSON.stringify(template)}; name the input to put --thread in with --thread-field`);
  known("the thread input", threadField);
  const messageField = flags.messageField
    ? known("--message-field", flags.messageField)
    : fields.find((f) => f.name !== threadField && !(f.name in fixed) && (f.type === "string" || f.type === undefined))?.name;
  if (!messageField) throw new UsageError(`workflow "${graph.id}" has no text input left for the messages; name one with --message-field`);
  return { nodeId: memoryNode.id, threadField, messageField };
}

/**
 * `flowtune chat WORKFLOW --thread ID [--input field=value]…`: each line of stdin is one run of
 * the workflow on the thread (its AI node with memory reads the earlier turns); prints each
 * answer (the memory node's text). Interactive on a terminal, and works piped.
 */
export async function chatCommand(
  arg: string,
  flags: ChatFlags,
  services: () => Promise<AppServices>,
  io: { input: NodeJS.ReadableStream & { isTTY?: boolean }; out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { input: process.stdin, out: process.stdout, err: process.stderr },
): Promise<number> {
  const thread = ThreadIdSchema.safeParse(flags.thread);
  if (!thread.success) throw new UsageError(`--thread ${JSON.stringify(flags.thread.slice(0, 60))}: ${thread.error.issues[0].message}`);
  const fixed = parseChatInputs(flags.input);
  const loaded = await loadWorkflow(arg, services);
  const plan = chatPlan(loaded.graph, flags, fixed);
  const { graph, parameterVersions } = await graphForRun(loaded, services, flags.production !== false);
  const app = await services();
  assertProvidersConfigured(graph, app.providers);
  const memory = memoryOf(app.db.prisma);
  const tty = Boolean(io.input.isTTY);
  const rl = readline.createInterface({ input: io.input, output: tty ? io.err : undefined, terminal: tty, prompt: "you> " });
  if (tty) {
    io.err.write(`chat with ${loaded.workflowId} on thread "${thread.data}" (node ${plan.nodeId}); /exit to leave\n`);
    rl.prompt();
  }
  let failed = 0;
  for await (const raw of rl) {
    const line = raw.trim();
    if (tty && (line === "/exit" || line === "/quit")) break;
    if (line) {
      const inputs = { ...fixed, [plan.threadField]: thread.data, [plan.messageField]: line };
      checkRunInputSize(inputs);
      const handle = await createRun({ graph, inputs, workflowId: loaded.workflowId, providers: app.providers, history: app.history, parameterVersions, memory });
      const result = await handle.result;
      const out = result.nodes[plan.nodeId]?.output as { text?: string; memory?: MemoryRecord } | undefined;
      if (result.status !== "succeeded") {
        failed++;
        const e = result.error;
        io.err.write(`${printable(`error: ${e?.nodeId ? `node "${e.nodeId}": ` : ""}${e?.message ?? result.status}`)} (run ${result.runId})\n`);
      } else if (flags.json) {
        io.out.write(`${JSON.stringify({ runId: result.runId, answer: out?.text ?? "", memory: out?.memory })}\n`);
      } else {
        io.out.write(`${tty ? "bot> " : ""}${printable(out?.text ?? "")}\n`);
      }
    }
    if (tty) rl.prompt();
  }
  rl.close();
  return failed ? EXIT.failed : EXIT.ok;
}
