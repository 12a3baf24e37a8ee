/**
 * What every API is: an id, a path, a zod request schema with a valid example, a price, the settings and
 * optional bindings it uses, and a lazily loaded pure `process()`. The router mounts each definition (sync and
 * async), the processing consumer finds it again by `job.api`, and the fuzz test, OpenAPI document and SDK
 * generators iterate over the list in `./index.ts`. Also the request helpers every API shares.
 */
import { z } from "@hono/zod-openapi";
import type { AssetReader } from "../graphics/fonts";
import type { UrlFetcher } from "../inputs/fetcher";
import { refineWebhookOptions, webhookOptionFields, type WebhookOptionInput } from "../webhooks/options";
import type { ProcessResult } from "../results";

export type { ProcessResult } from "../results";

export type { AiBinding } from "../extraction/ai";

/** What `process()` may use besides its input. Injected, so tests can hand in fakes. */
export interface ProcessDeps {
  /** The guarded fetcher: the only way an API reaches a URL. */
  fetcher: UrlFetcher;
  /** The Worker's static assets (the font catalogue). */
  assets: AssetReader;
  /** The API's declared settings, each the deployment's value or its default. */
  settings: Readonly<Record<string, string>>;
  /** The API's declared optional bindings that this deployment has. */
  bindings: Readonly<Record<string, unknown>>;
  /** The clock, for date rules such as allow_future_dates. */
  now?: () => Date;
}

/** A variable an API reads; config.ts reads it from the environment, with this default. */
export interface ApiSetting {
  default: string;
  description: string;
}

export type ProcessFunction<Input> = (input: Input, deps: ProcessDeps) => Promise<ProcessResult>;

interface ApiSpec<Shape extends z.ZodRawShape> {
  /** The `api` field of webhook payloads: snake_case of the product slug. */
  id: string;
  /** The product slug: URL segment, folder and OpenAPI tag. */
  slug: string;
  path: string;
  /** Older paths that answer exactly like `path` (kept for compatibility, deprecated in the docs). */
  aliases?: readonly string[];
  summary: string;
  description: string;
  /** The request body's fields, without `webhook_url` and the other async options: every API gets those from here. */
  request: z.ZodObject<Shape>;
  /** Cross-field rules that a field schema alone cannot say; issues name the field path. */
  refine?: (input: z.output<z.ZodObject<Shape>>, ctx: z.RefinementCtx) => void;
  /** A valid request body: the OpenAPI example, the fuzz seed, the SDK tests' request and the README's. */
  example: NoInfer<z.input<z.ZodObject<Shape>>>;
  /** The `data` of a sync success, for the OpenAPI document. */
  response: z.ZodType;
  /** The `metadata` answered beside `data`, for an API that answers one (website extraction). */
  metadata?: z.ZodType;
  /** Credits to charge; may read the input (page counts) and throw a 400 ApiError for input it cannot read. */
  cost(input: z.output<z.ZodObject<Shape>>): number | Promise<number>;
  /** The processing code, imported with the API's first request, never with the Worker. */
  load(): Promise<ProcessFunction<NoInfer<z.output<z.ZodObject<Shape>>>>>;
  /** Variables the API reads (name → default), resolved into `deps.settings`. */
  settings?: Readonly<Record<string, ApiSetting>>;
  /** Bindings the API uses when a deployment has them (`AI`), handed over in `deps.bindings`. */
  optionalBindings?: readonly string[];
}

export interface ApiDefinition<Input = any> {
  id: string;
  slug: string;
  path: string;
  aliases: readonly string[];
  summary: string;
  description: string;
  /** The full body schema: the API's fields plus the optional async fields (`webhook_url`, …). */
  request: z.ZodType<Input & WebhookOptionInput>;
  example: Record<string, unknown>;
  response: z.ZodType;
  metadata?: z.ZodType;
  settings: Readonly<Record<string, ApiSetting>>;
  optionalBindings: readonly string[];
  cost(input: Input): number | Promise<number>;
  process: ProcessFunction<Input>;
}

export function defineApi<Shape extends z.ZodRawShape>(spec: ApiSpec<Shape>): ApiDefinition<z.output<z.ZodObject<Shape>>> {
  const request = spec.request
    .extend(webhookOptionFields)
    .superRefine((input, ctx) => {
      refineWebhookOptions(input as WebhookOptionInput, ctx);
      spec.refine?.(input as never, ctx);
    })
    .openapi({ example: spec.example });
  let loaded: Promise<ProcessFunction<z.output<z.ZodObject<Shape>>>> | undefined;
  return {
    id: spec.id,
    slug: spec.slug,
    path: spec.path,
    aliases: spec.aliases ?? [],
    summary: spec.summary,
    description: spec.description,
    request: request as unknown as z.ZodType<z.output<z.ZodObject<Shape>> & WebhookOptionInput>,
    example: spec.example as Record<string, unknown>,
    response: spec.response,
    ...(spec.metadata ? { metadata: spec.metadata } : {}),
    settings: spec.settings ?? {},
    optionalBindings: spec.optionalBindings ?? [],
    cost: (input) => spec.cost(input),
    process: async (input, deps) => {
      // A failed import is not cached: the next request tries again.
      loaded ??= spec.load().catch((err) => {
        loaded = undefined;
        throw err;
      });
      return (await loaded)(input, deps);
    },
  };
}

/**
 * Returns a preprocessor that renames legacy keys (`{width: "width_in_px"}`) when the current key is absent,
 * so both spellings validate against one schema and error paths name the current field.
 */
export function renameLegacyKeys(renames: Record<string, string>) {
  return (value: unknown): unknown => {
    if (!isPlainObject(value)) {
      return value;
    }
    const copy: Record<string, unknown> = { ...value };
    for (const [legacy, current] of Object.entries(renames)) {
      if (legacy in copy && !(current in copy)) {
        copy[current] = copy[legacy];
        delete copy[legacy];
      }
    }
    return copy;
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
