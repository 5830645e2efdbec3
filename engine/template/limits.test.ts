import { readFileSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { TemplateError } from "../errors.js";
import { DEFAULT_LIMITS, LIMIT_ENV_VARS, configureLimits, limits, limitsFromEnv } from "../limits.js";
import { closeTemplateWorkers, renderTemplate } from "./render.js";
import { compileWith } from "./render-core.js";

const scope = { inputs: { q: "hi", list: ["a", "b"] }, nodes: {} };

afterEach(() => configureLimits({}));
afterAll(() => closeTemplateWorkers());

describe("resource limits table", () => {
  it("has documented defaults and one environment variable per limit", () => {
    expect(limits()).toEqual(DEFAULT_LIMITS);
    expect(LIMIT_ENV_VARS.templateRenderMs).toBe("FLOWTUNE_LIMIT_TEMPLATE_RENDER_MS");
    expect(limitsFromEnv({ FLOWTUNE_LIMIT_TEMPLATE_OUTPUT_CHARS: "5000", OTHER: "1" })).toEqual({ templateOutputChars: 5000 });
    expect(() => limitsFromEnv({ FLOWTUNE_LIMIT_JSON_DEPTH: "-3" })).toThrow(/FLOWTUNE_LIMIT_JSON_DEPTH must be a positive number/);
    expect(() => configureLimits({ templateRenderMs: 0 })).toThrow(/templateRenderMs must be a positive number/);
    expect(() => configureLimits({ nope: 1 } as never)).toThrow(/unknown limit "nope"/);
  });

  it("docs/security.md lists every limit with its default and variable", () => {
    const doc = readFileSync(path.join(import.meta.dirname, "../../docs/security.md"), "utf8");
    const table = doc.slice(doc.indexOf("## Resource limits"), doc.indexOf("Beyond the table"));
    for (const [key, value] of Object.entries(DEFAULT_LIMITS)) {
      const row = table.split("\n").find((line) => line.includes(`\`${key}\``));
      expect(row, key).toBeDefined();
      expect(row).toContain(LIMIT_ENV_VARS[key as keyof typeof DEFAULT_LIMITS]);
      expect(row!.replace(/,/g, "")).toContain(String(value));
    }
  });

  it("configureLimits replaces the previous overrides instead of adding to them", () => {
    configureLimits({ templateOutputChars: 10 });
    configureLimits({ templateRenderMs: 20 });
    expect(limits()).toEqual({ ...DEFAULT_LIMITS, templateRenderMs: 20 });
  });
});

describe("template limits apply as configured", () => {
  it("counts loop iterations across nested loops", async () => {
    configureLimits({ templateLoopIterations: 12 });
    await expect(renderTemplate("{% for i in (1..4) %}{% for j in (1..2) %}.{% endfor %}{% endfor %}", scope)).resolves.toBe("........");
    // 4 outer + 4×2 inner = 12 bodies rendered; one more outer iteration passes the limit.
    await expect(renderTemplate("{% for i in (1..5) %}{% for j in (1..2) %}.{% endfor %}{% endfor %}", scope)).rejects.toThrow(
      "template loops exceeded 12 iterations (templateLoopIterations)",
    );
    await expect(renderTemplate("{% tablerow i in (1..13) %}{% endtablerow %}", scope)).rejects.toThrow(/templateLoopIterations/);
  });

  it("applies the output limit to inline and worker renders alike", async () => {
    configureLimits({ templateOutputChars: 10 });
    await expect(renderTemplate("{{ inputs.q }}{{ inputs.q }}", scope)).resolves.toBe("hihi");
    await expect(renderTemplate("0123456789{{ inputs.q }}", scope)).rejects.toThrow("rendered template exceeds 10 characters (templateOutputChars)");
    await expect(renderTemplate("{% for i in (1..11) %}x{% endfor %}", scope)).rejects.toThrow(/exceeds 10 characters/);
  });

  it("applies the memory limit", async () => {
    configureLimits({ templateMemory: 1000 });
    await expect(renderTemplate("{% for i in (1..2000) %}{% endfor %}", scope)).rejects.toThrow("template memory limit exceeded: more than 1,000 characters or items allocated (templateMemory) (at line:1, col:1)");
  });

  it("a render that exhausts the worker's heap fails with a TemplateError and the worker is replaced", async () => {
    await closeTemplateWorkers();
    configureLimits({ templateWorkerHeapMb: 16, templateRenderMs: 5_000, templateMemory: 100_000_000 });
    const err = await renderTemplate("{% assign a = (1..20000000) %}{{ a.size }}", scope).catch((e: Error) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as Error).message).toBe("template render exceeded the renderer's 16 MB heap (templateWorkerHeapMb)");
    await expect(renderTemplate("{% for i in (1..3) %}{{ i }}{% endfor %}", scope)).resolves.toBe("123");
    await closeTemplateWorkers();
  });

  it("renders cheap templates inline and everything else in a worker", () => {
    const inline = (s: string) => compileWith(limits(), s).inline;
    expect(inline("Q: {{ inputs.q }} {{ nodes.a.text | strip | upcase }} {{ nodes.c.responses | map: 'text' | join: ',' }}")).toBe(true);
    expect(inline("{% if inputs.q %}x{% endif %}")).toBe(false);
    expect(inline("{{ inputs.list | sort }}")).toBe(false);
    expect(inline("{{ (1..5) | join }}")).toBe(false);
  });
});

describe("event loop", () => {
  it("stays responsive while hostile templates render", async () => {
    const h = monitorEventLoopDelay({ resolution: 10 });
    await renderTemplate("{% for i in (1..2) %}{% endfor %}", scope); // worker started before measuring
    h.enable();
    const hostile = [
      "{% for i in (1..3000000) %}x{% endfor %}",
      "{% assign a = (1..4000000) | sort %}{{ a.size }}",
      "{% for i in (1..3000) %}{% for j in (1..3000) %}x{% endfor %}{% endfor %}",
    ];
    for (const source of hostile) await expect(renderTemplate(source, scope)).rejects.toThrow(TemplateError);
    h.disable();
    // Measured about 10–15 ms; the bound leaves room for a busy CI machine.
    expect(h.max / 1e6).toBeLessThan(250);
  });
});
