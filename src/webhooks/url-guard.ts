/**
 * Which URLs we will POST results to. Workers offer no DNS lookup to check where a name resolves, so the
 * guard refuses what can be judged from the URL itself: anything but https, credentials, IP literals in
 * every spelling, and names that only resolve privately. Checked at accept time and again before each
 * delivery. WEBHOOK_DEV_HOSTS (local development only) exempts named hosts from the host rules and https.
 */
import { z } from "@hono/zod-openapi";

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export const WebhookUrlSchema = z.string().openapi({
  description:
    "Makes the request async: answered 201 at once, the result is POSTed here. Must be a public https URL " +
    `without credentials or an IP address, at most ${MAX_WEBHOOK_URL_LENGTH} characters.`,
  example: "https://example.com/webhooks/lamina",
});

const PRIVATE_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain", ".lan", ".intranet"];

/** Parses WEBHOOK_DEV_HOSTS: comma-separated host names, case-insensitive. */
export function parseDevHosts(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Why `raw` may not be used as a webhook URL, or null when it may. */
export function checkWebhookUrl(raw: string, devHosts: ReadonlySet<string> = new Set()): string | null {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  }
  if (!URL.canParse(raw)) {
    return "must be a valid URL";
  }
  const url = new URL(raw);
  // The WHATWG parser has already turned decimal, hex and octal IPv4 spellings into dotted form.
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const isDevHost = devHosts.has(host) || devHosts.has(url.hostname.toLowerCase());
  if (url.protocol !== "https:" && !(isDevHost && url.protocol === "http:")) {
    return "https is required";
  }
  if (url.username || url.password) {
    return "must not contain credentials";
  }
  if (isDevHost) {
    return null;
  }
  if (host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host) || /^[\d.]+$/.test(host)) {
    return "must use a host name, not an IP address";
  }
  if (host === "localhost" || PRIVATE_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return `host ${host} is not publicly reachable`;
  }
  if (!host.includes(".")) {
    return `host ${host} is not a fully qualified domain name`;
  }
  return null;
}
