import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { TemplateError } from "../errors.js";
import { aiNode, graph } from "../executor/test-helpers.js";
import { validateGraph } from "../graph/validate.js";
import { DEFAULT_LIMITS } from "../limits.js";
import { closeTemplateWorkers, renderTemplate } from "./render.js";

afterAll(() => closeTemplateWorkers());

// Template soup: valid and broken fragments, loops, ranges, filters, file tags, captures.
const FRAGMENTS = [
  "x", "{{ inputs.q }}", "{{ inputs.q | upcase | append: inputs.q }}", "{{ nodes }}", "{{ inputs.list | sort | join: ',' }}",
  "{% for i in (1..100000) %}", "{% for i in (1..9) %}", "{% endfor %}", "{% tablerow i in (1..50000) %}", "{% endtablerow %}",
  "{% assign s = s | append: s %}", '{% assign s = "abcdefgh" %}', "{% capture s %}{{ s }}{{ s }}{% endcapture %}",
  "{% if inputs.q contains 'h' %}", "{% endif %}", "{% include 'package.json' %}", "{% render 'x' %}", "{% layout 'y' %}",
  "{{ (1..2000000) | join }}", '{{ inputs.q | split: "" | reverse | join: "" }}', "{% liquid\necho inputs.q\n%}", "{{", "{%", "}}",
  "{% raw %}{{ x }}{% endraw %}", "{{ inputs.q | json }}", "{% cycle 'a', 'b' %}", "{% increment n %}", "{{ 'now' | date: '%Y' }}",
];

describe("template fuzzing", () => {
  it("any template either renders within the output limit or fails with a TemplateError, in bounded time", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 12 }), async (parts) => {
        const source = parts.join("");
        const started = performance.now();
        try {
          const out = await renderTemplate(source, { inputs: { q: "hi", list: ["b", "a"] }, nodes: { a: { text: "t" } } });
          expect(out.length).toBeLessThanOrEqual(DEFAULT_LIMITS.templateOutputChars);
          expect(out).not.toContain("flowtune"); // nothing read from package.json
        } catch (err) {
          expect(err).toBeInstanceOf(TemplateError);
        }
        expect(performance.now() - started).toBeLessThan(10_000);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it("validation never throws on a template: it returns located issues", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 12 }), (parts) => {
        const r = validateGraph(graph([aiNode("a", "m", parts.join(""))], [["in", "a"]]));
        if (!r.ok) for (const issue of r.issues) expect(issue).toMatchObject({ nodeId: "a", field: "config.prompt" });
      }),
      { numRuns: 300 },
    );
  });
});
