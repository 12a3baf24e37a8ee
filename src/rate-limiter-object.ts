/** The rate limiter's Durable Object, one per account (`idFromName(accountId)`): see rate-limiter.ts. */
import { DurableObject } from "cloudflare:workers";
import { SlidingWindow, type RateLimitDecision } from "./rate-limiter";

export class RateLimiter extends DurableObject<Env> {
  private readonly window = new SlidingWindow();

  hit(limit: number): RateLimitDecision {
    return this.window.hit(limit, Date.now());
  }
}
