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
import { ApiError, errorBody, handleError, handleValidationError } from "./errors";
import { MAX_FILE_LABEL } from "./inputs/file-input";
import { adminRoutes } from "./routes/admin";
import { registerApiRoutes } from "./routes/apis";
import { jobRoutes } from "./routes/jobs";
import { meRoutes } from "./routes/me";
import { webhookSecretRoutes } from "./routes/webhook-secret";
import { webhookPayloadSchema } from "./webhooks/payload";

const DOCS_VIEWER_PATH = "/docs/scalar.js";

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
  app.openAPIRegistry.registerComponent("securitySchemes", "resultLink", {
    type: "apiKey",
    in: "query",
    name: "signature",
    description: "A signed result link from a `result_delivery: \"url\"` webhook: `expires` and `signature` in the query stand in for the API key.",
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

  // The page, and Scalar's viewer from our own static assets (scripts/build-docs-viewer.mjs): nothing comes from a
  // CDN, so the reference works offline. The viewer reads /openapi.json from this deployment. Its default fonts
  // would come from Scalar's font host, so the page uses the reader's system fonts.
  app.get(
    "/docs",
    Scalar({
      url: "/openapi.json",
      pageTitle: "Lamina API reference",
      cdn: DOCS_VIEWER_PATH,
      withDefaultFonts: false,
      // Off: Scalar's hosted extras (its AI agent, MCP generator, telemetry, developer toolbar) talk to its servers.
      agent: { disabled: true },
      mcp: { disabled: true },
      telemetry: false,
      showDeveloperTools: "never",
      hideClientButton: true,
      // Every API's section open, not only the first behind "Show more" buttons.
      defaultOpenAllTags: true,
    }),
  );
  app.get(DOCS_VIEWER_PATH, async (c) => {
    const asset = await c.env.ASSETS.fetch("https://assets.invalid/docs/scalar.js");
    if (!asset.ok) {
      await asset.body?.cancel();
      throw new ApiError(404, "The API reference viewer is not installed (npm install copies it into assets/docs/)");
    }
    return c.body(asset.body!, 200, {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "public, max-age=86400",
    });
  });

  app.notFound((c) => c.json(errorBody(`Not found: ${c.req.method} ${c.req.path}`), 404));
  app.onError(handleError);
  return app;
}
