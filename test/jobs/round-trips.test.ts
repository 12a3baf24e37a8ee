/**
 * Storage round trips of the async accept path, counted (not estimated) by wrapping the real bindings: every D1
 * statement run or batch, every R2 call, every queue send. `npm run bench` prints the same count.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fetchWithEnv } from "../helpers/worker";
import { createAccount } from "../helpers/http";
import { SMALL_IMAGE } from "../helpers/jobs";

export interface RoundTrips {
  d1: string[];
  r2: string[];
  queue: string[];
  durableObject: string[];
}

/** The bindings the accept path touches, each wrapped to log what it is asked to do. */
function countingEnv(): { env: Partial<Env>; trips: RoundTrips } {
  const trips: RoundTrips = { d1: [], r2: [], queue: [], durableObject: [] };
  const statement = (inner: D1PreparedStatement, sql: string): D1PreparedStatement =>
    new Proxy(inner, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key === "bind") return (...args: unknown[]) => statement((value as Function).apply(target, args), sql);
        if (["first", "run", "all", "raw"].includes(String(key))) {
          return (...args: unknown[]) => {
            trips.d1.push(sql.replace(/\s+/g, " ").slice(0, 60));
            return (value as Function).apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const db = new Proxy(env.DB, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (key === "prepare") return (sql: string) => statement(value.call(target, sql), sql);
      if (key === "batch") {
        return (statements: D1PreparedStatement[]) => {
          trips.d1.push(`batch of ${statements.length}`);
          return value.call(target, statements);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const files = new Proxy(env.FILES, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        trips.r2.push(String(key));
        return value.apply(target, args);
      };
    },
  });
  const queue = new Proxy(env.PROCESSING_QUEUE, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        trips.queue.push(String(key));
        return value.apply(target, args);
      };
    },
  });
  const limiter = new Proxy(env.RATE_LIMITER, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (key === "get") {
        return (...args: unknown[]) => {
          trips.durableObject.push("rate limiter");
          return value.apply(target, args);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: { DB: db, FILES: files, PROCESSING_QUEUE: queue, RATE_LIMITER: limiter }, trips };
}

async function acceptOnce(apiKey: string, overrides: Partial<Env>): Promise<Response> {
  const request = new Request("https://lamina.test/image-generation/v1/generate", {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ ...SMALL_IMAGE, webhook_url: "https://hooks.example.com/round-trips" }),
  });
  return fetchWithEnv(request, overrides);
}

describe("the async accept path's storage round trips", () => {
  it("is two with the key resolved in this isolate: the charge batch (with the small input) and the queue send", async () => {
    const account = await createAccount(100);
    const cold = countingEnv();
    expect((await acceptOnce(account.apiKey, cold.env)).status).toBe(201);
    // The first request of a key looks it up.
    expect(cold.trips).toEqual({ d1: [expect.stringMatching(/^SELECT a\.id/), "batch of 5"], r2: [], queue: ["send"], durableObject: ["rate limiter"] });

    const warm = countingEnv();
    expect((await acceptOnce(account.apiKey, warm.env)).status).toBe(201);
    const storage = warm.trips.d1.length + warm.trips.r2.length + warm.trips.queue.length;
    console.log(`ROUND_TRIPS ${JSON.stringify({ storage, ...warm.trips })}`);
    expect(warm.trips).toEqual({ d1: ["batch of 5"], r2: [], queue: ["send"], durableObject: ["rate limiter"] });
    expect(storage).toBe(2);
  });

  it("writes an input past 64 KB to R2 instead, one round trip more", async () => {
    const account = await createAccount(100);
    // An image layer of 70 KB of base64 (valid at accept; what it decodes to does not matter here).
    const big = { ...SMALL_IMAGE, layers: [{ index: 0, type: "image", file: { type: "base64", base64: btoa("x".repeat(52_500)) } }] };
    const counted = countingEnv();
    const request = new Request("https://lamina.test/image-generation/v1/generate", {
      method: "POST",
      headers: { Authorization: `Bearer ${account.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ ...big, webhook_url: "https://hooks.example.com/round-trips" }),
    });
    expect((await fetchWithEnv(request, counted.env)).status).toBe(201);
    expect(counted.trips.r2).toEqual(["put"]);
    const [job] = (await env.DB.prepare("SELECT input FROM jobs WHERE account_id = ?1").bind(account.accountId).all<{ input: string | null }>()).results;
    expect(job!.input).toBeNull();
  });
});
