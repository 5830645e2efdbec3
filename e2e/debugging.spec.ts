/**
 * Debugging a workflow in the editor (issue 10, point 5): a failed node shows its error on the
 * canvas and first in its details, the nodes after it show "skipped"; run inputs survive a
 * reload, are saved as a named preset and loaded back; a dataset row fills the form; an unsaved
 * prompt edit is what the run runs ("run what you see"), marked as a draft in the history.
 */
import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { selectNode, watchErrors } from "./editor-helpers.js";

const SHOTS = process.env.FLOWTUNE_SHOTS_DIR ?? "test-results/screens/debugging";
mkdirSync(SHOTS, { recursive: true });

/** Calls a tRPC mutation as the signed-in user (session cookie + CSRF header), failing the test on an error. */
async function mutate(page: Page, procedure: string, input: unknown): Promise<unknown> {
  const { csrfToken } = (await (await page.request.get("/api/auth/session")).json()) as { csrfToken: string };
  const res = await page.request.post(`/trpc/${procedure}`, { data: input, headers: { "x-flowtune-csrf": csrfToken } });
  expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: unknown } }).result.data;
}

/** in → answer (AI) → [check (AI on a model the provider does not have) →] out, laid out left to right. */
function graph(id: string, opts: { failing: boolean }) {
  const ai = (nodeId: string, x: number, model: string, prompt: string) => ({
    id: nodeId,
    kind: "ai",
    label: nodeId === "answer" ? "Answer" : "Check",
    position: { x, y: 80 },
    config: { provider: "sim", model, prompt, temperature: 0, maxTokens: 128 },
  });
  const nodes = [
    { id: "in", kind: "input", position: { x: 0, y: 80 }, config: { fields: [{ name: "question", type: "string" }, { name: "expected", type: "string", required: false, default: "" }] } },
    ai("answer", 280, "sim-small", "{{ inputs.question }}"),
    ...(opts.failing ? [ai("check", 560, "sim-no-such-model", "Check this answer: {{ nodes.answer.text }}")] : []),
    { id: "out", kind: "output", position: { x: opts.failing ? 840 : 560, y: 80 }, config: {} },
  ];
  const chain = nodes.map((n) => n.id);
  const edges = chain.slice(1).map((to, i) => ({ id: `e${i}`, source: chain[i], target: to, kind: "pipeline" }));
  return { version: 1, id, name: `Debug ${id}`, nodes, edges };
}

/** Opens the workflow by its URL (a reload: a hash change alone does not switch workflows). */
async function openWorkflow(page: Page, id: string): Promise<void> {
  await page.goto(`/#${id}`);
  await page.reload();
  await expect(page.getByTestId("workflow-title")).toHaveText(`Debug ${id}`);
  await expect(page.getByTestId("run-button")).toBeEnabled();
}

test("a failed node shows its error on the node and first in its details; the nodes after it are skipped", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page);
  await mutate(page, "workflows.create", { graph: graph("dbg_fail", { failing: true }) });
  await openWorkflow(page, "dbg_fail");

  await page.getByTestId("input-question").fill("What is 2 + 3?");
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "failed");
  await expect(page.getByTestId("node-answer")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("node-check")).toHaveAttribute("data-status", "failed");
  // Downstream of the failure: skipped, not "Idle".
  await expect(page.getByTestId("node-out")).toHaveAttribute("data-status", "skipped");
  // The error is on the failed node itself (the canvas shows the run state's error).
  await expect(page.getByTestId("node-check")).toContainText('unknown sim model "sim-no-such-model"');

  // Its details open on the error, above the configuration.
  await selectNode(page, "check");
  const details = page.getByTestId("node-run-details");
  await expect(details).toHaveAttribute("data-position", "first");
  const error = details.getByTestId("inspector-error");
  await expect(error).toContainText("sim-no-such-model");
  const errorBox = (await error.boundingBox())!;
  const promptBox = (await page.getByTestId("inspector-prompt").boundingBox())!;
  expect(errorBox.y).toBeLessThan(promptBox.y);
  await page.screenshot({ path: `${SHOTS}/failed-node.png` });

  // A succeeded node opens on its output; a skipped one says why.
  await selectNode(page, "answer");
  const outputBox = (await page.getByTestId("inspector-output").boundingBox())!;
  expect(outputBox.y).toBeLessThan((await page.getByTestId("inspector-prompt").boundingBox())!.y);
  await selectNode(page, "out");
  await expect(page.getByTestId("node-run-reason")).toHaveText('Skipped: upstream node "check" failed');
  await page.screenshot({ path: `${SHOTS}/skipped-node.png` });
  expect(errors).toEqual([]);
});

test("run inputs survive a reload, are saved as a preset and loaded back; a dataset row fills the form", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page);
  await mutate(page, "workflows.create", { graph: graph("dbg_inputs", { failing: false }) });
  await mutate(page, "datasets.import", {
    name: "dbg_rows",
    fileName: "dbg_rows.jsonl",
    text: ['{"question":"first row question","expected":"1","notes":"ignored"}', '{"question":"What is 12 + 30?","expected":"42"}'].join("\n"),
  });
  await openWorkflow(page, "dbg_inputs");

  const question = page.getByTestId("input-question");
  const expected = page.getByTestId("input-expected");
  await question.fill("What is 6 * 7?");
  await expected.fill("42");
  await page.reload();
  await expect(question).toHaveValue("What is 6 * 7?");
  await expect(expected).toHaveValue("42");

  // Save as a named preset (stored on the server), change the form, reload, load the preset.
  await page.getByTestId("preset-save-as").click();
  await page.getByTestId("preset-name").fill("six sevens");
  await page.getByTestId("preset-save").click();
  await expect(page.getByTestId("preset-message")).toHaveText('Saved preset "six sevens"');
  await question.fill("something else");
  await expected.fill("");
  await page.reload();
  await expect(question).toHaveValue("something else");
  await page.getByTestId("preset-select").selectOption("six sevens");
  await page.getByTestId("preset-load").click();
  await expect(question).toHaveValue("What is 6 * 7?");
  await expect(expected).toHaveValue("42");
  await expect(page.getByTestId("run-fill-note")).toHaveText('Loaded preset "six sevens": question, expected');

  // Load a dataset row: pick the dataset and row 2; the fields that match the inputs are filled.
  await page.getByTestId("dataset-row-tools").locator("summary").click();
  await page.getByTestId("dataset-row-select").selectOption({ label: "dbg_rows v1 (2 rows)" });
  await page.getByTestId("dataset-row-index").fill("2");
  await page.getByTestId("dataset-row-load").click();
  await expect(question).toHaveValue("What is 12 + 30?");
  await expect(expected).toHaveValue("42");
  await page.getByTestId("dataset-row-prev").click();
  await expect(question).toHaveValue("first row question");
  await expect(page.getByTestId("run-fill-note")).toHaveText("Filled from dbg_rows v1, row 1 of 2: question, expected (not inputs here: notes)");
  await page.screenshot({ path: `${SHOTS}/run-inputs.png` });

  // The row's inputs are what the run gets.
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await selectNode(page, "answer");
  await expect(page.getByTestId("node-run-inputs")).toContainText("first row question");
  expect(errors).toEqual([]);
});

test("run what you see: an unsaved prompt edit is what runs, marked as a draft", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page);
  await mutate(page, "workflows.create", { graph: graph("dbg_draft", { failing: false }) });
  await openWorkflow(page, "dbg_draft");
  await page.getByTestId("input-question").fill("What is 2 + 3?");

  // Edit the prompt and run at once (before the autosave): the run uses the edit.
  await selectNode(page, "answer");
  await page.getByTestId("inspector-prompt").fill("Describe the zebras of Kenya.");
  await expect(page.getByTestId("run-draft-note")).toHaveText("Runs your unsaved edits (a draft of v1).");
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-draft")).toContainText("unsaved edits of v1");
  const runId = (await page.getByTestId("run-summary").getAttribute("data-run-id"))!;
  await expect(page.getByTestId("inspector-output")).toContainText("zebras of Kenya");
  await expect(page.getByTestId(`run-history-draft-${runId}`)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/draft-run.png` });

  // Once saved (autosave), a run is a plain run of the new version.
  await expect(page.getByTestId("run-draft-note")).toHaveCount(0);
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-summary")).not.toHaveAttribute("data-run-id", runId);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-draft")).toHaveCount(0);
  await expect(page.getByTestId("inspector-output")).toContainText("zebras of Kenya");
  expect(errors).toEqual([]);
});
