/**
 * The registry drives every route: each API's example is a valid request that processes through the real sync
 * path, and each definition is consistent with the naming rules.
 */
import { describe, expect, it } from "vitest";
import { apis, findApi } from "../../src/apis";
import { callJson, createAccount } from "../helpers/http";
import { createReceiver } from "../helpers/webhook-receiver";

/** The URLs of an example's `{type: "url", url}` inputs. */
function exampleUrls(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(exampleUrls);
  if (typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  const own = record.type === "url" && typeof record.url === "string" ? [record.url] : [];
  return [...own, ...Object.values(record).flatMap(exampleUrls)];
}

// Parameters are ids, not definitions: vitest sends test parameters to its runner, and a schema is large.
describe.each(apis.map((api) => ({ id: api.id })))("the $id definition", ({ id }) => {
  const api = findApi(id)!;
  it("has an example request that its own schema accepts", () => {
    expect(api.example).toBeTypeOf("object");
    const parsed = api.request.safeParse(api.example);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it("answers its example with 200 through the sync route and charges its cost", async () => {
    const account = await createAccount(100);
    // An example that names a URL (a web page) gets a page there, from a site without robots.txt.
    for (const url of exampleUrls(api.example)) {
      createReceiver(() => new Response("<html><head><title>Widget</title></head><body><h1>Widget</h1><p>Price: $49.99</p></body></html>", { headers: { "Content-Type": "text/html" } }), url);
      createReceiver(() => new Response("not found", { status: 404 }), new URL("/robots.txt", url).href);
    }
    const res = await callJson(api.path, { key: account.apiKey, body: api.example });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
  });

  it("follows the naming rules: api id is the slug in snake_case, the path starts with the slug", () => {
    expect(api.id).toBe(api.slug.replace(/-/g, "_"));
    expect(api.path.startsWith(`/${api.slug}/v1/`)).toBe(true);
  });
});
