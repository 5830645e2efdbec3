import { EXIT } from "../errors.js";
import { loadGraphFile } from "../load.js";

/** `flowtune validate FILE`: exit 0 when valid, 1 with every issue named otherwise. */
export function validateCommand(file: string, flags: { json?: boolean }): number {
  const graph = loadGraphFile(file);
  const summary = { valid: true, id: graph.id, nodes: graph.nodes.length, edges: graph.edges.length };
  process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `✓ ${file} is valid: workflow "${graph.id}", ${summary.nodes} nodes, ${summary.edges} edges\n`);
  return EXIT.ok;
}
