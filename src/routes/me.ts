import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireApiKey } from "../auth";
import { getAccountById } from "../db/accounts";
import { getApiKeySpend } from "../db/api-keys";
import { budgetMonth } from "../db/credits";
import { readConfig } from "../config";
import { ApiError, errorResponses, handleValidationError } from "../errors";

const MeSchema = z
  .object({
    success: z.literal(true),
    data: z.object({
      account_id: z.string(),
      name: z.string(),
      credits: z.int(),
      rate_limit_per_minute: z.int().openapi({ description: "The account's requests per minute; 0 = unlimited." }),
      api_key: z.object({
        id: z.string(),
        prefix: z.string(),
        monthly_budget_cap: z.int().nullable().openapi({ description: "Credits this key may spend per calendar month (UTC); null = no cap." }),
        month: z.string().openapi({ description: "The current budget month, `YYYY-MM` (UTC).", example: "2026-12" }),
        spent_this_month: z.int().openapi({ description: "Credits this key spent this month, refunds deducted." }),
      }),
    }),
  })
  .openapi("Me");

export const meRoutes = new OpenAPIHono<AppEnv>({ defaultHook: handleValidationError });

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/me",
    tags: ["account"],
    summary: "The account behind the API key, with its credits and limits",
    description: "The credit balance, the rate limit per minute, and the calling key's monthly budget cap and its spend this month.",
    security: [{ apiKey: [] }],
    middleware: [requireApiKey] as const,
    responses: {
      200: { description: "The account", content: { "application/json": { schema: MeSchema } } },
      ...errorResponses(401, 429),
    },
  }),
  async (c) => {
    // Read again rather than trusting the auth lookup: the balance is what the caller came for.
    const apiKey = c.get("apiKey");
    const month = budgetMonth(new Date().toISOString());
    const [account, spent] = await Promise.all([getAccountById(c.env.DB, c.get("account").id), getApiKeySpend(c.env.DB, apiKey.id, month)]);
    if (!account) {
      throw new ApiError(401, "Invalid or revoked API key");
    }
    return c.json(
      {
        success: true as const,
        data: {
          account_id: account.id,
          name: account.name,
          credits: account.credits,
          rate_limit_per_minute: account.rateLimitPerMinute ?? readConfig(c.env).rateLimitPerMinute,
          api_key: { id: apiKey.id, prefix: apiKey.prefix, monthly_budget_cap: apiKey.monthlyBudgetCap, month, spent_this_month: spent },
        },
      },
      200,
    );
  },
);
