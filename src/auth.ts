/**
 * Bearer API keys (`il_` + 48 hex characters, stored as SHA-256 hashes) and the operator token.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { readConfig } from "./config";
import { findAccountByKeyHash } from "./db/api-keys";
import { ApiError } from "./errors";
import { sha256Hex } from "./hash";

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

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}

/** Resolves the API key to its account, or answers 401. */
export const requireApiKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearerToken(c.req.header("Authorization"));
  if (!token) {
    throw new ApiError(401, "Missing API key: send Authorization: Bearer <API_KEY>");
  }
  const account = API_KEY_PATTERN.test(token) ? await findAccountByKeyHash(c.env.DB, await sha256Hex(token)) : null;
  if (!account) {
    throw new ApiError(401, "Invalid or revoked API key");
  }
  c.set("account", account);
  await next();
};

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
