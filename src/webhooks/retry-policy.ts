/**
 * When to try a failed delivery again: the configured schedule (one delay per retry) plus up to 20%
 * jitter so a receiver that comes back is not hit by every retry at once, or the receiver's Retry-After
 * when it asks for longer, up to a cap. Queues accept delays up to 12 hours.
 */
const MAX_QUEUE_DELAY_SECONDS = 43_200;
const JITTER_SHARE = 0.2;

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(header: string | null, now: Date): number | null {
  if (!header) {
    return null;
  }
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

/**
 * The delay before the next attempt after `failedAttempts` failures (1 after the first attempt).
 */
export function nextRetryDelaySeconds(options: {
  failedAttempts: number;
  scheduleSeconds: readonly number[];
  retryAfterSeconds: number | null;
  retryAfterCapSeconds: number;
  random?: () => number;
}): number {
  const { failedAttempts, scheduleSeconds, retryAfterSeconds, retryAfterCapSeconds } = options;
  const random = options.random ?? Math.random;
  const index = Math.min(Math.max(failedAttempts - 1, 0), scheduleSeconds.length - 1);
  const base = scheduleSeconds[index] ?? 0;
  const scheduled = base + Math.floor(base * JITTER_SHARE * random());
  const asked = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds, retryAfterCapSeconds);
  return Math.min(Math.max(scheduled, asked), MAX_QUEUE_DELAY_SECONDS);
}
