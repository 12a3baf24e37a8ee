import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireApiKey } from "../auth";
import { getAccountById } from "../db/accounts";
import { ApiError, errorResponses, handleValidationError } from "../errors";

const MeSchema = z
  .object({
    success: z.literal(true),
    data: z.object({ account_id: z.string(), name: z.string(), credits: z.int() }),
  })
  .openapi("Me");

export const meRoutes = new OpenAPIHono<AppEnv>({ defaultHook: handleValidationError });

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/me",
    tags: ["account"],
    summary: "The account behind the API key, with its credit balance",
    security: [{ apiKey: [] }],
    middleware: [requireApiKey] as const,
    responses: {
      200: { description: "The account", content: { "application/json": { schema: MeSchema } } },
      ...errorResponses(401),
    },
  }),
  async (c) => {
    // Read again rather than trusting the auth lookup: the balance is what the caller came for.
    const account = await getAccountById(c.env.DB, c.get("account").id);
    if (!account) {
      throw new ApiError(401, "Invalid or revoked API key");
    }
    return c.json(
      { success: true as const, data: { account_id: account.id, name: account.name, credits: account.credits } },
      200,
    );
  },
);
