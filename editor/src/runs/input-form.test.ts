import { describe, expect, it } from "vitest";
import type { Graph } from "../../../engine/browser.js";
import { coerce, FieldError, initialValue, initialValues, inputFieldsOf, isLongText, toFormValue, toInputs, valuesFromInputs, withRemembered, type InputField } from "./input-form.js";

const field = (f: Partial<InputField> & { name: string }): InputField => ({ type: "string", required: true, ...f }) as InputField;

describe("input form", () => {
  it("reads the input node's fields", () => {
    const graph = {
      version: 1,
      id: "g",
      name: "g",
      nodes: [
        { id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: [field({ name: "q" })] } },
        { id: "out", kind: "output", position: { x: 0, y: 0 }, config: {} },
      ],
      edges: [],
    } as unknown as Graph;
    expect(inputFieldsOf(graph).map((f) => f.name)).toEqual(["q"]);
    expect(inputFieldsOf({ ...graph, nodes: [] })).toEqual([]);
  });

  it("starts from the fields' defaults", () => {
    expect(initialValue(field({ name: "s", default: "hi" }))).toBe("hi");
    expect(initialValue(field({ name: "s" }))).toBe("");
    expect(initialValue(field({ name: "n", type: "number", default: 3 }))).toBe("3");
    expect(initialValue(field({ name: "b", type: "boolean", default: true }))).toBe(true);
    expect(initialValue(field({ name: "b", type: "boolean" }))).toBe(false);
    expect(initialValue(field({ name: "j", type: "json", default: { a: 1 } }))).toBe('{\n  "a": 1\n}');
    expect(initialValue(field({ name: "l", type: "list", default: ["x", "y"] }))).toBe("x\ny");
    expect(initialValue(field({ name: "l", type: "list", default: [1, 2] }))).toBe("[\n  1,\n  2\n]");
    expect(initialValues([field({ name: "a", default: "1" }), field({ name: "b", type: "boolean" })])).toEqual({ a: "1", b: false });
  });

  it("picks a textarea for long or prose fields", () => {
    expect(isLongText(field({ name: "question" }))).toBe(true);
    expect(isLongText(field({ name: "expected" }))).toBe(false);
    expect(isLongText(field({ name: "x", default: "a\nb" }))).toBe(true);
  });

  it("coerces values to the field types", () => {
    expect(coerce(field({ name: "s" }), "  hi ")).toBe("  hi ");
    expect(coerce(field({ name: "n", type: "number" }), " 4.5 ")).toBe(4.5);
    expect(coerce(field({ name: "n", type: "number" }), "-0")).toBe(-0);
    expect(coerce(field({ name: "b", type: "boolean" }), true)).toBe(true);
    expect(coerce(field({ name: "b", type: "boolean" }), false)).toBe(false);
    expect(coerce(field({ name: "j", type: "json" }), '{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(coerce(field({ name: "j", type: "json" }), "null")).toBeNull();
    expect(coerce(field({ name: "l", type: "list" }), " a \n\n b ")).toEqual(["a", "b"]);
    expect(coerce(field({ name: "l", type: "list" }), '[1, "x"]')).toEqual([1, "x"]);
  });

  it("leaves out empty optional fields and rejects empty required ones", () => {
    expect(coerce(field({ name: "s", required: false }), "")).toBeUndefined();
    expect(coerce(field({ name: "n", type: "number", required: false }), "  ")).toBeUndefined();
    expect(() => coerce(field({ name: "s" }), "")).toThrow("s is required");
    expect(() => coerce(field({ name: "n", type: "number" }), " ")).toThrow(FieldError);
  });

  it("rejects malformed numbers, JSON and lists with the field's name", () => {
    expect(() => coerce(field({ name: "n", type: "number" }), "12abc")).toThrow("n: enter a number");
    expect(() => coerce(field({ name: "n", type: "number" }), "Infinity")).toThrow("n: enter a number");
    expect(() => coerce(field({ name: "j", type: "json" }), "{a:1}")).toThrow("j: not valid JSON");
    expect(() => coerce(field({ name: "l", type: "list" }), "[1,")).toThrow("l: not a valid JSON list");
  });

  it("builds the run's inputs or the errors by field", () => {
    const fields = [
      field({ name: "q" }),
      field({ name: "n", type: "number", required: false }),
      field({ name: "flag", type: "boolean", required: false }),
    ];
    expect(toInputs(fields, { q: "2+2", n: "", flag: false })).toEqual({ ok: true, inputs: { q: "2+2", flag: false } });
    expect(toInputs(fields, { q: "", n: "x", flag: true })).toEqual({
      ok: false,
      errors: { q: "q is required", n: "n: enter a number" },
    });
  });
});

describe("filling the form from inputs (presets, dataset rows) and remembered values", () => {
  const fields = [
    field({ name: "q" }),
    field({ name: "n", type: "number", required: false, default: 2 }),
    field({ name: "flag", type: "boolean", required: false }),
    field({ name: "tags", type: "list", required: false }),
    field({ name: "cfg", type: "json", required: false }),
  ];

  it("turns every kind of value back into what coerce reads, round-tripping through toInputs", () => {
    const inputs = { q: "hello", n: 7.5, flag: true, tags: ["a", "b c"], cfg: { deep: [1, { x: null }] } };
    const { values, filled, ignored } = valuesFromInputs(fields, { ...inputs, extra: 1 });
    expect(filled).toEqual(["q", "n", "flag", "tags", "cfg"]);
    expect(ignored).toEqual(["extra"]);
    expect(values.tags).toBe("a\nb c");
    expect(toInputs(fields, values)).toEqual({ ok: true, inputs });
    // A list whose items would not survive one-per-line (blank, padded, multi-line) stays JSON.
    const awkward = ["x\ny", " padded", ""];
    expect(toInputs(fields, valuesFromInputs(fields, { q: "q", tags: awkward }).values)).toEqual({ ok: true, inputs: { q: "q", n: 2, flag: false, tags: awkward } });
    expect(toFormValue(field({ name: "s" }), 12)).toBe("12");
    expect(toFormValue(field({ name: "s" }), null)).toBe("");
  });

  it("leaves fields the inputs do not name at their defaults", () => {
    const { values, filled } = valuesFromInputs(fields, { q: "only q" });
    expect(filled).toEqual(["q"]);
    expect(values).toEqual({ ...initialValues(fields), q: "only q" });
  });

  it("takes remembered values only for fields that still exist and of the right kind", () => {
    expect(withRemembered(fields, null)).toEqual(initialValues(fields));
    const v = withRemembered(fields, { q: "typed", n: "9", flag: "yes", gone: "x", cfg: true });
    expect(v).toEqual({ ...initialValues(fields), q: "typed", n: "9" });
  });
});
