import { ForTag, Liquid, TablerowTag, Tag, type Context, type Emitter, type Template, type TagToken, type TopLevelToken } from "liquidjs";

// What liquidjs binds `this` to in a filter (its FilterImpl type is not exported).
type FilterThis = { context: Context };
import type { ResourceLimits } from "../limits.js";
import { installFastPositions } from "./positions.js";

installFastPositions();

/** Tags that read other templates (files): refused at parse time. */
export const FILE_TAGS = ["include", "render", "layout"] as const;

/** Marks the error a refused tag or an exceeded loop limit throws, so messages can name it. */
export class SandboxViolation extends Error {
  constructor(
    readonly kind: "file-tag" | "loop-limit",
    message: string,
  ) {
    super(message);
  }
}

// A refused tag fails the parse; without partials nothing can name a file.
class RefusedFileTag extends Tag {
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    throw new SandboxViolation("file-tag", `{% ${token.name} %} is not supported: templates cannot include partials or files`);
  }
  *render(): Generator<unknown, void, unknown> {}
}

/** The Liquid engine plus the limits it was built with. */
export interface Sandbox {
  liquid: Liquid;
  limits: Readonly<ResourceLimits>;
}

/**
 * A Liquid engine with no file system (an empty in-memory template map, and the tags that read
 * partials refused), strict filters, own-property lookups only, and liquidjs's DoS limits
 * (parse length, render time, memory) plus a loop-iteration cap.
 */
export function createSandbox(limits: Readonly<ResourceLimits>): Sandbox {
  const liquid = new Liquid({
    strictFilters: true,
    ownPropertyOnly: true,
    cache: false,
    jsTruthy: true,
    // An empty in-memory map replaces the file system, so no lookup can reach the disk.
    templates: {},
    relativeReference: false,
    parseLimit: limits.templateSourceChars,
    renderLimit: limits.templateRenderMs,
    memoryLimit: limits.templateMemory,
    // `{{ obj }}` prints JSON instead of "[object Object]"; strings print as they are (prompts are not HTML).
    // Printed text is charged to the memory limit, so output and `capture` cannot grow unbounded.
    outputEscape(this: FilterThis, v: unknown) {
      const s = v !== null && typeof v === "object" ? JSON.stringify(v) : v == null ? "" : String(v);
      this.context.memoryLimit.use(s.length);
      return s;
    },
  });
  for (const name of FILE_TAGS) liquid.registerTag(name, RefusedFileTag);
  countLoops(liquid, limits.templateLoopIterations);
  // Objects render as JSON instead of "[object Object]".
  liquid.registerFilter("json", function (this: FilterThis, v: unknown) {
    const s = JSON.stringify(v) ?? "";
    this.context.memoryLimit.use(s.length);
    return s;
  });
  // The built-in `raw` skips the output filter, and with it the memory charge; here it is plain identity.
  liquid.registerFilter("raw", (v: unknown) => v);
  return { liquid, limits };
}

// Loop bodies are the template lists `for`/`tablerow` render once per item; counting their renders counts iterations.
function countLoops(liquid: Liquid, max: number): void {
  const bodies = new WeakSet<Template[]>();
  const counts = new WeakMap<Context, number>();
  liquid.registerTag(
    "for",
    class extends ForTag {
      constructor(...args: ConstructorParameters<typeof ForTag>) {
        super(...args);
        bodies.add(this.templates);
      }
    },
  );
  liquid.registerTag(
    "tablerow",
    class extends TablerowTag {
      constructor(...args: ConstructorParameters<typeof TablerowTag>) {
        super(...args);
        bodies.add(this.templates);
      }
    },
  );
  const renderer = liquid.renderer;
  const renderTemplates = renderer.renderTemplates.bind(renderer);
  renderer.renderTemplates = function* (templates: Template[], ctx: Context, emitter?: Emitter) {
    if (bodies.has(templates)) {
      const n = (counts.get(ctx) ?? 0) + 1;
      if (n > max) throw new SandboxViolation("loop-limit", "loop iteration limit exceeded");
      counts.set(ctx, n);
    }
    return yield* renderTemplates(templates, ctx, emitter);
  };
}
