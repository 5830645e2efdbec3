// Writes docs/graph.schema.json from the engine's zod schema (`npm run schema:gen`).
import { writeFileSync } from "node:fs";
import { graphJsonSchema } from "../engine/schema/json-schema.js";

writeFileSync("docs/graph.schema.json", `${JSON.stringify(graphJsonSchema(), null, 2)}\n`);
console.log("wrote docs/graph.schema.json");
