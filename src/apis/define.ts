/**
 * What every API is: an id, a path, a zod request schema, a price and a pure `process()`. The router
 * mounts each definition (sync and async), and the processing consumer finds it again by `job.api`.
 */
import { z } from "@hono/zod-openapi";
import { encodeBase64 } from "../base64";
import { WebhookUrlSchema } from "../webhooks/url-guard";

/** What `process()` returns: bytes with a MIME type (images, documents) or a JSON-able value. */
export type ProcessResult =
  | { kind: "binary"; bytes: Uint8Array; mimeType: string }
  | { kind: "json"; data: unknown };

/** What `process()` may use besides its input. Injected, so tests can hand in fakes. */
/** The part of the Workers AI binding that APIs use (tests hand in a fake). */
export interface AiBinding {
  toMarkdown(files: { name: string; blob: Blob }[]): Promise<{ name: string; format: string; data?: string; error?: string }[]>;
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

export interface ProcessDeps {
  /** For URL inputs; callers pass a guarded fetch. */
  fetch: typeof fetch;
  /** The Workers AI binding, when the deployment has one (document extraction then uses it). */
  ai?: AiBinding;
  /** The model document extraction asks (EXTRACTION_AI_MODEL). */
  aiModel?: string;
  /** The clock, for date rules such as allow_future_dates. */
  now?: () => Date;
}

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
  /** The request body's fields, without `webhook_url`: every API gets that one from here. */
  request: z.ZodObject<Shape>;
  /** Cross-field rules that a field schema alone cannot say; issues name the field path. */
  refine?: (input: z.output<z.ZodObject<Shape>>, ctx: z.RefinementCtx) => void;
  /** The `data` of a sync success, for the OpenAPI document. */
  response: z.ZodType;
  /** Credits to charge; may read the input (page counts) and throw a 400 ApiError for input it cannot read. */
  cost(input: z.output<z.ZodObject<Shape>>): number | Promise<number>;
  process(input: z.output<z.ZodObject<Shape>>, deps: ProcessDeps): Promise<ProcessResult>;
}

export interface ApiDefinition<Input = any> {
  id: string;
  slug: string;
  path: string;
  aliases: readonly string[];
  summary: string;
  description: string;
  /** The full body schema: the API's fields plus the optional `webhook_url`. */
  request: z.ZodType<Input & { webhook_url?: string }>;
  response: z.ZodType;
  cost(input: Input): number | Promise<number>;
  process(input: Input, deps: ProcessDeps): Promise<ProcessResult>;
}

export function defineApi<Shape extends z.ZodRawShape>(spec: ApiSpec<Shape>): ApiDefinition<z.output<z.ZodObject<Shape>>> {
  const withWebhook = spec.request.extend({ webhook_url: WebhookUrlSchema.optional() });
  const request = spec.refine ? withWebhook.superRefine((input, ctx) => spec.refine!(input as never, ctx)) : withWebhook;
  return {
    id: spec.id,
    slug: spec.slug,
    path: spec.path,
    aliases: spec.aliases ?? [],
    summary: spec.summary,
    description: spec.description,
    request: request as unknown as z.ZodType<z.output<z.ZodObject<Shape>> & { webhook_url?: string }>,
    response: spec.response,
    cost: (input) => spec.cost(input),
    process: (input, deps) => spec.process(input, deps),
  };
}

export const BinaryResultSchema = z
  .object({
    buffer: z.string().openapi({ description: "The output file, base64-encoded." }),
    mime_type: z.string().openapi({ example: "image/png" }),
  })
  .openapi("BinaryResult");

/** The wire shape of a result: binary results travel as `{buffer, mime_type}`. */
export function resultToWireData(result: ProcessResult): unknown {
  if (result.kind === "json") {
    return result.data;
  }
  return { buffer: encodeBase64(result.bytes), mime_type: result.mimeType };
}
