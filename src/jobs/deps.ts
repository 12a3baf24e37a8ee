import type { ProcessDeps } from "../apis/define";
import type { ExtractionAi } from "../apis/document-extraction/extract/ai";

/** The dependencies `process()` gets on both paths, sync and async. */
export function createProcessDeps(env: Env): ProcessDeps {
  return {
    fetch: (request, init) => fetch(request, init),
    ...(env.AI ? { ai: env.AI as unknown as ExtractionAi, aiModel: env.EXTRACTION_AI_MODEL || undefined } : {}),
  };
}
