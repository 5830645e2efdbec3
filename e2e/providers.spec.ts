/**
 * Real models from the editor: an admin adds a local OpenAI-compatible server (started by this
 * spec: a tiny node:http server answering /v1/models and /v1/chat/completions, key required) on
 * the Providers screen, tests the connection, picks it and one of its models in the inspector,
 * and runs the workflow: the node's output comes from that server. A wrong key is refused by the
 * test; a graph naming a provider no one configured shows the error on its node and the server
 * refuses to start it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { selectNode, watchErrors } from "./editor-helpers.js";
import { BASE_URL, createLoginUrl, DATABASE_URL, PORT } from "./env.js";

const SHOTS = "/work/shots/i10-providers";
const KEY = "sk-e2e-local-0123456789";
const MODELS = ["tiny-chat-1", "tiny-chat-2", "tiny-embed"];

/** What the local model server saw. */
const seen: Array<{ url: string; auth?: string; body?: { model?: string; messages?: Array<{ role: string; content: string }> } }> = [];
let llm: Server;
let llmUrl = "";

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  llm = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const body = raw ? (JSON.parse(raw) as (typeof seen)[number]["body"]) : undefined;
      seen.push({ url: req.url ?? "", auth: req.headers.authorization, body });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${KEY}`) return send(401, { error: { message: "Incorrect API key provided", type: "invalid_request_error" } });
      if (req.method === "GET" && req.url === "/v1/models") return send(200, { object: "list", data: MODELS.map((id) => ({ id, object: "model" })) });
      if (req.method === "POST" && req.url === "/v1/chat/completions") {
        const last = body?.messages?.at(-1)?.content ?? "";
        return send(200, {
          id: "chatcmpl-e2e",
          object: "chat.completion",
          model: body?.model,
          choices: [{ index: 0, message: { role: "assistant", content: `local ${body?.model} says: ${last}` }, finish_reason: "stop" }],
          usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
        });
      }
      send(404, { error: { message: `no route ${req.method} ${req.url}` } });
    });
  });
  await new Promise<void>((r) => llm.listen(0, "127.0.0.1", r));
  llmUrl = `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`;
});

test.afterAll(async () => {
  llm.closeAllConnections();
  await new Promise<void>((r) => llm.close(() => r()));
});

/** An admin API token from the CLI (the secret is the last line it prints). */
function adminToken(): string {
  const out = execFileSync(process.execPath, [path.join(process.cwd(), "bin", "flowtune.js"), "token", "create", "--role", "admin", "--name", `providers-e2e-${Date.now()}`], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL, FLOWTUNE_PORT: String(PORT) },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
  return out.trim().split("\n").at(-1)!;
}

/** input (q) → ask (AI, `provider`) → out; saved through the API as a script would. */
async function saveWorkflow(page: Page, token: string, id: string, provider: string, model: string): Promise<void> {
  const graph = {
    version: 1,
    id,
    name: id,
    nodes: [
      { id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: [{ name: "q", type: "string" }] } },
      { id: "ask", kind: "ai", position: { x: 280, y: 0 }, config: { provider, model, prompt: "{{ inputs.q }}" } },
      { id: "out", kind: "output", position: { x: 560, y: 0 }, config: { fields: { answer: "{{ nodes.ask.text }}" } } },
    ],
    edges: [
      { id: "in-ask", source: "in", target: "ask", kind: "pipeline" },
      { id: "ask-out", source: "ask", target: "out", kind: "pipeline" },
    ],
  };
  const res = await page.request.post(`${BASE_URL}/trpc/workflows.save`, { headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, data: { graph } });
  expect(res.ok(), await res.text()).toBe(true);
}

test("an admin adds a local provider, tests it, picks it in the inspector and runs through it", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  const token = adminToken();
  await saveWorkflow(page, token, "via_local", "sim", "sim-small");
  await saveWorkflow(page, token, "via_nowhere", "nowhere", "some-model");
  await signIn(page, createLoginUrl({ name: `providers-admin-${Date.now()}`, role: "admin" }));

  // The Providers screen: only the built-in sim so far.
  await page.getByTestId("nav-providers").click();
  await expect(page).toHaveURL(/#\/providers$/);
  await expect(page.getByTestId("provider-row-sim")).toContainText("built-in");
  await expect(page.getByTestId("providers-empty")).toBeVisible();

  // Add the local server. A loopback address needs allow-private, with its warning.
  await page.getByTestId("provider-add").click();
  await page.getByTestId("provider-id").fill("local");
  await page.getByTestId("provider-base-url").fill(llmUrl);
  await page.getByTestId("provider-api-key").fill(KEY);
  await page.getByTestId("provider-test").click();
  await expect(page.getByTestId("provider-test-result")).toHaveAttribute("data-kind", "blocked");
  await expect(page.getByTestId("provider-test-result")).toContainText(/loopback address.*allowPrivateNetwork/);
  await page.getByTestId("provider-allow-private").check();
  await expect(page.getByTestId("provider-private-warning")).toBeVisible();
  await page.getByTestId("provider-test").click();
  await expect(page.getByTestId("provider-test-result")).toHaveAttribute("data-ok", "true");
  await expect(page.getByTestId("provider-test-result")).toContainText("Connected · 3 models");
  await page.screenshot({ path: `${SHOTS}/provider-form-tested.png` });
  await page.getByTestId("provider-save").click();

  // Saved: listed, its models read from /v1/models, the key never shown.
  await expect(page.getByTestId("provider-row-local")).toContainText("stored");
  await expect(page.getByTestId("provider-detail")).toHaveAttribute("data-provider-id", "local");
  for (const m of MODELS) await expect(page.getByTestId("provider-models")).toContainText(m);
  await expect(page.getByTestId("providers-panel")).not.toContainText(KEY);
  await page.getByTestId("provider-detail-test").click();
  await expect(page.getByTestId("provider-test-result")).toHaveAttribute("data-ok", "true");
  await page.screenshot({ path: `${SHOTS}/providers-screen.png` });

  // A wrong key: the test says the key was refused (nothing saved).
  await page.getByTestId("provider-edit").click();
  await page.getByTestId("provider-key-replace").check();
  await page.getByTestId("provider-api-key").fill("sk-wrong-key-123456");
  await page.getByTestId("provider-test").click();
  await expect(page.getByTestId("provider-test-result")).toHaveAttribute("data-kind", "unauthorized");
  await expect(page.getByTestId("provider-test-result")).toContainText(/Key refused[\s\S]*refused the API key \(HTTP 401\)/);
  await page.screenshot({ path: `${SHOTS}/provider-wrong-key.png` });
  await page.getByTestId("provider-cancel").click();
  expect(seen.filter((s) => s.auth === "Bearer sk-wrong-key-123456")).toHaveLength(1);

  // The inspector: the provider is a select of what exists, the model a combobox of its models.
  await page.getByTestId("nav-workflows").click();
  await page.getByTestId("workflow-item-via_local").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("via_local");
  await selectNode(page, "ask");
  const providerSelect = page.getByTestId("inspector-provider");
  await expect(providerSelect.locator("option")).toHaveText([/^sim · built-in/, /^local · stored/]);
  await providerSelect.selectOption("local");
  await expect(page.getByTestId("inspector-model-status")).toContainText(/"sim-small" is not in local's list of 3/);
  await page.getByTestId("inspector-model-toggle").click();
  await expect(page.getByTestId("inspector-model-list").getByRole("option")).toHaveText(MODELS);
  await page.screenshot({ path: `${SHOTS}/inspector-model-picker.png` });
  await page.getByTestId("inspector-model-option-tiny-chat-2").click();
  await expect(page.getByTestId("inspector-model")).toHaveValue("tiny-chat-2");
  await expect(page.getByTestId("inspector-model-status")).toHaveText("3 models from local");
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  // Free text stays allowed: typing filters the list, and what is typed is kept.
  // (The pointer is moved off the list first: hovering an option makes it the active one.)
  await page.mouse.move(5, 5);
  await page.getByTestId("inspector-model").fill("tiny-c");
  await expect(page.getByTestId("inspector-model-list").getByRole("option")).toHaveText(["tiny-chat-1", "tiny-chat-2"]);
  await page.getByTestId("inspector-model").press("ArrowDown");
  await page.getByTestId("inspector-model").press("Enter");
  await expect(page.getByTestId("inspector-model")).toHaveValue("tiny-chat-1");
  await expect(page.getByTestId("node-ask")).toHaveAttribute("data-issues", "0");
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");

  // Run: the answer comes from the local server, with the model picked.
  await page.getByTestId("input-q").fill("hello from the editor");
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-outputs")).toContainText("local tiny-chat-1 says: hello from the editor");
  const call = seen.find((s) => s.url === "/v1/chat/completions");
  expect(call?.body?.model).toBe("tiny-chat-1");
  expect(call?.auth).toBe(`Bearer ${KEY}`);

  // A graph naming a provider no one configured: the error is on that node, and it cannot start.
  await page.getByTestId("workflow-item-via_nowhere").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("via_nowhere");
  await expect(page.getByTestId("node-ask")).not.toHaveAttribute("data-issues", "0");
  await selectNode(page, "ask");
  await expect(page.getByTestId("node-inspector")).toContainText('provider "nowhere" is not configured — add it under Providers');
  await expect(page.getByTestId("inspector-provider")).toHaveValue("nowhere");
  await page.screenshot({ path: `${SHOTS}/unknown-provider-node.png` });
  // It is saved as it is (a script saved it): Run asks the server, which refuses to start it, naming the node.
  await page.getByTestId("input-q").fill("x");
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-error")).toContainText(/node "ask" field config\.provider: provider "nowhere" is not configured — add it under Providers/);
  expect(seen.filter((s) => s.url === "/v1/chat/completions")).toHaveLength(1);
  const runs = await page.request.get(`${BASE_URL}/trpc/runs.list?input=${encodeURIComponent(JSON.stringify({ workflowId: "via_nowhere" }))}`, { headers: { authorization: `Bearer ${token}` } });
  expect(((await runs.json()) as { result: { data: { runs: unknown[] } } }).result.data.runs).toHaveLength(0);
  expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
});

test("a viewer sees the providers read-only", async ({ page }) => {
  await signIn(page, createLoginUrl({ name: `providers-viewer-${Date.now()}`, role: "viewer" }));
  await page.getByTestId("nav-providers").click();
  await expect(page.getByTestId("providers-readonly")).toContainText("admin role");
  await expect(page.getByTestId("provider-row-sim")).toBeVisible();
  await expect(page.getByTestId("provider-add")).toHaveCount(0);
  await expect(page.getByTestId("provider-detail-test")).toHaveCount(0);
});
