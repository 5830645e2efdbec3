/**
 * fast-check arbitraries of hostile values shared by the property tests of the engine and the
 * server: control, bidi and lone-surrogate characters, template and expression syntax, huge
 * strings, nesting past the stack, prototype names as keys. Test code only (fast-check is a dev dependency).
 */
import fc from "fast-check";
import { Deep, Huge } from "./markers.js";

/** Pieces of text that break things: C0/C1 controls, bidi overrides, lone surrogates, BOM, quotes, template and expression syntax. */
export const NASTY_PIECES = [
  "\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\u202e", "\u2066", "\ud800", "\udc00", "\r", "\n", "\t", "\u2028", "\uFEFF",
  "a", "é", "😀", '"', "'", "\\", "{{", "}}", "{%", "%}", "|", ".", "==", "&&", "(", ")", "[", "]", " ",
];

/** Short text made of the nasty pieces. */
export const nastyString = fc.array(fc.constantFrom(...NASTY_PIECES), { maxLength: 12 }).map((parts) => parts.join(""));

/** Long text: just over common field bounds (200, 2,000, 50,000 characters) and far over (300,000). */
export const hugeString = fc
  .tuple(fc.constantFrom("a", "{{ inputs.question }}", "\u0000", " ", "é😀", "{% for i in (1..9) %}"), fc.constantFrom(201, 2_001, 50_001, 300_000))
  .map(([s, n]) => new Huge(s, n));

/** Deep nesting: modest, past JSON.stringify's stack (~5,000) and far past it. */
export const deepValue = fc.tuple(fc.constantFrom(40, 3_000, 50_000), fc.constantFrom("array" as const, "object" as const)).map(([d, s]) => new Deep(d, s));

/** Strings that are meaningful somewhere in a graph (kinds, providers, templates, conditions). */
export const meaningful = fc.constantFrom(
  "", " ", "sim", "sim-small", "sim-large", "input", "ai", "router", "aggregate", "pipeline", "conditional", "parallel", "broadcast",
  "{{ inputs.question }}", "{{ nodes.answer.text }}", "{% for i in (1..3000000) %}x{% endfor %}", "{% include 'package.json' %}",
  'input.channel == "email"', "input.a[.x in input.a]", "max", "exact_match", "__proto__", "constructor",
);

/** Any value a hostile JSON document may hold at some path. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, [], {}, [[]], { a: null }) },
  { weight: 2, arbitrary: meaningful },
  { weight: 2, arbitrary: nastyString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue },
);

/** Keys a document must not silently accept (or must keep exactly): unknown fields, prototype names, odd text. */
export const hostileKey = fc.oneof(
  fc.constantFrom("toolChoice", "memory", "__proto__", "constructor", "toString", "hasOwnProperty", "x-custom", "", " ", "a.b", "nodes", "config", "meta", "\u0000", "\u202e"),
  fc.string({ maxLength: 10 }),
);
