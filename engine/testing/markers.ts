/**
 * JSON test documents with markers for values too large to print or too deep to stringify: Deep
 * (nesting past the stack), Huge (long strings), Many (long lists). A counterexample prints the
 * marker; `materialize` builds the value, `jsonText` writes it as JSON text at full size.
 */
import fc from "fast-check";

/** A JSON document as a test builds it (plain objects, arrays, primitives and markers). */
export type Doc = Record<string, unknown>;

/**
 * A value nested `depth` levels deep, kept as a marker so that a test can send it as text
 * (jsonText) deeper than JSON.stringify can go; `materialize` builds the real value.
 */
export class Deep {
  constructor(
    readonly depth: number,
    readonly shape: "array" | "object",
  ) {}

  /** The nested value, built iteratively. */
  build(): unknown {
    let v: unknown = 1;
    for (let i = 0; i < this.depth; i++) v = this.shape === "array" ? [v] : { a: v };
    return v;
  }

  /** Its JSON text, built without recursion. */
  text(): string {
    const [open, close] = this.shape === "array" ? ["[", "]"] : ['{"a":', "}"];
    return `${open.repeat(this.depth)}1${close.repeat(this.depth)}`;
  }

  // Counterexamples print the recipe, not the value.
  [fc.toStringMethod](): string {
    return `Deep(${this.depth}, ${this.shape})`;
  }
}

/** A long string, kept as a marker so that a failing counterexample prints `Huge("a", 300000)`, not the text. */
export class Huge {
  constructor(
    readonly unit: string,
    readonly length: number,
  ) {}

  private built?: string;

  /** The string (built once: strings are immutable). */
  build(): string {
    return (this.built ??= this.unit.repeat(Math.ceil(this.length / this.unit.length)).slice(0, this.length));
  }

  [fc.toStringMethod](): string {
    return `Huge(${JSON.stringify(this.unit)}, ${this.length})`;
  }
}

/** A long list of numbers 0…n-1, kept as a marker (printed `Many(n)`) and built once; code under test must not mutate it. */
export class Many {
  private built?: number[];

  constructor(readonly length: number) {}

  build(): number[] {
    return (this.built ??= Array.from({ length: this.length }, (_, i) => i));
  }

  [fc.toStringMethod](): string {
    return `Many(${this.length})`;
  }
}

/** A plain object of a test document (not an array, not a marker). */
export const isPlain = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Deep) && !(v instanceof Huge) && !(v instanceof Many);

/** Sets an own data property, as JSON.parse does (`o[k] = v` would set the prototype for "__proto__"). */
export function put(o: Doc, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of a test document (Deep markers are shared: they are immutable). */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

/** The document with every marker (Deep, Huge, Many) replaced by its value. */
export function materialize(v: unknown): unknown {
  if (v instanceof Deep || v instanceof Huge || v instanceof Many) return v.build();
  if (Array.isArray(v)) return v.map(materialize);
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x)]));
  return v;
}

/** JSON text of a test document, every marker written out in full (Deep ones deeper than JSON.stringify can go). */
export function jsonText(v: unknown): string {
  const deeps: Deep[] = [];
  const text = JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Huge || x instanceof Many) return x.build();
    if (!(x instanceof Deep)) return x;
    deeps.push(x);
    return `\u0000deep${deeps.length - 1}\u0000`;
  });
  // The placeholder is a JSON string, so its quotes (and escaped NULs) are replaced with it.
  return text.replace(/"\\u0000deep(\d+)\\u0000"/g, (_m, i: string) => deeps[Number(i)].text());
}

/**
 * The first path where `input` holds a value `output` does not keep exactly (extra keys in `output`,
 * such as defaults, are fine), or undefined. `ignore` lists top-level keys not compared.
 */
export function droppedPath(input: unknown, output: unknown, ignore: readonly string[] = [], at = "$"): string | undefined {
  if (input === null || typeof input !== "object") return Object.is(input, output) || (input === 0 && output === 0) ? undefined : at;
  if (output === null || typeof output !== "object" || Array.isArray(input) !== Array.isArray(output)) return at;
  for (const key of Object.keys(input)) {
    if (at === "$" && ignore.includes(key)) continue;
    if (!Object.prototype.hasOwnProperty.call(output, key)) return `${at}.${key}`;
    const inner = droppedPath((input as Doc)[key], (output as Doc)[key], [], `${at}.${key}`);
    if (inner) return inner;
  }
  return undefined;
}
