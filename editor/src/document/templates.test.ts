// Every template is a valid graph for the engine's strict schema and validation (the e2e spec
// creates each one through the server and runs one).
import { describe, expect, it } from "vitest";
import { parseGraph, validateGraph } from "../../../engine/browser.js";
import { graphFromTemplate, TEMPLATES } from "./templates.js";

describe("new-workflow templates", () => {
  it("offers blank, single prompt, RAG-style, judge and router", () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual(["blank", "single-prompt", "rag", "judge", "router"]);
  });

  for (const t of TEMPLATES) {
    it(`${t.id}: valid for the strict schema, with the kinds it advertises`, () => {
      const g = graphFromTemplate(t.id, `wf-${t.id}`, `New ${t.label}`);
      // JSON round trip: what the editor saves.
      const json = JSON.parse(JSON.stringify(g));
      const v = validateGraph(json);
      expect(v.ok ? [] : v.issues).toEqual([]);
      expect(() => parseGraph(json)).not.toThrow();
      expect(g).toMatchObject({ id: `wf-${t.id}`, name: `New ${t.label}` });
      expect(g.nodes.map((n) => n.kind).sort()).toEqual([...t.kinds].sort());
      expect(g.nodes.every((n) => n.position)).toBe(true);

      // Every template reference names a node of the graph or an input field.
      const input = g.nodes.find((n) => n.kind === "input");
      const fields = new Set(input?.kind === "input" ? input.config.fields.map((f) => f.name) : []);
      const ids = new Set(g.nodes.map((n) => n.id));
      for (const [, ref] of JSON.stringify(g).matchAll(/\{\{ ?((?:inputs|nodes)\.[A-Za-z_]+)/g)) {
        const [scope, name] = ref.split(".");
        expect(scope === "inputs" ? fields.has(name) : ids.has(name), ref).toBe(true);
      }
    });
  }

  it("builds a fresh graph each time (editing one new workflow cannot change the next)", () => {
    const a = graphFromTemplate("single-prompt", "a", "A");
    const b = graphFromTemplate("single-prompt", "b", "B");
    expect(a.nodes[1]).not.toBe(b.nodes[1]);
    expect(a.nodes[1].config).not.toBe(b.nodes[1].config);
  });
});
