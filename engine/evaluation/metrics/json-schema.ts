import { checkJsonSchema, validateJsonSchema } from "../json-schema-subset.js";
import { parseJsonBounded } from "../../util/json-bounded.js";
import { RegexWorkError } from "../../util/safe-regex.js";
import type { Metric } from "../types.js";

const SHOWN = 5;

/** 1 when the actual text is JSON that satisfies the configured JSON Schema (subset); feedback lists the violations. */
export const jsonSchema: Metric = {
  id: "json_schema",
  description: "1 when the answer is JSON satisfying `schema` (a JSON Schema subset), else 0; feedback lists each violation.",
  requires: ["actual", "schema"],
  score({ actual, schema = {} }) {
    const broken = checkJsonSchema(schema);
    // A broken schema is a configuration error, not a bad answer.
    if (broken.length) throw new Error(`invalid schema: ${broken.map((p) => `${p.path || "(root)"}: ${p.message}`).join("; ")}`);
    let value: unknown;
    try {
      value = parseJsonBounded(actual.trim());
    } catch (err) {
      return { score: 0, feedback: `the answer is not valid JSON: ${(err as Error).message}` };
    }
    let problems;
    try {
      problems = validateJsonSchema(value, schema);
    } catch (err) {
      // Like an answer over jsonChars: it cannot be checked within the limits, so it does not pass.
      if (err instanceof RegexWorkError) return { score: 0, feedback: `the JSON could not be checked against the schema's patterns: ${err.message}` };
      throw err;
    }
    if (!problems.length) return { score: 1, feedback: "valid JSON matching the schema", value: 0 };
    const listed = problems.slice(0, SHOWN).map((p) => `${p.path}: ${p.message}`);
    const more = problems.length > SHOWN ? ` (and ${problems.length - SHOWN} more)` : "";
    return { score: 0, feedback: `the JSON does not match the schema: ${listed.join("; ")}${more}`, value: problems.length };
  },
};
