import { z } from "zod";
import { NodeIdSchema } from "../../engine/browser.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const admin = procedure("admin");

const ProviderId = NodeIdSchema;

export const providersRouter = router({
  /** Stored (API-managed) providers: id, base URL, whether a key is set — never the key. */
  list: viewer.query(({ ctx }) => ctx.services.providerConfigs.list()),

  /**
   * Creates or replaces a stored openai-compatible provider. `apiKey`: omitted keeps the stored
   * key, null removes it. The base URL must pass the SSRF check (BAD_REQUEST otherwise).
   * Providers serve every workflow: an admin limited to some workflows may not change them.
   */
  upsert: admin
    .input(
      z.object({
        id: ProviderId,
        baseUrl: z.string().trim().min(1).max(2000),
        apiKey: z.string().max(4000).nullish(),
        allowPrivateNetwork: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.access.unlimited("changing a provider");
      return ctx.services.providerConfigs.upsert(
        { id: input.id, baseUrl: input.baseUrl, apiKey: input.apiKey, allowPrivateNetwork: input.allowPrivateNetwork },
        ctx.principal.name,
      );
    }),

  /** Deletes a stored provider (unrestricted admins only, as upsert); NOT_FOUND when there is none. */
  delete: admin.input(z.object({ id: ProviderId })).mutation(async ({ ctx, input }) => {
    ctx.access.unlimited("deleting a provider");
    await ctx.services.providerConfigs.delete(input.id, ctx.principal.name);
    return { ok: true as const };
  }),
});
