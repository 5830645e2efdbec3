/**
 * Dataset files through the real HTTP API (datasets.import): random JSONL / CSV / JSON text with
 * BOMs, NULs, lone surrogates, invalid UTF-8 bytes, huge lines, ragged rows, repeated headers and
 * rows nested past the stack answer 2xx storing exactly the parsed rows, or 4xx naming the line,
 * row, file or field — never 5xx — and store no row on refusal.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDataset } from "../../engine/dataset/parse.js";
import { nastyString } from "../../engine/testing/arbitraries.js";
import { Deep, Huge, jsonText } from "../../engine/testing/markers.js";
import { rowCounts, startFuzzServer, trpcRaw, trpcRefusalProblem, type FuzzServer, type TrpcErrorShape } from "./helpers.js";

let server: FuzzServer;

beforeAll(async () => {
  server = await startFuzzServer("fuzz-datasets");
});

afterAll(async () => {
  await server?.app.close();
});

const PIECES = [
  '{"q":1}', '{"question":"What is 2 + 3?","expected":"5"}', '{"a":{"b":[1,null,"x"]}}', '{"__proto__":{"x":1}}', '"x"', "[1]", "null", "{", "}",
  "q,expected", "q,q", "a,b,c", ",", '"', '""', '"a,b"', '"line\nbreak"', "\uFEFF", "\u0000", "\r", "\n", "\r\n", " ", "\t", "é😀", "\ud800", "\u202e",
];

/** Dataset text: fragment soup, well-formed JSONL, CSV with random headers and ragged rows, one huge or one deep line. */
const datasetText = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PIECES), nastyString), { maxLength: 30 }).map((p) => p.join("")) },
  { weight: 2, arbitrary: fc.array(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), { maxLength: 8 }).map((rows) => rows.map((r) => JSON.stringify(r)).join("\n")) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.array(fc.constantFrom("q", "expected", "a", "", " q ", "é"), { minLength: 1, maxLength: 4 }),
        fc.array(fc.array(fc.oneof(nastyString, fc.constantFrom('"x,y"', '"a ""b"""', "1")), { maxLength: 5 }), { maxLength: 6 }),
        fc.constantFrom("\n", "\r\n"),
      )
      .map(([header, rows, eol]) => [header.join(","), ...rows.map((r) => r.join(","))].join(eol)),
  },
  // Kept as a marker (printed short in a counterexample); fileText() writes it as a second line.
  { weight: 2, arbitrary: fc.constantFrom<Huge | Deep>(new Huge("x", 1_100_000), new Deep(50_000, "array"), new Deep(70, "object")) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "\n\n", "\uFEFF", "q,expected\n", "[]", '[{"q":1}]') },
);

/** The file's text: as generated, or a huge / deep value as the second of two JSONL lines. */
function fileText(t: string | Huge | Deep): string {
  return typeof t === "string" ? t : `{"q":"a"}\n{"q":${jsonText(t)}}\n`;
}

// Mostly usable names (so that the file's content decides), and the hostile ones.
const fileName = fc.oneof({ weight: 3, arbitrary: fc.constantFrom("d.jsonl", "d.csv", "D.CSV", "d.json", "d") }, { weight: 1, arbitrary: fc.constantFrom("a\u0000.csv", `${"x".repeat(300)}.csv`, "../../etc/passwd.csv", " ", "") });
const datasetName = fc.oneof({ weight: 3, arbitrary: fc.constantFrom("fz_ds", "fz ds", " padded ", "a/b", "qa") }, { weight: 1, arbitrary: fc.constantFrom("", "\u202ertl", "n".repeat(201), "ds\u0000") });

/** The request body; with `badBytes`, invalid UTF-8 is spliced into the text (the server decodes it to U+FFFD). */
function body(name: string, fileName: string, text: string, badBytes: boolean): { bytes: Uint8Array<ArrayBuffer>; sentText: string } {
  const json = JSON.stringify({ name, fileName, text: badBytes ? `${text}\u0001BAD\u0001` : text });
  if (!badBytes) return { bytes: new Uint8Array(Buffer.from(json, "utf8")), sentText: text };
  const [before, after] = json.split("\\u0001BAD\\u0001");
  const bytes = new Uint8Array(Buffer.concat([Buffer.from(before, "utf8"), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(after, "utf8")]));
  return { bytes, sentText: `${text}\ufffd\ufffd\ufffd` };
}

describe("datasets.import with hostile files", () => {
  it("2xx storing exactly the parsed rows, or 4xx naming the line, row, file or field and storing nothing; never 5xx", async () => {
    let stored = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(datasetText, fileName, datasetName, fc.boolean(), async (file, fileName, name, badBytes) => {
        const { bytes, sentText } = body(name, fileName, fileText(file), badBytes);
        const before = await rowCounts(server, ["dataset", "datasetRow"]);
        const r = await fetch(`${server.app.url}/trpc/datasets.import`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${server.editor}` },
          body: bytes,
          signal: AbortSignal.timeout(15_000),
        }).then(async (res) => ({ status: res.status, body: JSON.parse(await res.text()) as unknown, ms: 0 }));
        const after = await rowCounts(server, ["dataset", "datasetRow"]);
        expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBeLessThan(500);
        if (r.status === 200) {
          stored++;
          const { rows, created } = (r.body as { result: { data: { rows: number; created: boolean } } }).result.data;
          expect(rows).toBe(parseDataset(fileName.trim(), sentText).length);
          expect(after).toEqual(created ? { dataset: before.dataset + 1, datasetRow: before.datasetRow + rows } : before);
          return;
        }
        refused++;
        expect(after, "rows stored by a refused import").toEqual(before);
        expect(trpcRefusalProblem(r)).toBeUndefined();
        const { message, data } = (r.body as { error: TrpcErrorShape }).error;
        const fields = (data.issues ?? []).map((i) => i.field);
        const located = /\b(line|row) \d+|CSV|dataset file|has no rows/.test(message) || (fields.length > 0 && fields.every((f) => f === "name" || f === "fileName" || f === "text"));
        expect(located, `not located: ${message.slice(0, 300)} ${JSON.stringify(data.issues).slice(0, 300)}`).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect(stored).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(20);
    expect(server.faults).toEqual([]);
  }, 180_000);
});

// Exact reproduction of what the property found (a 500 from storing the row before the fix).
describe("regressions found by fuzzing", () => {
  it("a JSONL row nested past the stack: 400 naming the line, no dataset or row stored", async () => {
    const before = await rowCounts(server, ["dataset", "datasetRow"]);
    const r = await trpcRaw(server, "datasets.import", "mutation", JSON.stringify({ name: "fz_deep", fileName: "d.jsonl", text: fileText(new Deep(50_000, "array")) }), server.editor);
    expect(r.status).toBe(400);
    expect((r.body as { error: TrpcErrorShape }).error.message).toBe("dataset line 2: nested deeper than 64 levels of arrays and objects");
    expect(await rowCounts(server, ["dataset", "datasetRow"])).toEqual(before);
  });
});
