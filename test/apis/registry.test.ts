/**
 * The registry drives every route: each API's example is a valid request that processes through the real sync
 * path, and each definition is consistent with the naming rules.
 */
import { describe, expect, it } from "vitest";
import { apis, findApi } from "../../src/apis";
import { callJson, createAccount } from "../helpers/http";

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
    const res = await callJson(api.path, { key: account.apiKey, body: api.example });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
  });

  it("follows the naming rules: api id is the slug in snake_case, the path starts with the slug", () => {
    expect(api.id).toBe(api.slug.replace(/-/g, "_"));
    expect(api.path.startsWith(`/${api.slug}/v1/`)).toBe(true);
  });
});
