/** A tool call a model asked for: `arguments` is the JSON text the model wrote (parsed and validated by the caller). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A tool offered to the model: its name, what it does, and a JSON Schema object of its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/**
 * One chat message sent to a model. An assistant message may carry the tool calls it asked for;
 * a `tool` message answers one of them (`toolCallId`) with the tool's result as text.
 */
export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** Assistant messages: the tool calls the model made in that turn. */
  toolCalls?: ToolCall[];
  /** Tool messages: the call this result answers. */
  toolCallId?: string;
}

/** A provider-agnostic chat completion request. */
export interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Ask for a JSON reply where the provider supports it. */
  responseFormat?: "text" | "json";
  seed?: number;
  /** Tools the model may call; a reply may then carry `toolCalls` (finishReason "tool_calls"). */
  tools?: ToolSpec[];
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** A completed chat response with what it cost. */
export interface CompletionResponse {
  text: string;
  usage: TokenUsage;
  /** Wall-clock (or simulated) milliseconds the call took. */
  latencyMs: number;
  /** USD, when the provider knows its prices. */
  costUsd?: number;
  finishReason: "stop" | "length" | "error" | "tool_calls";
  /** The tools the model asks to be called before it answers (with finishReason "tool_calls"). */
  toolCalls?: ToolCall[];
  model: string;
  /** True when served from the response cache. */
  cached?: boolean;
}

export interface CallOptions {
  /** Aborts the in-flight call (cancellation, timeouts). */
  signal?: AbortSignal;
}

/** The models a provider offers (`GET {baseUrl}/models` for an HTTP provider). */
export interface ModelList {
  /** Model ids without duplicates (an HTTP listing sorted, the simulator cheapest first). */
  models: string[];
  /** Milliseconds the listing took (0 for the simulator). */
  latencyMs: number;
  /** True when the provider listed more models than were kept. */
  truncated?: boolean;
}

/** Something that answers chat completions: a real HTTP endpoint or the built-in simulator. */
export interface Provider {
  readonly id: string;
  complete(request: CompletionRequest, options?: CallOptions): Promise<CompletionResponse>;
  /** The models it offers; absent when the provider cannot list them. Fails with a ModelListError. */
  listModels?(options?: CallOptions): Promise<ModelList>;
}

/** Looks providers up by the id an AI node names. */
export interface ProviderRegistry {
  get(id: string): Provider | undefined;
  ids(): string[];
}

/** Persistent store for cached responses (the server backs it with SQLite). */
export interface ResponseCacheStore {
  get(key: string): Promise<CompletionResponse | undefined>;
  set(key: string, providerId: string, model: string, response: CompletionResponse): Promise<void>;
}
