/**
 * Property-based: random and mutated bodies thrown at every API route never get a 5xx, every refusal carries a
 * message, and a refused request charges nothing. Bounded (fixed seed, a few hundred runs) to stay fast.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apis } from "../src/apis";
import { balanceOf, call, createAccount } from "./helpers/http";
import { createReceiver } from "./helpers/webhook-receiver";

// Outbound fetches are intercepted (an example's web page URL is fetched): none leaves the machine, and one to
// an unknown URL fails as a fetch that failed (a 422).
createReceiver();

const weirdStrings = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom("", " ", "\u0000", "💥".repeat(10), "#GGGGGG", "solid-color", "layout", "https://example.com/x", "null"),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => "x".repeat(n)),
);
const weirdNumbers = fc.oneof(
  fc.integer({ min: -10, max: 100 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, 1.5, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308, Number.MAX_SAFE_INTEGER),
);
const leaf = fc.oneof(weirdStrings, weirdNumbers, fc.boolean(), fc.constant(null));
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("type", "index", "layers", "dimensions", "hex_color")), tie("value"), { maxKeys: 5 }),
})).value;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path (as a key list) to a value inside `value`. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      paths.push(...pathsOf(item, [...prefix, key]));
    }
  }
  return paths;
}

type Mutation = { kind: "replace" | "delete" | "add"; pick: number; value: Json; key: string };

function mutate(seed: Json, mutation: Mutation): Json {
  const copy = structuredClone(seed) as Json;
  const paths = pathsOf(copy).filter((path) => path.length > 0);
  if (paths.length === 0) {
    // Nothing left to mutate (a small seed after a deletion, `{}`): add a key at the top.
    return copy && typeof copy === "object" && !Array.isArray(copy) ? { ...copy, [mutation.key]: mutation.value } : mutation.value;
  }
  const path = paths[mutation.pick % paths.length]!;
  let parent: any = copy;
  for (const key of path.slice(0, -1)) {
    parent = parent[key];
  }
  const last = path.at(-1)!;
  if (mutation.kind === "replace") {
    parent[last] = mutation.value;
  } else if (mutation.kind === "delete") {
    if (Array.isArray(parent)) {
      parent.splice(Number(last), 1);
    } else {
      delete parent[last];
    }
  } else if (parent[last] && typeof parent[last] === "object" && !Array.isArray(parent[last])) {
    parent[last][mutation.key] = mutation.value;
  } else {
    parent[last] = mutation.value;
  }
  return copy;
}

const mutationArb = fc.record({
  kind: fc.constantFrom("replace", "delete", "add") as fc.Arbitrary<Mutation["kind"]>,
  pick: fc.nat(),
  value: anyJson as fc.Arbitrary<Json>,
  key: fc.oneof(fc.string(), fc.constantFrom("webhook_url", "layers", "index", "fields", "type", "source_field_names", "__proto__", "constructor")),
});

/** Each API's own example request (from the registry), mutated by the fuzzer; other APIs' examples are fuzzed against every route too. */
const SEEDS: Json[] = apis.map((api) => api.example as Json);

function bodies(seed: Json) {
  const withWebhook = { ...(seed as Record<string, Json>), webhook_url: "https://hooks.example.com/fuzz" } as Json;
  return fc.oneof(
    { weight: 1, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(seed, withWebhook), mutationArb).map(([base, m]) => JSON.stringify(mutate(base, m))) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(seed), mutationArb, mutationArb).map(([base, a, b]) => JSON.stringify(mutate(mutate(base, a), b))) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SEEDS), mutationArb).map(([base, m]) => JSON.stringify(mutate(base, m))) },
    { weight: 1, arbitrary: fc.string().map((text) => `{"dimensions":${text}`) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10, max: 20_000 }).map((depth) => {
        // Layouts (and ARRAY fields) nested far past any limit.
        let layer = '{"type":"solid-color","hex_color":"#FFFFFF"}';
        for (let i = 0; i < depth; i++) {
          layer = `{"type":"layout","layers":[${layer}]}`;
        }
        return `{"dimensions":{"width":4,"height":4},"layers":[${layer.replace('{"type":"layout"', '{"index":0,"type":"layout"')}]}`;
      }),
    },
  );
}

// Parameters are ids, not definitions: vitest sends test parameters to its runner, and a schema is large.
describe.each(apis.flatMap((api) => [api.path, ...api.aliases].map((path) => ({ path, id: api.id }))))("fuzzing POST $path", ({ path, id }) => {
  const api = apis.find((candidate) => candidate.id === id)!;
  it("never answers 5xx; every refusal has a message and charges nothing", async () => {
    const account = await createAccount(1_000_000);
    await fc.assert(
      fc.asyncProperty(bodies(api.example as Json), async (body) => {
        const before = await balanceOf(account.accountId);
        const res = await call(path, { rawBody: body, key: account.apiKey });
        const json = (await res.json()) as { success: boolean; error?: unknown };
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(json.success).toBe(false);
          expect(typeof json.error === "string" && json.error.length > 0).toBe(true);
          expect(await balanceOf(account.accountId)).toBe(before);
        }
      }),
      { numRuns: 600, seed: 20261130, endOnFailure: true },
    );
  }, 120_000);
});
