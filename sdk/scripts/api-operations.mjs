// The API routes of the server's OpenAPI document, as every SDK generator reads them: a route that answers both
// 200 (sync) and 201 (async) and is not a deprecated alias, with its type name, request and data schemas.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** sdk/openapi.json, written by sdk/scripts/openapi.mjs from the Worker's zod schemas. */
export function readOpenApi() {
  return JSON.parse(readFileSync(join(ROOT, "sdk/openapi.json"), "utf8"));
}

/** `image-generation` → `ImageGeneration`. */
export const pascalSlug = (slug) => slug.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase());

export function apiOperations(document) {
  const apis = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    const operation = methods.post;
    if (!operation?.responses?.["200"] || !operation.responses["201"] || operation.deprecated) {
      continue;
    }
    const request = operation.requestBody.content["application/json"].schema;
    const data = operation.responses["200"].content["application/json"].schema.properties.data;
    apis.push({ name: pascalSlug(operation.tags[0]), path, slug: operation.tags[0], request, data, example: request.example });
  }
  return apis;
}
