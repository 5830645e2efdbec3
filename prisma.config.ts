// Prisma CLI configuration (Prisma 7: the datasource URL lives here, not in schema.prisma).
// The app itself does not read this file: server/db.ts resolves the database path and applies
// the committed migrations on start-up. See docs/development.md.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    // Only the CLI's migrate/db commands use this; `prisma generate` needs no database.
    url: process.env.DATABASE_URL ?? "file:./.flowtune/flowtune.db",
  },
});
