// Entry of a template render worker. Worker threads do not inherit the tsx loader that the CLI
// registers in-process (bin/flowtune.js), so it is registered here before loading the TypeScript.
import { register } from "tsx/esm/api";

register();
await import("./render-worker.ts");
