/**
 * Every variable the Worker reads, read here and nowhere else, each with its one default. Workers vars are
 * strings: a malformed value falls back to the default rather than to NaN. An API's own variables are declared
 * in its definition (`settings`) and resolved here too.
 */
import type { ApiDefinition } from "./apis/define";
import { parseDevHosts } from "./inputs/url-guard";

export interface Config {
  /**
   * MAX_REQUEST_BYTES: bodies past it get 413 before they are parsed. A JSON body is held as text, then as the
   * strings it parses into, then as the bytes its base64 decodes to: a 58.7 MiB body needed a 192 MB V8 heap, a
   * 16 MiB one 96 MB (`npm run bench:limits`). 16 MiB carries a file of about 12 MB as base64.
   */
  maxRequestBytes: number;
  webhookTimeoutMs: number;
  webhookRetryDelaysSeconds: number[];
  webhookRetryAfterMaxSeconds: number;
  /** DEV_HOSTS, local development only: hosts exempt from the URL guard's host rules (webhooks and inputs). */
  devHosts: ReadonlySet<string>;
  resultRetentionHours: number;
  processingTimeoutSeconds: number;
  /** A sync job still processing after this long lost its request (a crash or the CPU limit): failed and refunded. */
  syncProcessingTimeoutSeconds: number;
  stuckQueuedSeconds: number;
  /** ADMIN_TOKEN (a secret): unset, the operator API does not exist. */
  adminToken: string | undefined;
  /** REDELIVERY_MAX_PER_JOB and REDELIVERY_MAX_PER_ACCOUNT_HOUR: redeliveries are free, so they are capped. */
  redeliveryMaxPerJob: number;
  redeliveryMaxPerAccountHour: number;
  /** API_KEY_CACHE_SECONDS: how long an isolate keeps a resolved key (so a revocation elsewhere takes this long); 0 = off. */
  apiKeyCacheSeconds: number;
  /** RATE_LIMIT_PER_MINUTE: requests per minute per account unless the account has its own limit; 0 = unlimited. */
  rateLimitPerMinute: number;
  /** RESULT_URL_SECRET (a secret): signs result links; unset, result_delivery "url" is refused. */
  resultUrlSecret: string | undefined;
  /** RESULT_URL_TTL_SECONDS: how long a signed result link works (never past the result's retention). */
  resultUrlTtlSeconds: number;
  /** PUBLIC_BASE_URL: the origin signed result links point at; unset, the origin the request came in on. */
  publicBaseUrl: string | undefined;
  /**
   * SERVER_TIMING ("true"): sync answers carry `Server-Timing: process;dur=<ms>`, the API's own processing time.
   * For local measurement (`npm run bench`): deployed, the clock stands still while code runs and moves only at
   * I/O, so the figure would count waits only.
   */
  serverTiming: boolean;
}

function positiveNumber(value: unknown, fallback: number): number {
  const parsed = Number(value);
  return typeof value === "string" && value !== "" && Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

function delayList(value: unknown, fallback: number[]): number[] {
  const delays = (typeof value === "string" ? value : "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map(Number);
  // At most 6 retries: the delivery queue's own max_retries (10) must stay above them, as room for storage errors.
  return delays.length > 0 && delays.length <= 6 && delays.every((delay) => Number.isInteger(delay) && delay >= 0 && delay <= 43200)
    ? delays
    : fallback;
}

/** The origin of an http(s) URL (no path, no trailing slash), or undefined for anything else. */
function originOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "" || !URL.canParse(value)) {
    return undefined;
  }
  const url = new URL(value);
  return url.protocol === "https:" || url.protocol === "http:" ? url.origin : undefined;
}

const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

const cache = new WeakMap<object, Config>();

export function readConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = {
      // 0 would refuse every body: it falls back to the default too.
      maxRequestBytes: positiveNumber(env.MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES) || DEFAULT_MAX_REQUEST_BYTES,
      webhookTimeoutMs: positiveNumber(env.WEBHOOK_TIMEOUT_MS, 15_000),
      webhookRetryDelaysSeconds: delayList(env.WEBHOOK_RETRY_DELAYS_SECONDS, [10, 60, 300]),
      webhookRetryAfterMaxSeconds: positiveNumber(env.WEBHOOK_RETRY_AFTER_MAX_SECONDS, 3600),
      devHosts: parseDevHosts(env.DEV_HOSTS),
      resultRetentionHours: positiveNumber(env.RESULT_RETENTION_HOURS, 24),
      processingTimeoutSeconds: positiveNumber(env.PROCESSING_TIMEOUT_SECONDS, 960),
      syncProcessingTimeoutSeconds: positiveNumber(env.SYNC_PROCESSING_TIMEOUT_SECONDS, 300),
      stuckQueuedSeconds: positiveNumber(env.STUCK_QUEUED_SECONDS, 300),
      adminToken: env.ADMIN_TOKEN || undefined,
      redeliveryMaxPerJob: positiveNumber(env.REDELIVERY_MAX_PER_JOB, 5),
      redeliveryMaxPerAccountHour: positiveNumber(env.REDELIVERY_MAX_PER_ACCOUNT_HOUR, 60),
      // At most a minute: a revoked key must stop working soon.
      apiKeyCacheSeconds: Math.min(60, positiveNumber(env.API_KEY_CACHE_SECONDS, 5)),
      rateLimitPerMinute: Math.floor(positiveNumber(env.RATE_LIMIT_PER_MINUTE, 100)),
      resultUrlSecret: env.RESULT_URL_SECRET || undefined,
      // At least a minute: a link must survive the receiver's trip back to fetch it.
      resultUrlTtlSeconds: Math.max(60, positiveNumber(env.RESULT_URL_TTL_SECONDS, 3600)),
      publicBaseUrl: originOf(env.PUBLIC_BASE_URL),
      serverTiming: env.SERVER_TIMING === "true",
    };
    cache.set(env, config);
  }
  return config;
}

/** An API's declared settings (each the deployment's value, else its default) and which of its optional bindings exist. */
export function readApiEnvironment(env: Env, api: ApiDefinition): { settings: Record<string, string>; bindings: Record<string, unknown> } {
  const vars = env as unknown as Record<string, unknown>;
  const settings: Record<string, string> = {};
  for (const [name, setting] of Object.entries(api.settings)) {
    const value = vars[name];
    settings[name] = typeof value === "string" && value !== "" ? value : setting.default;
  }
  const bindings: Record<string, unknown> = {};
  for (const name of api.optionalBindings) {
    if (vars[name] !== undefined && vars[name] !== null) {
      bindings[name] = vars[name];
    }
  }
  return { settings, bindings };
}
