import type { ProcessDeps } from "../apis/define";

/** The dependencies `process()` gets on both paths, sync and async. */
export function createProcessDeps(): ProcessDeps {
  return { fetch: (request, init) => fetch(request, init) };
}
