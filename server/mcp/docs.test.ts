// docs/mcp.md lists every MCP tool with its role and arguments, generated from the code: this keeps them equal.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MCP_TOOLS, mcpToolsMarkdown } from "./index.js";

describe("docs/mcp.md", () => {
  it("embeds the tool table the code generates", () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, "../../docs/mcp.md"), "utf8");
    const block = /<!-- mcp-tools:start -->\n([\s\S]*?)\n<!-- mcp-tools:end -->/.exec(doc);
    expect(block, "docs/mcp.md has the mcp-tools markers").not.toBeNull();
    expect(block![1]).toBe(mcpToolsMarkdown());
    for (const t of MCP_TOOLS) expect(block![1]).toContain(`| \`${t.name}\` |`);
  });
});
