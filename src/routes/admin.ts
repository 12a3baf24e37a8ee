/**
 * The operator API: accounts (with their rate limits), credit grants and API keys (with their monthly budget
 * caps). Guarded by ADMIN_TOKEN; absent when it is unset.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { forgetCachedApiKeys, generateApiKey, requireAdminToken } from "../auth";
import { getAccountById, insertAccountWithGrant, setAccountRateLimit } from "../db/accounts";
import { getApiKeyById, insertApiKey, revokeApiKey, setApiKeyBudgetCap } from "../db/api-keys";
import { grantCredits } from "../db/credits";
import { ApiError, errorResponses, handleValidationError } from "../errors";

export const adminRoutes = new OpenAPIHono<AppEnv>({ defaultHook: handleValidationError });

const MAX_CREDITS = 1_000_000_000;
const IdParamSchema = z.object({ id: z.uuid("must be a UUID") });

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
const jsonResponse = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});

const RateLimitSchema = z
  .int()
  .min(0)
  .max(1_000_000)
  .nullable()
  .openapi({ description: "Requests per minute for this account; 0 = unlimited, null = the deployment's RATE_LIMIT_PER_MINUTE." });
const BudgetCapSchema = z
  .int()
  .min(0)
  .max(MAX_CREDITS)
  .nullable()
  .openapi({ description: "Credits the key may spend per calendar month (UTC); past it requests answer 402. null = no cap." });

const ApiKeyCreatedSchema = z.object({
  api_key: z.string().openapi({ description: "Shown once; only its hash is stored." }),
  api_key_id: z.string(),
  prefix: z.string(),
  monthly_budget_cap: z.int().nullable(),
});
const AccountSchema = z.object({
  account_id: z.string(),
  name: z.string(),
  credits: z.int(),
  rate_limit_per_minute: z.int().nullable(),
});
const ApiKeySchema = z.object({
  api_key_id: z.string(),
  account_id: z.string(),
  prefix: z.string(),
  monthly_budget_cap: z.int().nullable(),
  revoked_at: z.string().nullable(),
});

adminRoutes.openapi(
  createRoute({
    method: "post",
    path: "/admin/v1/accounts",
    tags: ["admin"],
    summary: "Create an account with an opening credit grant and a first API key",
    security: [{ adminToken: [] }],
    middleware: [requireAdminToken] as const,
    request: jsonBody(
      z.object({
        name: z.string().trim().min(1).max(200),
        credits: z.int().min(0).max(MAX_CREDITS),
        rate_limit_per_minute: RateLimitSchema.optional(),
        monthly_budget_cap: BudgetCapSchema.optional().openapi({ description: "The first API key's monthly cap (null or absent: none)." }),
      }),
    ),
    responses: {
      201: jsonResponse("Created", z.object({ success: z.literal(true), data: ApiKeyCreatedSchema.extend(AccountSchema.shape) })),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { name, credits, rate_limit_per_minute = null, monthly_budget_cap = null } = c.req.valid("json");
    const accountId = crypto.randomUUID();
    const key = await generateApiKey();
    await insertAccountWithGrant(
      c.env.DB,
      { id: accountId, name, credits, rateLimitPerMinute: rate_limit_per_minute, now: new Date().toISOString() },
      { ...key, monthlyBudgetCap: monthly_budget_cap },
    );
    return c.json(
      {
        success: true as const,
        data: {
          account_id: accountId,
          name,
          credits,
          rate_limit_per_minute,
          api_key: key.key,
          api_key_id: key.id,
          prefix: key.prefix,
          monthly_budget_cap,
        },
      },
      201,
    );
  },
);

adminRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/admin/v1/accounts/{id}",
    tags: ["admin"],
    summary: "Change an account's rate limit",
    security: [{ adminToken: [] }],
    middleware: [requireAdminToken] as const,
    request: { params: IdParamSchema, ...jsonBody(z.object({ rate_limit_per_minute: RateLimitSchema })) },
    responses: {
      200: jsonResponse("The account", z.object({ success: z.literal(true), data: AccountSchema })),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const account = await setAccountRateLimit(c.env.DB, id, c.req.valid("json").rate_limit_per_minute);
    forgetCachedApiKeys();
    if (!account) {
      throw new ApiError(404, `Account ${id} not found`);
    }
    return c.json(
      {
        success: true as const,
        data: { account_id: account.id, name: account.name, credits: account.credits, rate_limit_per_minute: account.rateLimitPerMinute },
      },
      200,
    );
  },
);

adminRoutes.openapi(
  createRoute({
    method: "post",
    path: "/admin/v1/accounts/{id}/credits",
    tags: ["admin"],
    summary: "Grant credits to an account (a ledger grant)",
    security: [{ adminToken: [] }],
    middleware: [requireAdminToken] as const,
    request: { params: IdParamSchema, ...jsonBody(z.object({ amount: z.int().min(1).max(MAX_CREDITS) })) },
    responses: {
      200: jsonResponse("The new balance", z.object({ success: z.literal(true), data: z.object({ credits: z.int() }) })),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { amount } = c.req.valid("json");
    const credits = await grantCredits(c.env.DB, { accountId: id, amount, now: new Date().toISOString() });
    if (credits === null) {
      throw new ApiError(404, `Account ${id} not found`);
    }
    return c.json({ success: true as const, data: { credits } }, 200);
  },
);

adminRoutes.openapi(
  createRoute({
    method: "post",
    path: "/admin/v1/accounts/{id}/api-keys",
    tags: ["admin"],
    summary: "Create another API key for an account",
    security: [{ adminToken: [] }],
    middleware: [requireAdminToken] as const,
    request: {
      params: IdParamSchema,
      body: { content: { "application/json": { schema: z.object({ monthly_budget_cap: BudgetCapSchema.optional() }) } }, required: false },
    },
    responses: {
      201: jsonResponse(
        "Created",
        z.object({ success: z.literal(true), data: ApiKeyCreatedSchema.extend({ account_id: z.string() }) }),
      ),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { monthly_budget_cap = null } = c.req.valid("json") ?? {};
    if (!(await getAccountById(c.env.DB, id))) {
      throw new ApiError(404, `Account ${id} not found`);
    }
    const key = await generateApiKey();
    await insertApiKey(c.env.DB, { ...key, accountId: id, monthlyBudgetCap: monthly_budget_cap, now: new Date().toISOString() });
    return c.json(
      {
        success: true as const,
        data: { account_id: id, api_key: key.key, api_key_id: key.id, prefix: key.prefix, monthly_budget_cap },
      },
      201,
    );
  },
);

adminRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/admin/v1/api-keys/{id}",
    tags: ["admin"],
    summary: "Set or clear an API key's monthly budget cap",
    security: [{ adminToken: [] }],
    middleware: [requireAdminToken] as const,
    request: { params: IdParamSchema, ...jsonBody(z.object({ monthly_budget_cap: BudgetCapSchema })) },
    responses: {
      200: jsonResponse("The key", z.object({ success: z.literal(true), data: ApiKeySchema })),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const key = await setApiKeyBudgetCap(c.env.DB, id, c.req.valid("json").monthly_budget_cap);
    forgetCachedApiKeys();
    if (!key) {
      throw new ApiError(404, `API key ${id} not found`);
    }
    return c.json(
      {
        success: true as const,
        data: { api_key_id: key.id, account_id: key.accountId, prefix: key.prefix, monthly_budget_cap: key.monthlyBudgetCap, revoked_at: key.revokedAt },
      },
      200,
    );
  },
);

adminRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/admin/v1/api-keys/{id}",
    tags: ["admin"],
    summary: "Revoke an API key (idempotent)",
    security: [{ adminToken: [] }],
    middleware: [requireAdminToken] as const,
    request: { params: IdParamSchema },
    responses: {
      200: jsonResponse(
        "Revoked",
        z.object({
          success: z.literal(true),
          data: z.object({ api_key_id: z.string(), prefix: z.string(), revoked_at: z.string() }),
        }),
      ),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await revokeApiKey(c.env.DB, id, new Date().toISOString());
    // Here at once; other isolates within API_KEY_CACHE_SECONDS.
    forgetCachedApiKeys();
    const key = await getApiKeyById(c.env.DB, id);
    if (!key?.revokedAt) {
      throw new ApiError(404, `API key ${id} not found`);
    }
    return c.json({ success: true as const, data: { api_key_id: key.id, prefix: key.prefix, revoked_at: key.revokedAt } }, 200);
  },
);
