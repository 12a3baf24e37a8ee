/**
 * Bearer API keys (`il_` + 48 hex characters, stored as SHA-256 hashes), the account's rate limit that every
 * authenticated request counts against, and the operator token.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { readConfig } from "./config";
import type { Account } from "./db/accounts";
import { findApiKeyOwner, type ApiKeyRecord } from "./db/api-keys";
import { ApiError } from "./errors";
import { sha256Hex } from "./hash";
import { logEvent } from "./log";
import { countRequest, type RateLimitDecision } from "./rate-limiter";

const API_KEY_PATTERN = /^il_[0-9a-f]{48}$/;

export interface NewApiKey {
  id: string;
  key: string;
  keyHash: string;
  prefix: string;
}

export async function generateApiKey(): Promise<NewApiKey> {
  const random = crypto.getRandomValues(new Uint8Array(24));
  const key = `il_${[...random].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  return { id: crypto.randomUUID(), key, keyHash: await sha256Hex(key), prefix: key.slice(0, 10) };
}

/**
 * Keys this isolate resolved in the last API_KEY_CACHE_SECONDS (5 by default): the key lookup is then no storage
 * round trip. The bound that follows, stated in the README and tested: a key revoked (or an account's limit changed)
 * through another isolate keeps working there for at most that long; in the isolate that made the change, at once
 * (the admin routes call forgetCachedApiKeys). Only found keys are kept, at most OWNER_CACHE_MAX of them.
 */
const OWNER_CACHE_MAX = 10_000;
const ownerCache = new Map<string, { owner: { account: Account; apiKey: ApiKeyRecord }; until: number }>();

export function forgetCachedApiKeys(): void {
  ownerCache.clear();
}

async function findOwner(env: Env, keyHash: string): Promise<{ account: Account; apiKey: ApiKeyRecord } | null> {
  const ttlMs = readConfig(env).apiKeyCacheSeconds * 1000;
  const hit = ownerCache.get(keyHash);
  if (hit && hit.until > Date.now()) {
    return hit.owner;
  }
  const owner = await findApiKeyOwner(env.DB, keyHash);
  ownerCache.delete(keyHash);
  if (owner && ttlMs > 0) {
    if (ownerCache.size >= OWNER_CACHE_MAX) {
      ownerCache.delete(ownerCache.keys().next().value!);
    }
    ownerCache.set(keyHash, { owner, until: Date.now() + ttlMs });
  }
  return owner;
}

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}

/**
 * Resolves the API key to its account (401 when it cannot), then counts the request against the account's rate
 * limit: the X-RateLimit-* headers go on every response from here on, and past the limit the answer is a 429
 * with Retry-After before anything is read, charged or created.
 */
export const requireApiKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearerToken(c.req.header("Authorization"));
  if (!token) {
    throw new ApiError(401, "Missing API key: send Authorization: Bearer <API_KEY>");
  }
  const owner = API_KEY_PATTERN.test(token) ? await findOwner(c.env, await sha256Hex(token)) : null;
  if (!owner) {
    throw new ApiError(401, "Invalid or revoked API key");
  }
  c.set("account", owner.account);
  c.set("apiKey", owner.apiKey);
  const limit = owner.account.rateLimitPerMinute ?? readConfig(c.env).rateLimitPerMinute;
  if (limit > 0) {
    const decision = await countRequestFailingOpen(c.env, owner.account.id, limit);
    if (decision) {
      c.header("X-RateLimit-Limit", String(decision.limit));
      c.header("X-RateLimit-Remaining", String(decision.remaining));
      c.header("X-RateLimit-Reset", String(decision.resetAt));
      if (!decision.allowed) {
        c.header("Retry-After", String(decision.retryAfterSeconds));
        throw new ApiError(429, "Rate limit exceeded");
      }
    }
  }
  await next();
};

/**
 * A limiter that cannot be reached lets the request through (logged, without headers): an outage of the counter
 * must not become an outage of the API.
 */
async function countRequestFailingOpen(env: Env, accountId: string, limit: number): Promise<RateLimitDecision | null> {
  try {
    return await countRequest(env, accountId, limit);
  } catch (err) {
    logEvent({ event: "rate_limiter_unavailable", account_id: accountId, cause: String(err) });
    return null;
  }
}

/**
 * Guards /admin/v1/*. With no ADMIN_TOKEN configured the operator API does not exist (404), so a
 * deployment that never set the secret exposes nothing. Comparison is by hash, in constant time.
 */
export const requireAdminToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const expected = readConfig(c.env).adminToken;
  if (!expected) {
    throw new ApiError(404, "Not found");
  }
  const token = bearerToken(c.req.header("Authorization"));
  const [given, wanted] = await Promise.all([
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(token ?? "")),
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(expected)),
  ]);
  if (!token || !crypto.subtle.timingSafeEqual(given, wanted)) {
    throw new ApiError(401, "Invalid admin token");
  }
  await next();
};
