import type { AiBinding, ProcessDeps } from "../apis/define";

/** The dependencies `process()` gets on both paths, sync and async. */
export function createProcessDeps(env: Env): ProcessDeps {
  return {
    fetch: (request, init) => fetch(request, init),
    ...(env.AI ? { ai: env.AI as unknown as AiBinding, aiModel: env.EXTRACTION_AI_MODEL || undefined } : {}),
  };
}
