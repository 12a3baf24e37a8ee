import { describe, expect, it } from "vitest";
import { nextRetryDelaySeconds, parseRetryAfter } from "../../src/webhooks/retry-policy";

const policy = { scheduleSeconds: [10, 60, 300], retryAfterSeconds: null, retryAfterCapSeconds: 3600 };

describe("nextRetryDelaySeconds", () => {
  it("follows the schedule, one delay per retry, repeating the last", () => {
    const none = () => 0;
    expect([1, 2, 3, 4].map((failedAttempts) => nextRetryDelaySeconds({ ...policy, failedAttempts, random: none }))).toEqual([
      10, 60, 300, 300,
    ]);
  });

  it("adds up to 20% jitter", () => {
    expect(nextRetryDelaySeconds({ ...policy, failedAttempts: 2, random: () => 0.999 })).toBe(71);
    expect(nextRetryDelaySeconds({ ...policy, failedAttempts: 2, random: () => 0.5 })).toBe(66);
  });

  it("waits longer when Retry-After asks for it, never longer than the cap, never shorter than the schedule", () => {
    const none = () => 0;
    expect(nextRetryDelaySeconds({ ...policy, failedAttempts: 1, retryAfterSeconds: 120, random: none })).toBe(120);
    expect(nextRetryDelaySeconds({ ...policy, failedAttempts: 1, retryAfterSeconds: 999_999, random: none })).toBe(3600);
    expect(nextRetryDelaySeconds({ ...policy, failedAttempts: 3, retryAfterSeconds: 1, random: none })).toBe(300);
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  it.each([
    ["120", 120],
    [" 5 ", 5],
    ["Mon, 30 Nov 2026 12:01:00 GMT", 60],
    ["Mon, 30 Nov 2026 11:00:00 GMT", 0],
    ["soon", null],
    [null, null],
  ])("reads %j as %j seconds", (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });
});
