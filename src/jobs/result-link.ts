/**
 * Signed result links: `GET /v1/jobs/{id}/result?expires=<unix seconds>&signature=<HMAC>` downloads a job's
 * result without an API key until it expires. The signature is HMAC-SHA256 over `{job id}.{expires}` with the
 * RESULT_URL_SECRET secret, base64url; anything changed in the link, or a link past its time, is refused.
 */
import type { Config } from "../config";
import type { Job } from "../db/jobs";

const encoder = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

function toBase64Url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(text)) {
    return null;
  }
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function signResultLink(secret: string, jobId: string, expires: number): Promise<string> {
  return toBase64Url(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`${jobId}.${expires}`)));
}

/**
 * The link for a job's result, made at delivery time: it works for RESULT_URL_TTL_SECONDS, and never past the
 * result's retention (the sweeper deletes it then).
 */
export async function resultLinkFor(config: Config, job: Job, now: Date): Promise<{ url: string; expiresAt: Date }> {
  const origin = config.publicBaseUrl ?? job.requestOrigin;
  if (!config.resultUrlSecret || !origin) {
    throw new Error("a result link needs RESULT_URL_SECRET and an origin");
  }
  const retainedUntil = Date.parse(job.finishedAt ?? now.toISOString()) + config.resultRetentionHours * 3_600_000;
  const expires = Math.floor(Math.min(now.getTime() + config.resultUrlTtlSeconds * 1000, retainedUntil) / 1000);
  const signature = await signResultLink(config.resultUrlSecret, job.id, expires);
  const url = `${origin}/v1/jobs/${job.id}/result?expires=${expires}&signature=${signature}`;
  return { url, expiresAt: new Date(expires * 1000) };
}

/** Checks a link's `expires` and `signature` for the job, in constant time. */
export async function verifyResultLink(
  secret: string | undefined,
  link: { jobId: string; expires: string; signature: string },
  now: Date,
): Promise<"valid" | "expired" | "invalid"> {
  const signature = fromBase64Url(link.signature);
  if (!secret || !signature || !/^\d{1,12}$/.test(link.expires)) {
    return "invalid";
  }
  const expires = Number(link.expires);
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), signature, encoder.encode(`${link.jobId}.${expires}`));
  if (!valid) {
    return "invalid";
  }
  return expires * 1000 <= now.getTime() ? "expired" : "valid";
}
