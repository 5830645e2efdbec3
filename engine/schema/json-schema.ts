import { z } from "zod";
import { GRAPH_FORMAT_VERSION, GraphSchema } from "./graph.js";

/** The JSON Schema of graph files, generated from the zod schema (the single source of truth). */
export function graphJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(GraphSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    ...schema,
    $id: `https://flowtune.dev/schema/graph-v${GRAPH_FORMAT_VERSION}.json`,
    title: "Flowtune workflow graph",
    description: `Flowtune graph format, version ${GRAPH_FORMAT_VERSION}. Generated from engine/schema/graph.ts by \`npm run schema:gen\`; do not edit.`,
  };
}
