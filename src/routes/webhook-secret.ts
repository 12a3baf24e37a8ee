/**
 * The account's webhook signing secret (Standard Webhooks `whsec_…`), created on first use, and its
 * rotation: for 24 hours after a rotation deliveries carry signatures from both secrets.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireApiKey } from "../auth";
import { getOrCreateWebhookSecrets, rotateWebhookSecret } from "../db/webhook-secrets";
import { errorResponses, handleValidationError } from "../errors";
import { generateWebhookSecret } from "../webhooks/sign";

export const webhookSecretRoutes = new OpenAPIHono<AppEnv>({ defaultHook: handleValidationError });

const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

const SecretResponseSchema = z
  .object({
    success: z.literal(true),
    data: z.object({
      secret: z.string().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
      previous_secret_expires_at: z.string().nullable(),
    }),
  })
  .openapi("WebhookSecret");

const common = { tags: ["webhooks"], security: [{ apiKey: [] }] };

webhookSecretRoutes.openapi(
  createRoute({
    ...common,
    middleware: [requireApiKey] as const,
    method: "get",
    path: "/v1/webhook-secret",
    summary: "The secret that signs your webhook deliveries (created on first use)",
    responses: {
      200: { description: "The secret", content: { "application/json": { schema: SecretResponseSchema } } },
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const now = new Date().toISOString();
    const secrets = await getOrCreateWebhookSecrets(c.env.DB, c.get("account").id, generateWebhookSecret(), now);
    return c.json({ success: true as const, data: { secret: secrets.secret, previous_secret_expires_at: secrets.previousExpiresAt } }, 200);
  },
);

webhookSecretRoutes.openapi(
  createRoute({
    ...common,
    middleware: [requireApiKey] as const,
    method: "post",
    path: "/v1/webhook-secret/rotate",
    summary: "Replace the secret; the old one keeps signing alongside for 24 hours",
    responses: {
      200: { description: "The new secret", content: { "application/json": { schema: SecretResponseSchema } } },
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const now = new Date();
    const previousExpiresAt = new Date(now.getTime() + ROTATION_GRACE_MS).toISOString();
    const secret = generateWebhookSecret();
    await rotateWebhookSecret(c.env.DB, c.get("account").id, { secret, now: now.toISOString(), previousExpiresAt });
    return c.json({ success: true as const, data: { secret, previous_secret_expires_at: previousExpiresAt } }, 200);
  },
);
