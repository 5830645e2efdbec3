import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The engine is pure: the server injects persistence and providers into it.
const engineBoundary = {
  patterns: [
    { group: ["**/server/**", "**/editor/**", "**/cli/**"], message: "engine/ must not import from server/, editor/ or cli/." },
    { group: ["react", "react-dom", "react/*", "@xyflow/*", "@trpc/*", "@prisma/*", "@tanstack/*", "better-sqlite3"], message: "engine/ must not depend on React, tRPC, Prisma or SQLite." },
  ],
};

// The editor may use engine types/schemas (browser subset) and the server's AppRouter type only.
const editorBoundary = {
  patterns: [
    { group: ["**/engine/index*", "**/engine/executor/**", "**/engine/providers/**"], message: "editor/ imports engine/browser.ts only." },
    { group: ["**/server/**", "!**/server/router", "!**/server/router.js"], message: "editor/ may import only the AppRouter type from server/router." },
    { group: ["@prisma/*", "better-sqlite3"], message: "editor/ runs in the browser." },
  ],
};

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "generated/", "test-results/", "playwright-report/", "tmp/", "docs/*.json"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.name='eval']", message: "no eval: user input must never reach dynamic code." },
        { selector: "NewExpression[callee.name='Function']", message: "no new Function: user input must never reach dynamic code." },
      ],
      "no-restricted-imports": ["error", { paths: [{ name: "vm", message: "no vm" }, { name: "node:vm", message: "no vm" }] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      // TypeScript (and node for .mjs scripts) already catches undefined names.
      "no-undef": "off",
    },
  },
  { files: ["engine/**/*.ts"], rules: { "no-restricted-imports": ["error", engineBoundary] } },
  { files: ["editor/**/*.{ts,tsx}"], rules: { "no-restricted-imports": ["error", editorBoundary] } },
  { files: ["**/*.test.ts", "**/*.test.tsx", "e2e/**", "bench/**"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
