import { TRPCError } from "@trpc/server";
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

  /**
   * Every provider id a graph may name (built-in, environment, stored) with whether runs can use
   * it; what the editor's validation and the inspector's provider picker read.
   */
  available: viewer.query(({ ctx }) => ctx.services.providerConfigs.available()),

  /**
   * The model ids of a provider: the simulator's own, or GET {baseUrl}/models of an HTTP one,
   * cached briefly on the server. NOT_FOUND for an unknown provider, BAD_GATEWAY (with the
   * reason) when it cannot be listed.
   */
  models: viewer
    .input(z.object({ id: ProviderId, refresh: z.boolean().optional() }))
    .query(({ ctx, input }) => ctx.services.providerConfigs.models(input.id, { refresh: input.refresh })),

  /**
   * Tries a provider (GET {baseUrl}/models, short timeout, same SSRF guard): the stored one
   * (`id` only) or the config typed in the form (`baseUrl` set; `apiKey` omitted keeps the
   * stored key of `id`, null for none). Answers ok with latency and models, or the failure kind
   * and message (unreachable, key refused, not OpenAI-compatible, blocked address…). Unrestricted
   * admins only, as upsert: it can send the stored key.
   */
  test: admin
    .input(
      z.object({
        id: ProviderId.optional(),
        baseUrl: z.string().trim().min(1).max(2000).optional(),
        apiKey: z.string().max(4000).nullish(),
        allowPrivateNetwork: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.access.unlimited("testing a provider");
      if (input.baseUrl === undefined && input.id === undefined) throw new TRPCError({ code: "BAD_REQUEST", message: "name a provider (id) or give its baseUrl" });
      return ctx.services.providerConfigs.test(input);
    }),

  /** Deletes a stored provider (unrestricted admins only, as upsert); NOT_FOUND when there is none. */
  delete: admin.input(z.object({ id: ProviderId })).mutation(async ({ ctx, input }) => {
    ctx.access.unlimited("deleting a provider");
    await ctx.services.providerConfigs.delete(input.id, ctx.principal.name);
    return { ok: true as const };
  }),
});
