/**
 * Refuses request bodies nested deeper than any valid request can be, before they reach JSON.parse and the
 * recursive schema validation (which would run out of stack: a 500 instead of a 400).
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { jsonNestingDepth } from "../budgets";
import { ApiError } from "../errors";

/** The deepest valid request (8 nested layouts) is about 30 levels; this leaves room and no more. */
export const MAX_JSON_DEPTH = 64;

export const rejectDeepJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  // The text is cached on the request, so the JSON validator that runs next does not read the body again.
  if (jsonNestingDepth(await c.req.text()) > MAX_JSON_DEPTH) {
    throw new ApiError(400, `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  await next();
};
