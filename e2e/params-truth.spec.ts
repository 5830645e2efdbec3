/**
 * One truth for tuned parameters: a promoted version of the qa example's AI node shows on the
 * canvas and in the inspector as "production vN" with its values (not the graph's); editing the
 * prompt creates a draft; "Run with draft" runs the draft (the run's graph snapshot and its
 * parameter versions say so) while a normal run keeps production; promoting the draft moves the
 * canvas marker. The tuned version is set up through the parameter store on the e2e database, as
 * an optimizer would leave it.
 */
import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { openDatabase } from "../server/db.js";
import { createParameterStore } from "../server/store/parameters.js";
import { signIn } from "./auth-helpers.js";
import { firstQaExample, selectNode, watchErrors } from "./editor-helpers.js";
import { createLoginUrl, DATABASE_URL } from "./env.js";

const SHOTS = "/work/shots/i10-truth";
test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** Creates a tuned version of qa/answer and promotes it; returns its number and prompt. */
async function promoteTunedVersion(stamp: string): Promise<{ version: number; prompt: string }> {
  const db = await openDatabase({ url: DATABASE_URL });
  try {
    const store = createParameterStore(db.prisma);
    const { production, versions } = await store.listVersions("qa", "answer", "e2e");
    const base = versions.find((v) => v.version === production)!.params;
    const prompt = `Tuned ${stamp}: solve it, then give the number.\n{{ inputs.question }}`;
    const { version } = await store.createVersion({ workflowId: "qa", nodeId: "answer", params: { ...base, prompt, temperature: 0.3 }, actor: "optimizer" });
    await store.promote({ workflowId: "qa", nodeId: "answer", version: version.version, reason: "e2e: tuned", actor: "e2e" });
    return { version: version.version, prompt };
  } finally {
    await db.close();
  }
}

/** The graph snapshot a run executed, from the run history. */
async function runGraphPrompt(runId: string): Promise<string> {
  const db = await openDatabase({ url: DATABASE_URL });
  try {
    const run = await db.prisma.run.findUnique({ where: { id: runId }, select: { graph: true } });
    const graph = JSON.parse(run!.graph) as { nodes: Array<{ id: string; config: { prompt?: string } }> };
    return graph.nodes.find((n) => n.id === "answer")!.config.prompt ?? "";
  } finally {
    await db.close();
  }
}

/** Waits for the run shown to finish and returns its id. */
async function finishedRun(page: Page, previous?: string): Promise<string> {
  const summary = page.getByTestId("run-summary");
  if (previous) await expect(summary).not.toHaveAttribute("data-run-id", previous, { timeout: 30_000 });
  await expect(page.getByTestId("run-button")).toBeEnabled({ timeout: 60_000 });
  return (await summary.getAttribute("data-run-id"))!;
}

test("a promoted node shows production, an edit becomes a draft, runs use what they say", async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  const stamp = String(Date.now());
  const tuned = await promoteTunedVersion(stamp);

  await signIn(page, createLoginUrl({ name: `truth-${stamp}`, role: "editor" }));
  await page.getByTestId("workflow-item-qa").click();
  const node = page.getByTestId("node-answer");
  await expect(node).toBeVisible();

  // The canvas shows what runs: the tuned prompt, marked production vN.
  await expect(page.getByTestId("node-answer-managed")).toContainText(`production v${tuned.version}`);
  await expect(node.locator(".snippet")).toContainText(`Tuned ${stamp}`);

  // The inspector shows production's values and the marker, not the graph's own prompt.
  await selectNode(page, "answer");
  const prompt = page.getByTestId("inspector-prompt");
  await expect(page.getByTestId("managed-marker")).toHaveText(`production v${tuned.version}`);
  await expect(prompt).toHaveValue(tuned.prompt);
  await expect(page.getByTestId("inspector-temperature")).toHaveValue("0.3");
  await page.screenshot({ path: `${SHOTS}/managed-inspector.png` });

  // A normal run uses production.
  const { question } = firstQaExample();
  await page.getByTestId("input-question").fill(question);
  await page.getByTestId("run-button").click();
  const prodRun = await finishedRun(page);
  await expect(page.getByTestId("run-params")).toContainText(`answer v${tuned.version} (production)`);
  expect(await runGraphPrompt(prodRun)).toBe(tuned.prompt);

  // Editing the prompt: first "will become a draft", then (after the autosave) "draft vM".
  const draftPrompt = `Draft ${stamp}: think step by step.\n{{ inputs.question }}`;
  await prompt.fill(draftPrompt);
  await expect(page.getByTestId("managed-unsaved")).toContainText("prompt");
  const draftNote = page.getByTestId("managed-draft");
  await expect(draftNote).toContainText(`Draft v${tuned.version + 1}`, { timeout: 20_000 });
  const draft = Number(await page.getByTestId("managed-banner").getAttribute("data-draft"));
  expect(draft).toBe(tuned.version + 1);
  await expect(prompt).toHaveValue(draftPrompt);
  // The canvas still shows what runs (production), with the pending draft marked.
  await expect(node.locator(".snippet")).toContainText(`Tuned ${stamp}`);
  await expect(page.getByTestId("node-answer-draft")).toHaveText(`draft v${draft}`);
  await page.getByTestId("managed-banner").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/draft-created.png` });

  // Run with the draft: that run's answer node used the draft prompt.
  await page.getByTestId("run-draft").click();
  await expect(page.getByTestId("draft-run-started")).toBeVisible();
  const draftRun = await finishedRun(page, prodRun);
  await expect(page.getByTestId("run-params")).toContainText(`answer v${draft} (chosen for this run)`);
  expect(await runGraphPrompt(draftRun)).toBe(draftPrompt);

  // A normal run after that still uses production.
  await page.getByTestId("run-button").click();
  const againRun = await finishedRun(page, draftRun);
  await expect(page.getByTestId("run-params")).toContainText(`answer v${tuned.version} (production)`);
  expect(await runGraphPrompt(againRun)).toBe(tuned.prompt);

  // Promote the draft from the inspector (with a reason): the canvas marker moves to vM.
  await selectNode(page, "answer");
  await page.getByTestId("promote-draft").click();
  await page.getByTestId("move-reason").fill("e2e: the draft reads better");
  await page.getByTestId("move-confirm").click();
  await expect(page.getByTestId("node-answer-managed")).toContainText(`production v${draft}`);
  await expect(page.getByTestId("node-answer-draft")).toHaveCount(0);
  await expect(page.getByTestId("managed-marker")).toHaveText(`production v${draft}`);
  await expect(page.getByTestId("managed-draft")).toHaveCount(0);
  await expect(node.locator(".snippet")).toContainText(`Draft ${stamp}`);
  await page.screenshot({ path: `${SHOTS}/promoted.png` });

  // After a reload the same truth is shown.
  await page.reload();
  await expect(page.getByTestId("node-answer-managed")).toContainText(`production v${draft}`);
  expect(errors).toEqual([]);
});
