/**
 * The one error type and the one error envelope. Anything may `throw new ApiError(status, message)`;
 * `handleError` turns it into `{success: false, error}`. Unknown errors are logged and answered with a
 * generic 500 that never echoes internals.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Longest error message answered or stored (D1 strings and webhook payloads stay small whatever the input). */
export const MAX_ERROR_MESSAGE_LENGTH = 1000;

/** A message cut to MAX_ERROR_MESSAGE_LENGTH, saying how much was left out. */
export function truncateMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE_LENGTH) return message;
  return `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH)}… (${message.length - MAX_ERROR_MESSAGE_LENGTH} more characters)`;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    // Messages may quote inputs (a library's parse error, a file name): never let one grow with the input.
    super(truncateMessage(message));
    this.name = "ApiError";
  }
}

export const ErrorResponseSchema = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ example: "dimensions.width_in_px: Too small: expected number to be >=1" }),
  })
  .openapi("ErrorResponse");

export const INTERNAL_ERROR_MESSAGE = "Internal server error";

export function errorBody(message: string) {
  return { success: false as const, error: truncateMessage(message) };
}

/**
 * A union's issue, when exactly one of its options got past the type check (the value is an object, only the cell
 * object option took it), is that option's issues under the union's path: `sheets.0.rows.3.2.format: …` rather
 * than `sheets.0.rows.3.2: Invalid input`.
 */
function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union" || !issue.errors?.length) return [issue];
  const typed = issue.errors.filter((branch) => !branch.every((inner) => inner.code === "invalid_type" && inner.path.length === 0));
  if (typed.length !== 1) return [issue];
  return typed[0]!.flatMap((inner) => unwrapUnion({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue));
}

/** `layers.0.hex_color: Invalid hex color; dimensions: Required`: every issue, each with its field path. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .flatMap(unwrapUnion)
    .slice(0, 10)
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/** The defaultHook of every OpenAPIHono: zod failures become a 400 naming the field. */
export function handleValidationError(
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context,
) {
  if (!result.success) {
    return c.json(errorBody(formatZodError(result.error)), 400);
  }
}

export function handleError(err: Error, c: Context) {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.message), err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    // Hono's JSON validator answers a missing or foreign Content-Type with a bare "Unsupported Media Type".
    const message = status === 415 ? "Content-Type must be application/json" : err.message || "Request could not be handled";
    return c.json(errorBody(message), status);
  }
  console.error(JSON.stringify({ event: "unhandled_error", path: c.req.path, error: String(err), stack: err.stack }));
  return c.json(errorBody(INTERNAL_ERROR_MESSAGE), 500);
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request: the message names the field",
  401: "Missing, invalid or revoked API key",
  402: "Insufficient credits",
  404: "Not found",
  409: "Conflict",
  413: "Request body too large",
  415: "Content-Type is not application/json",
  422: "Valid request that could not be processed; credits refunded",
  429: "Too many requests: a cap was reached (see Retry-After)",
  500: "Internal error; credits refunded",
  503: "Temporarily unavailable; nothing charged",
};

/** OpenAPI `responses` entries for the given error statuses, all with the one error envelope. */
export function errorResponses(...statuses: (keyof typeof ERROR_DESCRIPTIONS)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: ERROR_DESCRIPTIONS[status]!, content: { "application/json": { schema: ErrorResponseSchema } } },
    ]),
  );
}
