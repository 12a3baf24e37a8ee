/**
 * FileInput and FetchOptions, the wire contract's shared file types, and reading a FileInput's bytes: base64
 * decoded, or a URL fetched through the guarded fetcher. Failures throw ApiError(422) naming `where`.
 */
import { z } from "@hono/zod-openapi";
import { decodeBase64 } from "../base64";
import type { FetchedBody, UrlFetcher } from "./fetcher";

/**
 * Largest file read, from a URL or inside a request: 20 MB. The contract we follow says 50 MB, but a Worker has
 * 128 MB for everything: a file is held once as fetched, again by the reader that parses it (PDF.js keeps its own
 * copy) and again in what it becomes (`npm run bench:limits`). As base64 inside a request a file is also capped
 * by the body limit (MAX_REQUEST_BYTES, 16 MiB: a file of about 12 MB).
 */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_FILE_LABEL = "20 MB";
const MAX_BASE64_LENGTH = Math.ceil(MAX_FILE_BYTES / 3) * 4;

export const HeaderNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be a valid HTTP header name");

/** Headers a caller may not set on our fetch of their URL: they steer the connection, or carry cookies. */
const FORBIDDEN_HEADERS = new Set([
  "cookie",
  "set-cookie",
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
const FORBIDDEN_PREFIXES = ["sec-", "proxy-"];

export function isForbiddenHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_HEADERS.has(lower) || FORBIDDEN_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

const SafeHeaderNameSchema = HeaderNameSchema.refine((name) => !isForbiddenHeader(name), {
  error: (issue) => `header ${String(issue.input)} may not be set`,
});

export const FetchOptionsSchema = z
  .object({
    locale: z.string().min(2).max(35).optional().openapi({ description: "BCP 47, sent as Accept-Language." }),
    user_agent: z.string().min(1).max(500).optional(),
    timeout_ms: z.int().min(1000).max(60000).optional(),
    should_render_javascript: z.boolean().optional(),
    headers: z
      .record(HeaderNameSchema, z.string().max(8192))
      .optional()
      .superRefine((headers, ctx) => {
        for (const name of Object.keys(headers ?? {})) {
          if (isForbiddenHeader(name)) {
            ctx.addIssue({ code: "custom", path: [name], message: `header ${name} may not be set` });
          }
        }
      }),
    auth: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("bearer"), token: z.string().min(1) }),
        z.object({ type: z.literal("basic"), username: z.string(), password: z.string() }),
        z.object({ type: z.literal("custom_header"), name: SafeHeaderNameSchema, value: z.string() }),
      ])
      .optional(),
  })
  .openapi("FetchOptions");

const Base64FileSchema = z.object({
  type: z.literal("base64"),
  base64: z
    .string()
    .min(1, "must not be empty")
    .max(MAX_BASE64_LENGTH, `file is larger than ${MAX_FILE_LABEL}`)
    .pipe(z.base64("must be valid base64")),
  name: z.string().min(1).max(255).optional().openapi({ description: "File name with extension; used to detect the format." }),
});

export const UrlFileSchema = z.object({
  type: z.literal("url"),
  url: z
    .url("must be a valid URL")
    .max(2048)
    .refine((value) => value.startsWith("https://"), "https is required"),
  name: z.string().min(1).max(255).optional(),
  fetch_options: FetchOptionsSchema.optional(),
});

export const FileInputSchema = z.discriminatedUnion("type", [Base64FileSchema, UrlFileSchema]).openapi("FileInput");
export type FileInput = z.output<typeof FileInputSchema>;

export async function readFileInput(file: FileInput, where: string, fetcher: UrlFetcher): Promise<Uint8Array> {
  if (file.type === "base64") {
    return decodeBase64(file.base64);
  }
  return (await fetchFileInput(file, where, fetcher)).bytes;
}

/** A URL input's body with what the response said of it (its type, where it ended). */
export function fetchFileInput(file: Extract<FileInput, { type: "url" }>, where: string, fetcher: UrlFetcher): Promise<FetchedBody> {
  return fetcher.fetchBytes(file.url, { where, fetchOptions: file.fetch_options, maxBytes: MAX_FILE_BYTES, maxBytesLabel: MAX_FILE_LABEL });
}
