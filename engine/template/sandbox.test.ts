import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { TemplateError, formatIssue } from "../errors.js";
import { aiNode, graph, scriptedProvider } from "../executor/test-helpers.js";
import { runGraph } from "../executor/run.js";
import { validateGraph } from "../graph/validate.js";
import { DEFAULT_LIMITS } from "../limits.js";
import { closeTemplateWorkers, renderTemplate } from "./render.js";
import { createSandbox } from "./sandbox.js";
import { compileTemplate } from "./template.js";

// A line of package.json that must never reach any output.
const SECRET_LINE = JSON.parse(readFileSync("package.json", "utf8")).description as string;
const scope = { inputs: {}, nodes: {} };

afterAll(() => closeTemplateWorkers());

describe("template sandbox: no file system", () => {
  for (const tag of ["include", "render", "layout"]) {
    it(`refuses {% ${tag} %} of an existing file at parse time, naming the tag`, async () => {
      const source = `before {% ${tag} 'package.json' %} after`;
      expect(() => compileTemplate(source)).toThrow(TemplateError);
      expect(() => compileTemplate(source)).toThrow(new RegExp(`\\{% ${tag} %\\} is not supported`));
      const err = await renderTemplate(source, scope).catch((e: Error) => e);
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as Error).message).not.toContain(SECRET_LINE);
    });
  }

  it("has no file system even for the engine's own file API", () => {
    const { liquid } = createSandbox(DEFAULT_LIMITS);
    expect(() => liquid.renderFileSync("package.json")).toThrow();
    expect(() => liquid.renderFileSync("package.json")).not.toThrow(new RegExp(SECRET_LINE));
  });

  it("reports a partial as a located validation issue (workflows.create answers 400, not 500)", () => {
    for (const source of ["{% include '/etc/passwd' %}", "{{ inputs.q }} {% render 'package.json' %}", "{% layout 'x' %}{% block a %}{% endblock %}"]) {
      const r = validateGraph(graph([aiNode("a", "m", source)], [["in", "a"]]));
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.issues).toEqual([{ nodeId: "a", field: "config.prompt", message: expect.stringMatching(/is not supported: templates cannot include partials or files/) }]);
      expect(r.issues.map(formatIssue).join()).not.toContain(SECRET_LINE);
    }
  });

  it("keeps strict filters: an unknown filter is a syntax error", () => {
    expect(() => compileTemplate("{{ inputs.q | shell }}")).toThrow(/template syntax error: undefined filter: shell/);
  });

  it("does not let `| raw` skip the output accounting", async () => {
    const doubling = "{% capture s %}xxxxxxxxxx{% endcapture %}{% for i in (1..30) %}{% capture s %}{{ s | raw }}{{ s | raw }}{% endcapture %}{% endfor %}{{ s.size }}";
    await expect(renderTemplate(doubling, scope)).rejects.toThrow(/template memory limit exceeded/);
  });
});

describe("template limits: hostile templates fail the node in bounded time", () => {
  const hostile: Array<[string, string, RegExp]> = [
    ["3M-iteration loop", "{% for i in (1..3000000) %}x{% endfor %}", /template (render exceeded [0-9,]+ ms|loops exceeded 100,000 iterations)/],
    ["30M-iteration loop", "{% for i in (1..30000000) %}x{% endfor %}", /template memory limit exceeded/],
    ["nested loops", "{% for i in (1..3000) %}{% for j in (1..3000) %}x{% endfor %}{% endfor %}", /template (render exceeded|loops exceeded)/],
    ["doubling with assign/append", '{% assign s = "xxxxxxxxxx" %}{% for i in (1..27) %}{% assign s = s | append: s %}{% endfor %}{{ s }}', /template memory limit exceeded/],
    ["doubling with capture", "{% capture s %}xx{% endcapture %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s }}", /template memory limit exceeded/],
    ["a huge range", "{% for i in (1..1000000000000) %}x{% endfor %}", /template memory limit exceeded/],
    ["split of a long text", '{% assign s = "ab" %}{% for i in (1..22) %}{% assign s = s | append: s %}{% endfor %}{% assign a = s | split: "" | sort %}{{ a.size }}', /template (memory limit exceeded|render exceeded)/],
    ["one slow filter call (sort of 4M items)", "{% assign a = (1..4000000) | sort %}{{ a.size }}", /template (render exceeded [0-9,]+ ms|memory limit exceeded)/],
  ];
  for (const [name, source, message] of hostile) {
    it(`${name}: a TemplateError, never a success`, async () => {
      const started = performance.now();
      const err = await renderTemplate(source, scope).catch((e: Error) => e);
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as Error).message).toMatch(message);
      // Generous: worker start-up plus the deadline, on a busy machine.
      expect(performance.now() - started).toBeLessThan(15_000);
    });
  }

  it("a render worker killed at its deadline is replaced: the next render works", async () => {
    await expect(renderTemplate("{% assign a = (1..4000000) | sort %}{{ a.size }}", scope)).rejects.toThrow(TemplateError);
    await expect(renderTemplate("{% for i in (1..3) %}{{ i }}{% endfor %}", scope)).resolves.toBe("123");
  });

  it("refuses output over templateOutputChars, even when the memory limit allows it", async () => {
    const big = "x".repeat(600_000);
    await expect(renderTemplate("{{ inputs.a }}{{ inputs.a }}", { inputs: { a: big }, nodes: {} })).rejects.toThrow(
      "rendered template exceeds 1,000,000 characters (templateOutputChars)",
    );
    await expect(renderTemplate("{{ inputs.a }}", { inputs: { a: big }, nodes: {} })).resolves.toHaveLength(600_000);
  });

  it("refuses a template source over templateSourceChars", () => {
    expect(() => compileTemplate("x".repeat(DEFAULT_LIMITS.templateSourceChars + 1))).toThrow(/over the limit of 50,000 \(templateSourceChars\)/);
  });

  it("ends a run with the hostile template as a failed node with TEMPLATE_ERROR", async () => {
    const { registry, calls } = scriptedProvider();
    const doc = graph([aiNode("a", "echo", "{% for i in (1..3000000) %}x{% endfor %}"), { id: "out", kind: "output" }], [["in", "a"], ["a", "out"]]);
    const r = await runGraph({ graph: doc, inputs: { q: "hi" }, providers: registry });
    expect(r.status).toBe("failed");
    expect(r.error).toMatchObject({ code: "TEMPLATE_ERROR", nodeId: "a" });
    expect(calls).toHaveLength(0);
  });
});
