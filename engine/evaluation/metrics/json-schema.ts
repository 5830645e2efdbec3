import { MetricCheckError } from "../check-error.js";
import { checkJsonSchema, validateJsonSchema } from "../json-schema-subset.js";
import { JsonLimitError, parseJsonBounded } from "../../util/json-bounded.js";
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
      // Too large to check is not invalid JSON: the check fails, naming the limit.
      if (err instanceof JsonLimitError) throw new MetricCheckError(`the answer could not be checked as JSON: ${err.message}`);
      return { score: 0, feedback: `the answer is not valid JSON: ${(err as Error).message}` };
    }
    let problems;
    try {
      // Inline: one validation's matches share regexWorkUnits (the regex metric alone moves bigger matches to a worker).
      problems = validateJsonSchema(value, schema);
    } catch (err) {
      if (err instanceof RegexWorkError) throw new MetricCheckError(`the JSON could not be checked against the schema's patterns: ${err.message}`);
      throw err;
    }
    if (!problems.length) return { score: 1, feedback: "valid JSON matching the schema", value: 0 };
    const listed = problems.slice(0, SHOWN).map((p) => `${p.path}: ${p.message}`);
    const more = problems.length > SHOWN ? ` (and ${problems.length - SHOWN} more)` : "";
    return { score: 0, feedback: `the JSON does not match the schema: ${listed.join("; ")}${more}`, value: problems.length };
  },
};
