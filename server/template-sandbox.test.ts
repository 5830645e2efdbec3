/** workflows.create with a template that names a partial: a located BAD_REQUEST, never a 500, nothing stored. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AiNode, Graph } from "../engine/browser.js";
import { expectTRPCError, useTestApp } from "./test-app.js";

const app = useTestApp("sandbox");
const SECRET_LINE = JSON.parse(readFileSync("package.json", "utf8")).description as string;

function withPrompt(id: string, prompt: string): Graph {
  const g = JSON.parse(readFileSync(path.join(import.meta.dirname, "../examples/qa.flow.json"), "utf8")) as Graph;
  (g.nodes.find((n) => n.id === "answer") as AiNode).config.prompt = prompt;
  return { ...g, id, name: id };
}

describe("template sandbox through the API", () => {
  it("workflows.create refuses include/render/layout with BAD_REQUEST naming node and field", async () => {
    for (const [i, prompt] of ["{% include '/etc/passwd' %}", "{% include 'package.json' %}", "{% layout 'package.json' %}"].entries()) {
      const err = await expectTRPCError(app.caller.workflows.create({ graph: withPrompt(`wf_partial_${i}`, prompt) }), "BAD_REQUEST");
      expect(err.message).toMatch(/node "answer" field config\.prompt: \{% (include|layout) %\} is not supported/);
      expect(JSON.stringify(err)).not.toContain(SECRET_LINE);
      await expectTRPCError(app.caller.workflows.get({ id: `wf_partial_${i}` }), "NOT_FOUND");
    }
  });
});
