/**
 * The `agent` example in the editor: its tools listed and edited in the AI node's inspector (a
 * duplicate name flagged on the field), a run with a word problem whose node details list the tool
 * calls — the calculator's exact result, and the http tool's call to a loopback address refused
 * (the server does not set FLOWTUNE_TOOLS_ALLOW_PRIVATE_NETWORK) with the reason shown — and the
 * Memory section turned on and off. Screenshots go to /work/shots/i11-ui/.
 */
import { mkdirSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { selectNode } from "./editor-helpers.js";

const SHOTS = "/work/shots/i11-ui";
// A multi-step problem of examples/agent.dataset.jsonl: the sim gets it exactly only through a tool.
const ROW = { question: "Mia has 8 marbles. She sells 4, buys 2 bags of 5 and then buys 3 boxes of 2. How many marbles does Mia have now?", expected: "20" };

test("the agent example: tools in the inspector, a run's tool calls (calculator result, http refusal), memory on and off", async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signIn(page);
  await page.getByTestId("workflow-item-agent").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Agent with tools (calculator + math service)");
  await selectNode(page, "solve");

  // 1. The example's tools, as shipped.
  const tools = page.getByTestId("inspector-tools");
  await expect(tools.getByTestId("inspector-tool-0")).toHaveAttribute("data-tool", "calculator");
  await expect(tools.getByTestId("inspector-tool-0")).toHaveAttribute("data-kind", "expression");
  await expect(tools.getByTestId("inspector-tool-1")).toHaveAttribute("data-tool", "math_service");
  await expect(tools.getByTestId("inspector-tool-1")).toHaveAttribute("data-kind", "http");
  await expect(tools.getByTestId("inspector-tool-0-summary")).toContainText("Calculator.");
  await expect(tools.getByTestId("inspector-tool-1-summary")).toContainText("The team's math service.");
  await expect(page.getByTestId("inspector-max-tool-calls")).toHaveValue("4");
  await expect(page.getByTestId("inspector-tool-instructions")).toHaveValue("Some tools are available.");
  await tools.getByTestId("inspector-tool-1-summary").click();
  await expect(page.getByTestId("inspector-tool-1-url")).toHaveValue("http://127.0.0.1:8787/calc?expression={{expression}}");
  await expect(page.getByTestId("inspector-tool-1-method")).toHaveValue("GET");
  await expect(page.getByTestId("inspector-tool-1-param-0-name")).toHaveValue("expression");
  await expect(page.getByTestId("inspector-tool-1-param-0-required")).toBeChecked();

  // 2. A duplicate name shows on the field it names (and the canvas node counts it); fixing it clears it.
  await page.getByTestId("inspector-tool-1-name").fill("calculator");
  await expect(tools.getByTestId("inspector-tool-1")).toContainText('duplicate tool name "calculator" (also tools[0])');
  await page.getByTestId("inspector-tool-1-name").scrollIntoViewIfNeeded();
  await page.getByTestId("inspector-tool-1-name").locator("xpath=../..").screenshot({ path: `${SHOTS}/tool-issue.png` });
  await expect(page.getByTestId("node-solve")).toHaveAttribute("data-issues", "1");
  await expect(page.getByTestId("inspector-node-issues")).toHaveCount(0);
  await page.getByTestId("inspector-tool-1-name").fill("math_service");
  await expect(page.getByTestId("node-solve")).toHaveAttribute("data-issues", "0");

  // 3. Descriptions and instructions that tell the model what the tools are for (what the optimizer tunes).
  await tools.getByTestId("inspector-tool-0-summary").click();
  await page.getByTestId("inspector-tool-0-description").fill("Evaluates an arithmetic expression exactly.");
  await page.getByTestId("inspector-tool-1-description").fill("The team's math service: evaluates arithmetic expressions exactly.");
  await page.getByTestId("inspector-tool-instructions").fill("Use the calculator tool for arithmetic.");
  // Screenshots: the list (cards closed), then the http tool's editor (a taller window fits the whole section).
  await tools.getByTestId("inspector-tool-0-summary").click();
  await tools.getByTestId("inspector-tool-1-summary").click();
  await expect(page.getByTestId("inspector-tool-1-url")).toBeHidden();
  await expect(tools.getByTestId("inspector-tool-0-summary")).toContainText("Evaluates an arithmetic expression exactly.");
  await tools.scrollIntoViewIfNeeded();
  await tools.screenshot({ path: `${SHOTS}/tools-list.png` });
  await tools.getByTestId("inspector-tool-1-summary").click();
  await page.setViewportSize({ width: 1440, height: 1500 });
  await tools.scrollIntoViewIfNeeded();
  await tools.screenshot({ path: `${SHOTS}/tools-section.png` });
  await page.setViewportSize({ width: 1440, height: 900 });

  // 4. Run it (the unsaved edits run as a draft): the calculator answers, the math service is refused.
  await page.getByTestId("input-question").fill(ROW.question);
  await page.getByTestId("input-expected").fill(ROW.expected);
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-outputs")).toContainText('"answer": "20"');
  const details = page.getByTestId("node-run-details");
  await expect(details).toHaveAttribute("data-node-id", "solve");
  const calls = details.getByTestId("node-run-tools");
  await expect(calls.locator("summary")).toHaveText("2 tool calls · 1 failed");
  const calc = calls.locator('[data-testid=tool-call][data-tool="calculator"]');
  await expect(calc).toHaveAttribute("data-status", "ok");
  await expect(calc).toContainText('"expression":"(((8 - 4) + (2 * 5)) + (3 * 2))"');
  await expect(calc.getByTestId("tool-call-result")).toHaveText("→ 20");
  const http = calls.locator('[data-testid=tool-call][data-tool="math_service"]');
  await expect(http).toHaveAttribute("data-status", "error");
  await expect(http).toContainText('"expression":"(((8 - 4) + (2 * 5)) + (3 * 2))"');
  await expect(http.getByTestId("tool-call-result")).toContainText("Error: refused to call http://127.0.0.1:8787/calc: address 127.0.0.1 is a loopback address");
  await calls.scrollIntoViewIfNeeded();
  await calls.screenshot({ path: `${SHOTS}/tool-calls.png` });
  await page.screenshot({ path: `${SHOTS}/agent-run.png` });

  // 5. Memory: summary kind with its fields, then off again.
  const memory = page.getByTestId("inspector-memory");
  await page.getByTestId("inspector-memory-kind").selectOption("summary");
  await expect(page.getByTestId("inspector-memory-thread")).toHaveValue("{{ inputs.thread }}");
  await expect(memory).toContainText('the input node has no field "thread"');
  await page.getByTestId("inspector-memory-thread-field").selectOption("question");
  await expect(page.getByTestId("inspector-memory-thread")).toHaveValue("{{ inputs.question }}");
  await page.getByTestId("inspector-memory-max-turns").fill("6");
  await page.getByTestId("inspector-memory-max-tokens").fill("300");
  await expect(page.getByTestId("inspector-memory-summary-provider")).toHaveValue("sim");
  await expect(page.getByTestId("node-solve")).toHaveAttribute("data-issues", "0");
  await memory.scrollIntoViewIfNeeded();
  await memory.screenshot({ path: `${SHOTS}/memory-section.png` });
  await page.getByTestId("inspector-memory-kind").selectOption("off");
  await expect(page.getByTestId("inspector-memory-thread")).toHaveCount(0);

  expect(errors).toEqual([]);
});
