/**
 * The HTTP entry: body limit, error hooks, the API routes from the registry, account and admin routes,
 * /openapi.json generated from the same zod schemas, and /docs, an interactive reference of it.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { apis } from "./apis";
import type { AppEnv } from "./app-env";
import { readConfig } from "./config";
import { errorBody, handleError, handleValidationError } from "./errors";
import { MAX_FILE_LABEL } from "./inputs/file-input";
import { adminRoutes } from "./routes/admin";
import { registerApiRoutes } from "./routes/apis";
import { jobRoutes } from "./routes/jobs";
import { meRoutes } from "./routes/me";
import { webhookSecretRoutes } from "./routes/webhook-secret";
import { webhookPayloadSchema } from "./webhooks/payload";

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: handleValidationError });

  app.use("*", (c, next) => {
    const maxSize = readConfig(c.env).maxRequestBytes;
    return bodyLimit({
      maxSize,
      onError: (c) =>
        c.json(errorBody(`Request body is larger than the limit of ${maxSize} bytes; send large files by URL (up to ${MAX_FILE_LABEL}) instead of as base64`), 413),
    })(c, next);
  });

  // Routes
  registerApiRoutes(app, apis);
  app.route("/", meRoutes);
  app.route("/", jobRoutes);
  app.route("/", webhookSecretRoutes);
  app.route("/", adminRoutes);

  app.get("/health", (c) => c.json({ success: true, status: "ok" }));

  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key: `Authorization: Bearer il_...`",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The operator token (the ADMIN_TOKEN secret).",
  });
  app.openAPIRegistry.registerWebhook({
    method: "post",
    path: "job.finished",
    tags: ["webhooks"],
    summary: "An async job finished: its result or its error, POSTed to the request's webhook_url",
    request: {
      headers: z.object({
        "webhook-id": z.string().openapi({ description: "The job id; the same on every attempt and redelivery." }),
        "webhook-timestamp": z.string().openapi({ description: "Unix seconds of this attempt." }),
        "webhook-signature": z.string().openapi({ description: "`v1,<base64 HMAC-SHA256>`, space-separated during a secret rotation." }),
      }),
      body: { content: { "application/json": { schema: webhookPayloadSchema(apis) } } },
    },
    responses: { 200: { description: "Any 2xx acknowledges the delivery; anything else is retried." } },
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Lamina API",
      version: "1.0.0",
      description:
        "Content processing, wire-compatible with the Iteration Layer API. Every API runs sync (result in the " +
        "response) or async (with `webhook_url`: 201 at once, the result POSTed to the webhook).",
    },
  });

  // The page only: the browser loads Scalar's viewer (from jsDelivr) and reads /openapi.json from this deployment.
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Lamina API reference" }));

  app.notFound((c) => c.json(errorBody(`Not found: ${c.req.method} ${c.req.path}`), 404));
  app.onError(handleError);
  return app;
}
