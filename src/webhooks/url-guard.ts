/**
 * Which webhook URLs we will POST to. Checked when a request is accepted.
 */
import { z } from "@hono/zod-openapi";

export const WebhookUrlSchema = z
  .string()
  .max(2048, "must be at most 2048 characters")
  .refine((value) => URL.canParse(value), "must be a valid URL")
  .refine((value) => !URL.canParse(value) || new URL(value).protocol === "https:", "https is required")
  .openapi({
    description: "Makes the request async: answered 201 at once, the result is POSTed here.",
    example: "https://example.com/webhooks/lamina",
  });
