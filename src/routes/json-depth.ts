/**
 * Refuses request bodies nested deeper than any valid request can be, before they reach JSON.parse and the
 * recursive schema validation (which would run out of stack: a 500 instead of a 400).
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

/** The deepest valid request (8 nested layouts) is about 30 levels; this leaves room and no more. */
export const MAX_JSON_DEPTH = 64;

/** How deeply `text` nests arrays and objects, counted without parsing (strings are skipped). */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) {
        i++;
      } else if (char === 0x22 /* " */) {
        inString = false;
      }
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
      }
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      depth--;
    }
  }
  return deepest;
}

export const rejectDeepJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  // The text is cached on the request, so the JSON validator that runs next does not read the body again.
  if (jsonNestingDepth(await c.req.text()) > MAX_JSON_DEPTH) {
    throw new ApiError(400, `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  await next();
};
