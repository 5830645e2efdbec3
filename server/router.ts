import { createCallerFactory, router } from "./trpc.js";
import { authRouter } from "./routers/auth.js";
import { datasetsRouter } from "./routers/datasets.js";
import { memoryRouter } from "./routers/memory.js";
import { optimizationsRouter } from "./routers/optimizations.js";
import { parametersRouter } from "./routers/parameters.js";
import { presetsRouter } from "./routers/presets.js";
import { providersRouter } from "./routers/providers.js";
import { runsRouter } from "./routers/runs.js";
import { workflowsRouter } from "./routers/workflows.js";

export const appRouter = router({
  auth: authRouter,
  workflows: workflowsRouter,
  runs: runsRouter,
  optimizations: optimizationsRouter,
  datasets: datasetsRouter,
  parameters: parametersRouter,
  presets: presetsRouter,
  memory: memoryRouter,
  providers: providersRouter,
});

/** The API's type: the editor imports it (type only) for its tRPC client. */
export type AppRouter = typeof appRouter;

/** In-process caller (tests, scripts): `createCaller({ services })`. */
export const createCaller = createCallerFactory(appRouter);
