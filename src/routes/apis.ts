/**
 * One POST route per API of the registry (plus its legacy aliases), sync or async by `webhook_url`.
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { ApiDefinition } from "../apis/define";
import type { AppEnv } from "../app-env";
import { requireApiKey } from "../auth";
import { ApiError, errorResponses } from "../errors";
import { acceptAsyncJob, runSyncJob } from "../jobs/accept";
import { createProcessDeps } from "../jobs/deps";
import { readConfig } from "../config";
import { resultToWire } from "../results";
import { splitWebhookOptions } from "../webhooks/options";
import { rejectDeepJson } from "./json-depth";

export const ASYNC_ACCEPTED_MESSAGE = "Request accepted. Results will be delivered to the provided webhook URL.";

export const AsyncAcceptedSchema = z
  .object({
    success: z.literal(true),
    async: z.literal(true),
    message: z.string(),
    job_id: z.string(),
  })
  .openapi("AsyncAccepted");

export function registerApiRoutes(app: OpenAPIHono<AppEnv>, apis: readonly ApiDefinition[]): void {
  for (const api of apis) {
    for (const path of [api.path, ...api.aliases]) {
      const route = createRoute({
        method: "post",
        path,
        tags: [api.slug],
        summary: path === api.path ? api.summary : `${api.summary} (legacy path)`,
        description: api.description,
        deprecated: path !== api.path,
        security: [{ apiKey: [] }],
        middleware: [requireApiKey, rejectDeepJson] as const,
        request: {
          headers: z.object({
            "idempotency-key": z.string().optional().openapi({
              description: "Async only: a repeat with the same key within 24 h returns the first job and charges nothing.",
            }),
          }),
          body: { content: { "application/json": { schema: api.request } }, required: true },
        },
        responses: {
          200: {
            description: "Processed (sync mode)",
            content: { "application/json": { schema: z.object({ success: z.literal(true), data: api.response, ...(api.metadata ? { metadata: api.metadata } : {}) }) } },
          },
          201: {
            description: "Accepted (async mode, with `webhook_url`): the result is POSTed to the webhook",
            content: { "application/json": { schema: AsyncAcceptedSchema } },
          },
          ...errorResponses(400, 401, 402, 409, 413, 415, 422, 429, 500, 503),
        },
      });
      app.openapi(route, async (c) => {
        const request = c.req.valid("json");
        const { apiInput, webhook } = splitWebhookOptions(request);
        const ctx = { env: c.env, accountId: c.get("account").id, apiKeyId: c.get("apiKey").id, deps: createProcessDeps(c.env, api) };
        const idempotencyKey = c.req.header("Idempotency-Key");
        if (webhook === null) {
          if (idempotencyKey !== undefined) {
            throw new ApiError(400, "Idempotency-Key is supported in async mode only (with webhook_url)");
          }
          const { result, processMs } = await runSyncJob(ctx, api, apiInput);
          if (readConfig(c.env).serverTiming) c.header("Server-Timing", `process;dur=${processMs.toFixed(1)}`);
          return c.json({ success: true as const, ...resultToWire(result) }, 200);
        }
        const requestOrigin = new URL(c.req.url).origin;
        const jobId = await acceptAsyncJob(ctx, api, apiInput, { request, webhook, requestOrigin, idempotencyKey });
        c.header("Location", `/v1/jobs/${jobId}`);
        return c.json({ success: true as const, async: true as const, message: ASYNC_ACCEPTED_MESSAGE, job_id: jobId }, 201);
      });
    }
  }
}
