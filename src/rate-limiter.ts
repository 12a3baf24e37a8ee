/**
 * Rate limits: per account, a sliding window of requests per minute, kept by one Durable Object per account.
 * A Durable Object runs one request at a time wherever the callers are, so the count is exact across isolates
 * and locations (a limit of 20 lets 20 of 30 parallel requests through, not 25).
 *
 * The window is 60 one-second slots (the current second and the 59 before it): a request counts for a minute,
 * to the second, and the object holds 60 counters whatever the limit. The counts live in memory only: an object
 * is evicted only after it has been idle for longer than the window, by when every count has expired anyway (a
 * restart or deploy in between forgets at most one minute of counts, which errs towards the caller).
 * The Durable Object class itself is in rate-limiter-object.ts, which only the Worker's entry imports.
 */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests still allowed in the window, after this one. */
  remaining: number;
  /** Unix seconds at which the oldest counted request leaves the window (now, when none is counted). */
  resetAt: number;
  /** On a refusal: seconds until a request is allowed again (at least 1). */
  retryAfterSeconds: number;
}

export class SlidingWindow {
  private readonly counts = new Uint32Array(RATE_LIMIT_WINDOW_SECONDS);
  /** The unix second each slot counts, so a slot left from an older minute reads as empty. */
  private readonly slotSeconds = new Float64Array(RATE_LIMIT_WINDOW_SECONDS).fill(-Infinity);

  hit(limit: number, nowMs: number): RateLimitDecision {
    const now = Math.floor(nowMs / 1000);
    const oldestCounted = now - RATE_LIMIT_WINDOW_SECONDS + 1;
    let total = 0;
    let oldest = Infinity;
    for (let slot = 0; slot < RATE_LIMIT_WINDOW_SECONDS; slot++) {
      const second = this.slotSeconds[slot]!;
      if (second >= oldestCounted && this.counts[slot]! > 0) {
        total += this.counts[slot]!;
        oldest = Math.min(oldest, second);
      }
    }
    const allowed = total < limit;
    if (allowed) {
      const slot = now % RATE_LIMIT_WINDOW_SECONDS;
      if (this.slotSeconds[slot] !== now) {
        this.slotSeconds[slot] = now;
        this.counts[slot] = 0;
      }
      this.counts[slot]! += 1;
      total += 1;
      oldest = Math.min(oldest, now);
    }
    const resetAt = oldest === Infinity ? now : oldest + RATE_LIMIT_WINDOW_SECONDS;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - total),
      resetAt,
      retryAfterSeconds: Math.max(1, Math.ceil((resetAt * 1000 - nowMs) / 1000)),
    };
  }
}

/** Counts one request of the account against `limit` (which must be above 0: 0 is unlimited and never asks). */
export async function countRequest(env: Env, accountId: string, limit: number): Promise<RateLimitDecision> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(accountId));
  return await stub.hit(limit);
}
