/**
 * User text at the tRPC boundary: names, reasons and notes with control, bidi-override or
 * lone-surrogate characters are refused naming the field (and nothing is stored); an empty
 * dataset file is one line naming the file, not a zod issue dump; a BOM-prefixed JSONL imports.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectTRPCError, useTestApp } from "./test-app.js";

const app = useTestApp("routers-text", { latencyScale: 0 });
const QA_TEXT = readFileSync(path.join(import.meta.dirname, "../examples/qa.dataset.jsonl"), "utf8");
const HOSTILE = ["nul\u0000in", "rlo \u202Etxt.exe", "lone \ud800 half", "bell\u0007"];

/** The located fields of a refused call. */
const fieldsOf = (err: { cause?: unknown; shape?: unknown }) => ((err.cause as { issues?: Array<{ path: PropertyKey[] }> })?.issues ?? []).map((i) => i.path.join("."));

describe("text at the tRPC boundary", () => {
  it("an empty dataset file is refused in one line naming the file", async () => {
    for (const text of ["", "   \n\n"]) {
      const err = await expectTRPCError(app.caller.datasets.import({ name: "empty", fileName: "empty.jsonl", text }), "BAD_REQUEST");
      expect(err.message).not.toContain("\n");
      expect(err.message).toMatch(/empty\.jsonl/);
      expect(err.message).toMatch(/no rows/);
      expect(err.message).not.toMatch(/too_small|"code"/);
    }
    expect((await app.services.datasets.list()).filter((d) => d.name === "empty")).toEqual([]);
  });

  it("a JSONL file with a UTF-8 byte-order mark imports like the same file without one", async () => {
    const plain = await app.caller.datasets.import({ name: "qa_plain", fileName: "qa.jsonl", text: QA_TEXT });
    const bom = await app.caller.datasets.import({ name: "qa_bom", fileName: "qa.jsonl", text: `\uFEFF${QA_TEXT}` });
    expect(bom.rows).toBe(plain.rows);
    expect(bom.hash).toBe(plain.hash);
  });

  it("refuses unsafe characters in dataset names and file names, promote/rollback reasons and workflow notes", async () => {
    const qaGraph = (await app.caller.workflows.get({ id: "qa" })).graph;
    for (const bad of HOSTILE) {
      const cases: Array<[Promise<unknown>, string]> = [
        [app.caller.datasets.import({ name: bad, fileName: "qa.jsonl", text: QA_TEXT }), "name"],
        [app.caller.datasets.import({ name: "fine", fileName: bad, text: QA_TEXT }), "fileName"],
        [app.caller.parameters.promote({ workflowId: "qa", nodeId: "answer", version: 1, reason: bad }), "reason"],
        [app.caller.parameters.rollback({ workflowId: "qa", nodeId: "answer", reason: bad }), "reason"],
        [app.caller.workflows.save({ graph: qaGraph, note: bad }), "note"],
      ];
      for (const [call, field] of cases) {
        const err = await expectTRPCError(call, "BAD_REQUEST");
        expect(fieldsOf(err), `${field} ${JSON.stringify(bad)}`).toEqual([field]);
      }
    }
    expect((await app.services.datasets.list()).map((d) => d.name)).not.toContain("fine");
    expect(await app.services.parameters.audit("qa", { nodeId: "answer" })).toEqual(expect.not.arrayContaining([expect.objectContaining({ action: "promote" })]));
  });

  it("the service refuses the same text from any caller (the CLI goes through it), naming the field", async () => {
    for (const [reason, actor, field] of [
      ["fine", "bad\u0000actor", "actor"],
      ["bad\u202Ereason", "alice", "reason"],
      ["   ", "alice", "reason"],
    ]) {
      const err = await app.services.parameters.promote({ workflowId: "qa", nodeId: "answer", version: 1, reason, actor }).then(
        () => undefined,
        (e: unknown) => e as { code?: string; location?: { field?: string } },
      );
      expect(err?.code, `${field} ${JSON.stringify(reason)} ${JSON.stringify(actor)}`).toBe("INPUT_INVALID");
      expect(err?.location?.field).toBe(field);
    }
    // Clean text (line breaks are fine in a reason) is stored, trimmed.
    const v1 = (await app.services.parameters.listVersions("qa", "answer")).versions[0];
    const { version } = await app.services.parameters.createVersion({ workflowId: "qa", nodeId: "answer", params: { ...v1.params, temperature: 0.3 }, actor: "test" });
    await app.services.parameters.promote({ workflowId: "qa", nodeId: "answer", version: version.version, reason: "  warmer\nsee ticket 12  ", actor: " alice " });
    const [last] = await app.services.parameters.audit("qa", { nodeId: "answer", limit: 1 });
    expect(last).toMatchObject({ action: "promote", reason: "warmer\nsee ticket 12", actor: "alice", afterVersion: version.version });
  });
});
