/**
 * Tunables read from vars, with the defaults that production runs with. Parsed once per use from
 * strings (Workers vars are strings); a malformed value falls back to the default rather than to NaN.
 */
export interface Config {
  webhookTimeoutMs: number;
  webhookRetryDelaysSeconds: number[];
  webhookRetryAfterMaxSeconds: number;
  webhookDevHosts: string | undefined;
  resultRetentionHours: number;
  processingTimeoutSeconds: number;
  stuckQueuedSeconds: number;
}

function positiveNumber(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

function delayList(value: string | undefined, fallback: number[]): number[] {
  const delays = (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map(Number);
  return delays.length > 0 && delays.every((delay) => Number.isInteger(delay) && delay >= 0 && delay <= 43200)
    ? delays
    : fallback;
}

export function readConfig(env: Env): Config {
  return {
    webhookTimeoutMs: positiveNumber(env.WEBHOOK_TIMEOUT_MS, 15_000),
    webhookRetryDelaysSeconds: delayList(env.WEBHOOK_RETRY_DELAYS_SECONDS, [10, 60, 300]),
    webhookRetryAfterMaxSeconds: positiveNumber(env.WEBHOOK_RETRY_AFTER_MAX_SECONDS, 3600),
    webhookDevHosts: env.WEBHOOK_DEV_HOSTS,
    resultRetentionHours: positiveNumber(env.RESULT_RETENTION_HOURS, 24),
    processingTimeoutSeconds: positiveNumber(env.PROCESSING_TIMEOUT_SECONDS, 960),
    stuckQueuedSeconds: positiveNumber(env.STUCK_QUEUED_SECONDS, 300),
  };
}
