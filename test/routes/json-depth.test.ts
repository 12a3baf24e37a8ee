import { describe, expect, it } from "vitest";
import { jsonNestingDepth } from "../../src/budgets";
import { MAX_JSON_DEPTH } from "../../src/routes/json-depth";
import { balanceOf, call, createAccount } from "../helpers/http";

describe("jsonNestingDepth", () => {
  it.each([
    ["1", 0],
    ["{}", 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['{"a":"[[[[{{{{"}', 1],
    ['{"a":"\\"[[[["}', 1],
    ["[".repeat(100) + "]".repeat(100), 100],
  ])("measures %s as %i", (text, depth) => {
    expect(jsonNestingDepth(text)).toBe(depth);
  });
});

it("answers a body nested past the limit with 400 (not a stack overflow) and charges nothing", async () => {
  const account = await createAccount(10);
  let layer = '{"type":"solid-color","hex_color":"#FFFFFF"}';
  for (let i = 0; i < 50_000; i++) {
    layer = `{"type":"layout","layers":[${layer}]}`;
  }
  const res = await call("/image-generation/v1/generate", {
    rawBody: `{"dimensions":{"width":4,"height":4},"layers":[${layer}]}`,
    key: account.apiKey,
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ success: false, error: `Request body nests deeper than ${MAX_JSON_DEPTH} levels` });
  expect(await balanceOf(account.accountId)).toBe(10);
});
