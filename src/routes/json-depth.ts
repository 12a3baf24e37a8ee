/**
 * Refuses request bodies nested deeper than any valid request can be, or holding more objects and arrays than an
 * isolate can parse and validate, before they reach JSON.parse and the recursive schema validation (which would
 * run out of stack, or of memory: a 500 or a crash instead of a 400).
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { jsonShape, MAX_JSON_CONTAINERS } from "../budgets";
import { ApiError } from "../errors";

/** The deepest valid request (8 nested layouts) is about 30 levels; this leaves room and no more. */
export const MAX_JSON_DEPTH = 64;

export const rejectDeepJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  // The text is cached on the request, so the JSON validator that runs next does not read the body again.
  const shape = jsonShape(await c.req.text());
  if (shape.depth > MAX_JSON_DEPTH) {
    throw new ApiError(400, `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  if (shape.containers > MAX_JSON_CONTAINERS) {
    throw new ApiError(400, `Request body holds ${shape.containers.toLocaleString("en")} JSON objects and arrays; at most ${MAX_JSON_CONTAINERS.toLocaleString("en")} (split the request)`);
  }
  await next();
};
