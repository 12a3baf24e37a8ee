import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ADMIN_TOKEN = "test-admin-token";

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** A raw body sent as is (for malformed JSON and size tests). */
  rawBody?: string;
  key?: string | null;
  headers?: Record<string, string>;
}

/** Sends a request through the Worker's real fetch handler. */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) {
    headers.Authorization = `Bearer ${options.key}`;
  }
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers["Content-Type"] ??= "application/json";
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  return exports.default.fetch(`https://lamina.test${path}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
}

export async function callJson<T = any>(path: string, options: CallOptions = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await call(path, options);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

export interface TestAccount {
  accountId: string;
  apiKey: string;
  apiKeyId: string;
}

/** Creates a fresh account through the operator API, so every test owns its data. */
export async function createAccount(credits = 100, name = "Test account"): Promise<TestAccount> {
  const { status, body } = await callJson("/admin/v1/accounts", { body: { name, credits }, key: ADMIN_TOKEN });
  if (status !== 201) {
    throw new Error(`account creation failed: ${status} ${JSON.stringify(body)}`);
  }
  return { accountId: body.data.account_id, apiKey: body.data.api_key, apiKeyId: body.data.api_key_id };
}

/** The account's first API key, for tests that charge through src/db directly. */
export async function apiKeyIdOf(accountId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM api_keys WHERE account_id = ?1 ORDER BY created_at LIMIT 1").bind(accountId).first<{ id: string }>();
  return row!.id;
}

export async function balanceOf(accountId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT credits FROM accounts WHERE id = ?1").bind(accountId).first<{ credits: number }>();
  return row!.credits;
}

export async function ledgerOf(accountId: string): Promise<{ reason: string; amount: number; job_id: string | null }[]> {
  const { results } = await env.DB.prepare(
    "SELECT reason, amount, job_id FROM credit_ledger WHERE account_id = ?1 ORDER BY id",
  )
    .bind(accountId)
    .all<{ reason: string; amount: number; job_id: string | null }>();
  return results;
}

export async function jobsOf(accountId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM jobs WHERE account_id = ?1 ORDER BY created_at")
    .bind(accountId)
    .all<Record<string, unknown>>();
  return results;
}

/** The seed request of the README: an 800×600 white PNG. */
export const SEED_REQUEST = {
  dimensions: { width: 800, height: 600 },
  layers: [{ index: 0, type: "solid-color-background", hex_color: "#FFFFFF" }],
  output_format: "png",
};

/** Sends `body` to `path` for a fresh account: a 400 whose message matches, nothing charged, no job made. */
export async function expectRefused(path: string, body: unknown, message: RegExp): Promise<void> {
  const account = await createAccount(5);
  const res = await callJson(path, { key: account.apiKey, body });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatch(message);
  expect(await balanceOf(account.accountId)).toBe(5);
  expect(await jobsOf(account.accountId)).toHaveLength(0);
}
