/** `flowtune chat` (each stdin line one run on a thread, piped) and `flowtune memory list|show|clear`, on a temp database. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGraph } from "../engine/index.js";
import { chatPlan, parseChatInputs } from "./commands/chat.js";

const BIN = path.resolve("bin/flowtune.js");
let dir: string;
let dbUrl: string;

function flowtune(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: dbUrl, FLOWTUNE_SIM_LATENCY_SCALE: "0", NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.once("error", reject);
    p.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-cli-chat-"));
  dbUrl = `file:${path.join(dir, "cli.db")}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("flowtune chat and memory", { timeout: 120_000 }, () => {
  it("piped lines are runs on one thread: the second and third answers come from the first; memory show/list/clear", async () => {
    const chat = await flowtune(["chat", "chat", "--thread", "demo"], "My name is Ada.\n\nWhat is my name?\nWhat did I say first?\n");
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout.trim().split("\n")).toEqual(["Noted: your name is Ada.", "Your name is Ada.", 'You said: "My name is Ada."']);

    const show = await flowtune(["memory", "show", "chat", "--thread", "demo", "--json"]);
    expect(show.code, show.stderr).toBe(0);
    const doc = JSON.parse(show.stdout) as { nodeId: string; turns: Array<{ seq: number; role: string; content: string }> };
    expect(doc.nodeId).toBe("assistant");
    expect(doc.turns.map((t) => `${t.seq} ${t.role}`)).toEqual(["1 user", "2 assistant", "3 user", "4 assistant", "5 user", "6 assistant"]);

    // A later process continues the thread; --json shows what each run read.
    const more = await flowtune(["chat", "chat", "--thread", "demo", "--json"], "What is my name?\n");
    const line = JSON.parse(more.stdout) as { answer: string; memory: { readSeqs: number[]; wroteSeqs: number[] } };
    expect(line).toMatchObject({ answer: "Your name is Ada.", memory: { readSeqs: [1, 2, 3, 4, 5, 6], wroteSeqs: [7, 8] } });

    const list = await flowtune(["memory", "list", "chat"]);
    expect(list.stdout).toMatch(/assistant\s+demo\s+8\s+8/);

    expect((await flowtune(["memory", "clear", "chat", "--thread", "demo"])).code).toBe(0);
    const forgot = await flowtune(["chat", "chat", "--thread", "demo"], "What is my name?\n");
    expect(forgot.stdout.trim()).toBe("I don't know your name; you haven't told me.");
    const again = await flowtune(["memory", "clear", "chat", "--thread", "nope"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('workflow "chat" has no memory thread "nope"');
  });

  it("refuses a malformed thread id and a workflow without memory as usage errors", async () => {
    const bad = await flowtune(["chat", "chat", "--thread", "a/b"], "hi\n");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--thread "a\/b": must start with a letter or digit/);
    const plain = await flowtune(["chat", "qa", "--thread", "t"], "hi\n");
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('workflow "qa" has no AI node with memory');
  });

  it("a graph file: --input fixes other inputs, --message-field and --thread-field name where lines and the thread go", async () => {
    const file = path.join(dir, "custom.flow.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        id: "custom",
        name: "Custom",
        nodes: [
          { id: "in", kind: "input", config: { fields: [{ name: "persona" }, { name: "text" }, { name: "conversation" }] } },
          { id: "bot", kind: "ai", config: { model: "sim-small", systemPrompt: "You are {{ inputs.persona }}.", prompt: "{{ inputs.text }}", memory: { thread: "user-{{ inputs.conversation }}" } } },
        ],
        edges: [{ id: "e", kind: "pipeline", source: "in", target: "bot" }],
      }),
    );
    const noField = await flowtune(["chat", file, "--thread", "x"], "hi\n");
    expect(noField.code).toBe(2);
    expect(noField.stderr).toContain("name the input to put --thread in with --thread-field");
    const r = await flowtune(["chat", file, "--thread", "x", "--thread-field", "conversation", "--input", "persona=a pirate", "--message-field", "text"], "My ship is the Pearl.\nWhat is my ship?\n");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(["Noted: your ship is the Pearl.", "Your ship is the Pearl."]);
    // The node's template made the stored thread id.
    expect((await flowtune(["memory", "list", file])).stdout).toMatch(/bot\s+user-x\s+4/);
  });

  it("plans which inputs take the thread and the lines", () => {
    const g = parseGraph({
      version: 1, id: "g", name: "G",
      nodes: [
        { id: "in", kind: "input", config: { fields: [{ name: "thread" }, { name: "lang" }, { name: "message" }] } },
        { id: "bot", kind: "ai", config: { model: "sim-small", prompt: "{{ inputs.message }}", memory: { thread: "{{ inputs.thread }}" } } },
      ],
      edges: [{ id: "e", kind: "pipeline", source: "in", target: "bot" }],
    });
    expect(chatPlan(g, {}, { lang: "en" })).toEqual({ nodeId: "bot", threadField: "thread", messageField: "message" });
    expect(() => chatPlan(g, { messageField: "nope" }, {})).toThrow(/--message-field "nope" is not an input of workflow "g" \(its inputs: thread, lang, message\)/);
    expect(parseChatInputs(["a=1=2", '{"b": 3}'])).toEqual({ a: "1=2", b: 3 });
    expect(() => parseChatInputs(["=x"])).toThrow(/must be field=value/);
  });
});
