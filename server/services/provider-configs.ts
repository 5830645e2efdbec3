/**
 * API-managed providers: admins store openai-compatible endpoints (base URL + API key) in the
 * database. Keys are encrypted at rest, registered with the redactor, and never returned; base
 * URLs pass the SSRF guard when saved and again before every request, and each provider's
 * connections go through a pinned dispatcher that vets the addresses at connect time (DNS rebinding).
 */
import {
  FlowtuneError,
  ModelListError,
  ProviderError,
  checkProviderUrl,
  createOpenAICompatibleProvider,
  listOpenAICompatibleModels,
  type HostLookup,
  type ModelList,
  type ModelListFailure,
  type OpenAICompatibleOptions,
  type Provider,
  type ProviderRegistry,
} from "../../engine/index.js";
import { NodeIdSchema } from "../../engine/browser.js";
import { guardedTransport, type GuardedTransport } from "../../engine/providers/pinned-dispatcher.js";
import { ModelListCache, type CachedModelList, type ModelCacheOptions } from "./provider-models.js";
import { SecretDecryptError, type SecretCipher } from "../secrets/cipher.js";
import type { SecretRedactor } from "../secrets/redact.js";
import type { ProviderConfigRecord, ProviderConfigStore } from "../store/provider-configs.js";

/** What the API shows of a stored provider: never the key, nor its ciphertext. */
export interface ProviderConfigView {
  id: string;
  kind: string;
  baseUrl: string;
  hasApiKey: boolean;
  allowPrivateNetwork: boolean;
  updatedAt: Date;
  updatedBy: string;
}

export interface UpsertProviderInput {
  id: string;
  baseUrl: string;
  /** The new key; undefined keeps the stored one, null removes it. */
  apiKey?: string | null;
  allowPrivateNetwork: boolean;
}

/** Where a provider id a graph may name comes from. */
export type ProviderOrigin = "builtin" | "environment" | "stored";

/** A provider id a graph may name, and whether runs can use it (`problem` says why not). */
export interface ProviderAvailability {
  id: string;
  origin: ProviderOrigin;
  /** "sim" for the simulator, else "openai-compatible". */
  type: "sim" | "openai-compatible";
  usable: boolean;
  problem?: string;
}

/**
 * What to test: a provider as stored (only `id`), or a config as typed in the form (`baseUrl`
 * set). For a typed config, `apiKey` undefined uses the stored key of `id` ("keep"), null or ""
 * none, a string that key.
 */
export interface TestProviderInput {
  id?: string;
  baseUrl?: string;
  apiKey?: string | null;
  allowPrivateNetwork?: boolean;
}

/** The answer of a connection test: never thrown, so the screen can show a failure as a result. */
export type ProviderTestResult =
  | { ok: true; latencyMs: number; modelCount: number; models: string[]; truncated: boolean }
  | { ok: false; kind: ModelListFailure; message: string; status?: number };

/** Most model ids a test result carries (the count is exact). */
const TEST_MODELS_SHOWN = 200;

/** Where security events go (the AuthService's SecurityLog). Details never hold a secret. */
export interface SecurityEventSink {
  record(action: string, actor: string, target?: string, details?: Record<string, unknown>): Promise<void>;
}

export interface ProviderConfigServiceDeps {
  store: ProviderConfigStore;
  cipher: SecretCipher;
  redactor: SecretRedactor;
  /** Built-in and environment providers; their ids cannot be reused by stored ones. */
  fixed: ProviderRegistry;
  log: SecurityEventSink;
  /** Host resolver for the URL guard (tests); default: the OS resolver. */
  lookup?: HostLookup;
  /** Extra options for the providers built (timeouts, retries, fetch in tests). */
  providerOptions?: Partial<Omit<OpenAICompatibleOptions, "id" | "baseUrl" | "apiKey" | "urlGuard" | "dispatcher">>;
  onWarning?: (message: string) => void;
  /** Model-list cache timings (tests). */
  modelCache?: ModelCacheOptions;
}

/** Associated data binding a ciphertext to its row, so it cannot be moved to another provider. */
const aad = (id: string) => `provider:${id}`;

const toView = (r: ProviderConfigRecord): ProviderConfigView => ({
  id: r.id,
  kind: r.kind,
  baseUrl: r.baseUrl,
  hasApiKey: r.apiKeyEncrypted !== null,
  allowPrivateNetwork: r.allowPrivateNetwork,
  updatedAt: r.updatedAt,
  updatedBy: r.updatedBy,
});

/** Loads, validates, stores and serves API-managed providers; `registry` combines them with the fixed ones. */
export class ProviderConfigService {
  /** Fixed providers first, then the stored ones; what runs and optimizations use. */
  readonly registry: ProviderRegistry;
  private readonly live = new Map<string, Provider>();
  /** Each stored provider's connection pool (pinned dispatcher), closed when it is replaced or deleted. */
  private readonly transports = new Map<string, GuardedTransport>();
  /** Why a stored provider cannot be used (its key cannot be decrypted), by id. */
  private readonly problems = new Map<string, string>();
  private readonly modelCache: ModelListCache;
  // Mutations run one at a time, so validate → write → swap is never interleaved.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ProviderConfigServiceDeps) {
    const { fixed } = deps;
    this.modelCache = new ModelListCache(deps.modelCache);
    this.registry = {
      get: (id) => fixed.get(id) ?? this.live.get(id),
      ids: () => [...fixed.ids(), ...[...this.live.keys()].filter((id) => !fixed.get(id))],
    };
  }

  /**
   * Loads the stored configs and makes them callable. A key that cannot be decrypted (the
   * secret key changed) leaves that provider failing each call with a clear error; an id now
   * taken by a fixed provider is skipped with a warning.
   */
  async start(): Promise<void> {
    const warn = this.deps.onWarning ?? ((m: string) => console.warn(`flowtune: ${m}`));
    for (const record of await this.deps.store.list()) {
      if (this.deps.fixed.get(record.id)) {
        warn(`stored provider "${record.id}" is ignored: a built-in or environment provider has that id`);
        continue;
      }
      try {
        this.live.set(record.id, this.build(record, this.decryptKey(record)));
      } catch (err) {
        if (!(err instanceof SecretDecryptError)) throw err;
        warn(`stored provider "${record.id}": ${err.message}`);
        const problem = `its stored API key cannot be decrypted (${err.message}); an admin must save the key again`;
        this.problems.set(record.id, problem);
        this.live.set(record.id, brokenProvider(record.id, problem));
      }
    }
  }

  /** Every stored provider, without secrets. */
  async list(): Promise<ProviderConfigView[]> {
    return (await this.deps.store.list()).map(toView);
  }

  /**
   * Creates or replaces a stored provider. The base URL is checked (SSRF) before anything is
   * written; the key is encrypted, registered with the redactor, and the live provider swapped.
   * CONFLICT when the id belongs to a fixed provider; INPUT_INVALID for a refused URL.
   */
  upsert(input: UpsertProviderInput, actor: string): Promise<ProviderConfigView> {
    return this.serialize(async () => {
      const id = validId(input.id);
      if (this.deps.fixed.get(id)) throw new FlowtuneError("CONFLICT", `provider id "${id}" is taken by a built-in or environment provider; choose another id`, { field: "id" });
      await checkProviderUrl(input.baseUrl, { allowPrivateNetwork: input.allowPrivateNetwork, lookup: this.deps.lookup });

      let apiKey: string | undefined;
      let apiKeyEncrypted: string | null | undefined;
      if (typeof input.apiKey === "string" && input.apiKey !== "") {
        apiKey = input.apiKey;
        apiKeyEncrypted = this.deps.cipher.encrypt(apiKey, aad(id));
      } else if (input.apiKey === null || input.apiKey === "") {
        apiKeyEncrypted = null;
      } else {
        const existing = await this.deps.store.get(id);
        try {
          apiKey = existing ? this.decryptKey(existing) : undefined;
        } catch (err) {
          if (!(err instanceof SecretDecryptError)) throw err;
          throw new FlowtuneError("INPUT_INVALID", `the stored API key of "${id}" cannot be decrypted (the secret key changed?); send the apiKey again`, { field: "apiKey" });
        }
      }

      const { record, created } = await this.deps.store.upsert({ id, kind: "openai-compatible", baseUrl: input.baseUrl, apiKeyEncrypted, allowPrivateNetwork: input.allowPrivateNetwork, actor });
      this.live.set(id, this.build(record, apiKey));
      this.problems.delete(id);
      this.modelCache.invalidate(id);
      const keyChange = apiKeyEncrypted === undefined ? (record.apiKeyEncrypted ? "unchanged" : "none") : apiKeyEncrypted === null ? "removed" : "set";
      await this.deps.log.record(created ? "provider.create" : "provider.update", actor, id, {
        baseUrl: record.baseUrl,
        allowPrivateNetwork: record.allowPrivateNetwork,
        apiKey: keyChange,
      });
      return toView(record);
    });
  }

  /** Deletes a stored provider; NOT_FOUND when there is none (fixed providers cannot be deleted). */
  delete(id: string, actor: string): Promise<void> {
    return this.serialize(async () => {
      if (!(await this.deps.store.delete(id))) {
        const why = this.deps.fixed.get(id) ? "is built in or configured in the environment" : "does not exist";
        throw new FlowtuneError("NOT_FOUND", `stored provider "${id}" ${why}`, { field: "id" });
      }
      this.live.delete(id);
      this.problems.delete(id);
      this.modelCache.invalidate(id);
      this.retireTransport(id);
      await this.deps.log.record("provider.delete", actor, id);
    });
  }

  /**
   * Every provider id a graph may name: the built-in sim, the environment's, then the stored
   * ones, each with whether runs can use it (a stored id shadowed by a fixed one, or whose key
   * cannot be decrypted, cannot).
   */
  async available(): Promise<ProviderAvailability[]> {
    const { fixed } = this.deps;
    const out: ProviderAvailability[] = fixed.ids().map((id) => ({
      id,
      origin: id === "sim" ? "builtin" : "environment",
      type: id === "sim" ? "sim" : "openai-compatible",
      usable: true,
    }));
    for (const record of await this.deps.store.list()) {
      if (fixed.get(record.id)) continue; // the fixed provider is the one runs use, listed above
      const problem = this.live.has(record.id) ? this.problems.get(record.id) : "it was saved by another server process; restart this one to load it";
      out.push({ id: record.id, origin: "stored", type: "openai-compatible", usable: !problem, ...(problem ? { problem } : {}) });
    }
    return out;
  }

  /**
   * The models provider `id` offers, cached briefly (see ModelListCache); `refresh` asks again
   * unless the last ask was moments ago. NOT_FOUND for an unknown id; a ModelListError (a
   * PROVIDER_ERROR) when the provider cannot be asked or answers badly.
   */
  async models(id: string, opts: { refresh?: boolean } = {}): Promise<CachedModelList & { listable: boolean }> {
    const provider = this.registry.get(id);
    if (!provider) throw new FlowtuneError("NOT_FOUND", `provider "${id}" is not configured (known: ${this.registry.ids().join(", ") || "none"})`, { field: "id" });
    const problem = this.deps.fixed.get(id) ? undefined : this.problems.get(id);
    if (problem) throw new ModelListError("unauthorized", `${id}: ${problem}`);
    if (!provider.listModels) return { models: [], latencyMs: 0, fetchedAt: new Date(), cached: false, listable: false };
    const list = provider.listModels.bind(provider);
    return { ...(await this.modelCache.get(id, () => list(), opts)), listable: true };
  }

  /**
   * Tries a provider: GET {baseUrl}/models through the same SSRF guard and pinned dispatcher as
   * its calls, with a short timeout. With only `id`, the provider as configured; with `baseUrl`,
   * the config as typed (not saved). Failures come back as a result, never thrown, except an
   * unknown `id` without a base URL (NOT_FOUND) and a stored key that cannot be decrypted.
   */
  async test(input: TestProviderInput): Promise<ProviderTestResult> {
    let listed: Promise<ModelList>;
    let transport: GuardedTransport | undefined;
    if (input.baseUrl === undefined) {
      const id = validId(input.id ?? "");
      const provider = this.registry.get(id);
      if (!provider) throw new FlowtuneError("NOT_FOUND", `provider "${id}" is not configured`, { field: "id" });
      const problem = this.deps.fixed.get(id) ? undefined : this.problems.get(id);
      if (problem) return { ok: false, kind: "unauthorized", message: `${id}: ${problem}` };
      if (!provider.listModels) return { ok: false, kind: "not_compatible", message: `${id}: this provider cannot list its models` };
      listed = provider.listModels();
    } else {
      const id = input.id === undefined || input.id === "" ? undefined : validId(input.id);
      const allowPrivateNetwork = input.allowPrivateNetwork ?? false;
      let apiKey: string | undefined;
      if (typeof input.apiKey === "string" && input.apiKey !== "") apiKey = input.apiKey;
      else if (input.apiKey === undefined && id && !this.deps.fixed.get(id)) {
        // "Keep the stored key": the same key upsert would keep for this id.
        const existing = await this.deps.store.get(id);
        try {
          apiKey = existing ? this.decryptKey(existing) : undefined;
        } catch (err) {
          if (!(err instanceof SecretDecryptError)) throw err;
          return { ok: false, kind: "unauthorized", message: `the stored API key of "${id}" cannot be decrypted (the secret key changed?); enter the key again` };
        }
      }
      transport = guardedTransport({ allowPrivateNetwork, lookup: this.deps.lookup });
      listed = listOpenAICompatibleModels({
        id,
        baseUrl: input.baseUrl,
        apiKey,
        timeoutMs: this.deps.providerOptions?.modelsTimeoutMs,
        urlGuard: transport.urlGuard,
        dispatcher: transport.dispatcher,
        fetch: this.deps.providerOptions?.fetch,
      });
    }
    try {
      const list = await listed;
      return { ok: true, latencyMs: list.latencyMs, modelCount: list.models.length, models: list.models.slice(0, TEST_MODELS_SHOWN), truncated: Boolean(list.truncated) || list.models.length > TEST_MODELS_SHOWN };
    } catch (err) {
      if (err instanceof ModelListError) return { ok: false, kind: err.kind, message: this.deps.redactor.redact(err.message), ...(err.status !== undefined ? { status: err.status } : {}) };
      throw err;
    } finally {
      void transport?.dispatcher.close().catch(() => undefined);
    }
  }

  private decryptKey(record: ProviderConfigRecord): string | undefined {
    return record.apiKeyEncrypted === null ? undefined : this.deps.cipher.decrypt(record.apiKeyEncrypted, aad(record.id));
  }

  private build(record: ProviderConfigRecord, apiKey: string | undefined): Provider {
    // Never removed: a replaced or deleted key may still be valid upstream and must not leak either.
    this.deps.redactor.add(apiKey);
    const transport = guardedTransport({ allowPrivateNetwork: record.allowPrivateNetwork, lookup: this.deps.lookup });
    this.retireTransport(record.id);
    this.transports.set(record.id, transport);
    return createOpenAICompatibleProvider({
      ...this.deps.providerOptions,
      id: record.id,
      baseUrl: record.baseUrl,
      apiKey,
      urlGuard: transport.urlGuard,
      dispatcher: transport.dispatcher,
    });
  }

  /** Closes a replaced provider's pool once its in-flight requests are done (a new one serves from now on). */
  private retireTransport(id: string): void {
    const old = this.transports.get(id);
    this.transports.delete(id);
    void old?.dispatcher.close().catch(() => undefined);
  }

  /** Closes every provider's connection pool (server shutdown); in-flight requests finish first. */
  async close(): Promise<void> {
    const all = [...this.transports.values()];
    this.transports.clear();
    await Promise.all(all.map((t) => t.dispatcher.close().catch(() => undefined)));
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function validId(id: string): string {
  const parsed = NodeIdSchema.safeParse(id);
  if (!parsed.success) throw new FlowtuneError("INPUT_INVALID", `invalid provider id ${JSON.stringify(id)}: ${parsed.error.issues[0]?.message}`, { field: "id" });
  return parsed.data;
}

/** A provider that fails every call with `reason` (a stored config that cannot be used). */
function brokenProvider(id: string, reason: string): Provider {
  return {
    id,
    complete: async () => {
      throw new ProviderError(`${id}: ${reason}`);
    },
  };
}
