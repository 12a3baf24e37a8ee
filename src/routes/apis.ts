/**
 * One POST route per API of the registry (plus its legacy aliases), sync or async by `webhook_url`.
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { ApiDefinition } from "../apis/define";
import { resultToWireData } from "../apis/define";
import type { AppEnv } from "../app-env";
import { requireApiKey } from "../auth";
import { errorResponses } from "../errors";
import { runSyncJob } from "../jobs/accept";

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
        middleware: [requireApiKey] as const,
        request: { body: { content: { "application/json": { schema: api.request } }, required: true } },
        responses: {
          200: {
            description: "Processed (sync mode)",
            content: { "application/json": { schema: z.object({ success: z.literal(true), data: api.response }) } },
          },
          201: {
            description: "Accepted (async mode, with `webhook_url`): the result is POSTed to the webhook",
            content: { "application/json": { schema: AsyncAcceptedSchema } },
          },
          ...errorResponses(400, 401, 402, 413, 415, 422, 500, 503),
        },
      });
      app.openapi(route, async (c) => {
        const input = c.req.valid("json");
        const account = c.get("account");
        const deps = { fetch: (request: RequestInfo | URL, init?: RequestInit) => fetch(request, init) };
        const result = await runSyncJob({ db: c.env.DB, accountId: account.id, deps }, api, input);
        return c.json({ success: true as const, data: resultToWireData(result) }, 200);
      });
    }
  }
}
