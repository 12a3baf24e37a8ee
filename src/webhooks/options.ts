/**
 * The request fields every API takes for async mode besides its own: `webhook_url`, the optional auth header
 * sent with every delivery attempt, and `result_delivery` (a binary result inline as base64, or as a signed link).
 * Checked at accept, each fault a 400 naming its field; split off before the API's own input is stored.
 */
import { z } from "@hono/zod-openapi";
import { HeaderNameSchema, isForbiddenHeader } from "../inputs/file-input";
import { WebhookUrlSchema } from "../inputs/url-guard";

/** Names a delivery sets itself (signature, body type, sender) or that steer the connection. */
function isReservedWebhookHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower.startsWith("webhook-") ||
    ["content-type", "content-encoding", "user-agent", "expect"].includes(lower) ||
    isForbiddenHeader(lower)
  );
}

export const ResultDeliverySchema = z.enum(["inline", "url"]).openapi({
  description:
    "Async only. `inline` (default): a binary result travels in the webhook as base64 (`{buffer, mime_type}`). " +
    "`url`: as `{url, mime_type, size_bytes, expires_at}`, a signed link that downloads it without an API key " +
    "until it expires. JSON results are always inline.",
});

export const webhookOptionFields = {
  webhook_url: WebhookUrlSchema.optional(),
  webhook_auth_header_name: HeaderNameSchema.max(256)
    .refine((name) => !isReservedWebhookHeader(name), {
      error: (issue) => `header ${String(issue.input)} may not be set: deliveries set it themselves or it steers the connection`,
    })
    .optional()
    .openapi({ description: "Async only: a header sent with every delivery attempt (e.g. `Authorization`), next to the signature headers." }),
  webhook_auth_header_value: z
    .string()
    .min(1)
    .max(4096)
    .regex(/^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/, "must be printable ASCII without leading or trailing spaces")
    .optional()
    .openapi({ description: "The header's value. Kept only for the job's retention and never shown back (the jobs API masks it)." }),
  result_delivery: ResultDeliverySchema.optional(),
};

export type WebhookOptionInput = {
  webhook_url?: string;
  webhook_auth_header_name?: string;
  webhook_auth_header_value?: string;
  result_delivery?: "inline" | "url";
};

/** The rules between the fields: the header comes as a pair, and all of them belong to async mode. */
export function refineWebhookOptions(input: WebhookOptionInput, ctx: z.RefinementCtx): void {
  const hasName = input.webhook_auth_header_name !== undefined;
  const hasValue = input.webhook_auth_header_value !== undefined;
  if (hasName !== hasValue) {
    const missing = hasName ? "webhook_auth_header_value" : "webhook_auth_header_name";
    ctx.addIssue({ code: "custom", path: [missing], message: `is required with ${hasName ? "webhook_auth_header_name" : "webhook_auth_header_value"}` });
  }
  if (input.webhook_url === undefined) {
    for (const field of ["webhook_auth_header_name", "webhook_auth_header_value", "result_delivery"] as const) {
      if (input[field] !== undefined) {
        ctx.addIssue({ code: "custom", path: [field], message: "needs webhook_url: it applies to async mode only" });
      }
    }
  }
}

export interface WebhookOptions {
  url: string;
  authHeader: { name: string; value: string } | null;
  resultDelivery: "inline" | "url";
}

/** The API's own input, and the async options when the request has a webhook_url. */
export function splitWebhookOptions<T extends WebhookOptionInput>(
  input: T,
): { apiInput: Omit<T, keyof WebhookOptionInput>; webhook: WebhookOptions | null } {
  const { webhook_url, webhook_auth_header_name, webhook_auth_header_value, result_delivery, ...apiInput } = input;
  if (webhook_url === undefined) {
    return { apiInput, webhook: null };
  }
  return {
    apiInput,
    webhook: {
      url: webhook_url,
      authHeader:
        webhook_auth_header_name !== undefined && webhook_auth_header_value !== undefined
          ? { name: webhook_auth_header_name, value: webhook_auth_header_value }
          : null,
      resultDelivery: result_delivery ?? "inline",
    },
  };
}
