/**
 * API-managed providers: admins store openai-compatible endpoints (base URL + API key) in the
 * database. Keys are encrypted at rest, registered with the redactor, and never returned; base
 * URLs pass the SSRF guard when saved and again before every request, and each provider's
 * connections go through a pinned dispatcher that vets the addresses at connect time (DNS rebinding).
 */
import {
  FlowtuneError,
  ProviderError,
  checkProviderUrl,
  createOpenAICompatibleProvider,
  type HostLookup,
  type OpenAICompatibleOptions,
  type Provider,
  type ProviderRegistry,
} from "../../engine/index.js";
import { NodeIdSchema } from "../../engine/browser.js";
import { guardedTransport, type GuardedTransport } from "../../engine/providers/pinned-dispatcher.js";
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
  // Mutations run one at a time, so validate → write → swap is never interleaved.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ProviderConfigServiceDeps) {
    const { fixed } = deps;
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
        this.live.set(record.id, brokenProvider(record.id, `its stored API key cannot be decrypted (${err.message}); an admin must save the key again`));
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
      this.retireTransport(id);
      await this.deps.log.record("provider.delete", actor, id);
    });
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
