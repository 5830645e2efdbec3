/**
 * Input presets through the router on a real app (SQLite in a temp directory): save/replace/list/
 * delete, roles and workflow grants, validation (name, size, nesting), the per-workflow cap, and
 * that a workflow's presets are deleted with it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../engine/browser.js";
import { configureLimits, limits } from "../../engine/limits.js";
import type { Principal } from "../auth/principal.js";
import { createCaller } from "../router.js";
import { expectTRPCError, useTestApp } from "../test-app.js";
import { createContext } from "../trpc.js";
import { MAX_PRESETS_PER_WORKFLOW } from "./presets.js";

const app = useTestApp("presets");

function callerAs(role: Principal["role"], workflows: string[] | null = null) {
  return createCaller(createContext(app.services, { id: `tok_${role}`, name: `${role}-user`, role, workflows, via: "token" }));
}

function qaAs(id: string): Graph {
  const g = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../examples/qa.flow.json"), "utf8")) as Graph;
  return { ...g, id, name: `Copy ${id}` };
}

describe("presets", () => {
  it("saves, replaces by name, lists by name, deletes", async () => {
    const editor = callerAs("editor");
    const a = await editor.presets.save({ workflowId: "qa", name: "  easy  ", inputs: { question: "2+2?", expected: "4" } });
    expect(a).toMatchObject({ workflowId: "qa", name: "easy", inputs: { question: "2+2?", expected: "4" }, createdBy: "editor-user" });
    expect(a.id).toMatch(/^pre_/);
    await editor.presets.save({ workflowId: "qa", name: "Another", inputs: { question: "x" } });
    const replaced = await editor.presets.save({ workflowId: "qa", name: "easy", inputs: { question: "3+3?" } });
    expect(replaced.id).toBe(a.id);
    const list = await callerAs("viewer").presets.list({ workflowId: "qa" });
    expect(list.map((p) => p.name)).toEqual(["Another", "easy"]);
    expect(list[1].inputs).toEqual({ question: "3+3?" });
    await editor.presets.delete({ workflowId: "qa", name: "easy" });
    await expectTRPCError(editor.presets.delete({ workflowId: "qa", name: "easy" }), "NOT_FOUND");
    expect((await editor.presets.list({ workflowId: "qa" })).map((p) => p.name)).toEqual(["Another"]);
  });

  it("viewers list but cannot change; a token limited to another workflow reaches nothing", async () => {
    await expectTRPCError(callerAs("viewer").presets.save({ workflowId: "qa", name: "v", inputs: {} }), "FORBIDDEN");
    await expectTRPCError(callerAs("viewer").presets.delete({ workflowId: "qa", name: "Another" }), "FORBIDDEN");
    const limited = callerAs("editor", ["triage"]);
    await expectTRPCError(limited.presets.list({ workflowId: "qa" }), "FORBIDDEN");
    await expectTRPCError(limited.presets.save({ workflowId: "qa", name: "x", inputs: {} }), "FORBIDDEN");
    await expectTRPCError(limited.presets.delete({ workflowId: "qa", name: "Another" }), "FORBIDDEN");
    expect(await limited.presets.list({ workflowId: "triage" })).toEqual([]);
  });

  it("refuses bad names, oversized or too deep inputs, unknown workflows — naming the field", async () => {
    const editor = callerAs("editor");
    await expectTRPCError(editor.presets.save({ workflowId: "qa", name: "   ", inputs: {} }), "BAD_REQUEST");
    await expectTRPCError(editor.presets.save({ workflowId: "qa", name: "bad\u202Ename", inputs: {} }), "BAD_REQUEST");
    await expectTRPCError(editor.presets.save({ workflowId: "qa", name: "x".repeat(101), inputs: {} }), "BAD_REQUEST");
    const before = limits().runInputChars;
    configureLimits({ runInputChars: 200 });
    try {
      const err = await expectTRPCError(editor.presets.save({ workflowId: "qa", name: "big", inputs: { question: "q".repeat(300) } }), "BAD_REQUEST");
      expect(err.message).toContain('input "question"');
      expect(err.message).toContain("runInputChars");
    } finally {
      configureLimits({ runInputChars: before });
    }
    let deep: unknown = 1;
    for (let i = 0; i < 80; i++) deep = [deep];
    const tooDeep = await expectTRPCError(editor.presets.save({ workflowId: "qa", name: "deep", inputs: { question: deep } }), "BAD_REQUEST");
    expect(tooDeep.message).toContain('input "question" is nested deeper');
    await expectTRPCError(editor.presets.save({ workflowId: "no_such_wf", name: "x", inputs: {} }), "NOT_FOUND");
    expect((await editor.presets.list({ workflowId: "qa" })).map((p) => p.name)).not.toContain("big");
  });

  it("keeps at most MAX_PRESETS_PER_WORKFLOW per workflow; concurrent saves of one new name make one preset", async () => {
    const editor = callerAs("editor");
    await app.caller.workflows.create({ graph: qaAs("preset_cap") });
    await Promise.all(Array.from({ length: 5 }, (_, i) => editor.presets.save({ workflowId: "preset_cap", name: "same", inputs: { question: `q${i}` } })));
    expect(await editor.presets.list({ workflowId: "preset_cap" })).toHaveLength(1);
    for (let i = 1; i < MAX_PRESETS_PER_WORKFLOW; i++) await editor.presets.save({ workflowId: "preset_cap", name: `p${i}`, inputs: {} });
    const err = await expectTRPCError(editor.presets.save({ workflowId: "preset_cap", name: "one-more", inputs: {} }), "BAD_REQUEST");
    expect(err.message).toContain(`at most ${MAX_PRESETS_PER_WORKFLOW}`);
    // Replacing one by name is still allowed at the cap.
    await editor.presets.save({ workflowId: "preset_cap", name: "p1", inputs: { question: "again" } });
  });

  it("deletes a workflow's presets with it (a re-created workflow starts with none)", async () => {
    await app.caller.workflows.create({ graph: qaAs("preset_del") });
    await app.caller.presets.save({ workflowId: "preset_del", name: "keep?", inputs: { question: "q" } });
    await app.caller.workflows.delete({ id: "preset_del" });
    expect(await app.services.db.prisma.inputPreset.count({ where: { workflowId: "preset_del" } })).toBe(0);
    await app.caller.workflows.create({ graph: qaAs("preset_del") });
    expect(await app.caller.presets.list({ workflowId: "preset_del" })).toEqual([]);
  });
});
