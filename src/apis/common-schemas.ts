/**
 * The wire contract's shared types (FileInput, FetchOptions, FontDefinition, colours), used by several APIs,
 * and the helper that maps legacy field spellings onto the current ones before validation.
 */
import { z } from "@hono/zod-openapi";

/** Largest file accepted inside a request: 50 MB, as base64 text. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
const MAX_BASE64_LENGTH = Math.ceil(MAX_FILE_BYTES / 3) * 4;

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

export const HexColorSchema = z
  .string()
  .regex(/^#?(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, "must be a hex color like #RRGGBB (or #RRGGBBAA)")
  .openapi({ example: "#1E293B" });

const HeaderNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be a valid HTTP header name");

/** Headers a caller may not set on our fetch of their URL (they steer the connection or carry cookies). */
const FORBIDDEN_FETCH_HEADERS = new Set([
  "cookie",
  "set-cookie",
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

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
          const lower = name.toLowerCase();
          if (FORBIDDEN_FETCH_HEADERS.has(lower) || lower.startsWith("sec-")) {
            ctx.addIssue({ code: "custom", path: [name], message: `header ${name} may not be set` });
          }
        }
      }),
    auth: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("bearer"), token: z.string().min(1) }),
        z.object({ type: z.literal("basic"), username: z.string(), password: z.string() }),
        z.object({ type: z.literal("custom_header"), name: HeaderNameSchema, value: z.string() }),
      ])
      .optional(),
  })
  .openapi("FetchOptions");

const Base64FileSchema = z.object({
  type: z.literal("base64"),
  base64: z
    .string()
    .min(1, "must not be empty")
    .max(MAX_BASE64_LENGTH, "file is larger than 50 MB")
    .pipe(z.base64("must be valid base64")),
  name: z.string().min(1).max(255).optional().openapi({ description: "File name with extension; used to detect the format." }),
});

const UrlFileSchema = z.object({
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

export const FontWeightSchema = z.preprocess(
  (value) => (typeof value === "string" ? value.toLowerCase().replace(/[-_ ]/g, "") : value),
  z.enum(["thin", "extralight", "light", "regular", "medium", "semibold", "bold", "extrabold", "black"]),
);

export const FontStyleSchema = z.enum(["normal", "italic"]);

/** A custom font. Older clients send the bytes as `buffer`; they become `file: {type: "base64"}`. */
export const FontDefinitionSchema = z
  .preprocess(
    (value) => {
      if (isPlainObject(value) && typeof value.buffer === "string" && !("file" in value)) {
        const { buffer, ...rest } = value;
        return { ...rest, file: { type: "base64", base64: buffer } };
      }
      return value;
    },
    z.object({
      name: z.string().min(1).max(200),
      weight: FontWeightSchema,
      style: FontStyleSchema.default("normal"),
      file: FileInputSchema,
    }),
  )
  .openapi("FontDefinition");
