/**
 * Which URLs we will reach: webhooks we POST results to, and every URL we fetch (file inputs, image layers,
 * fonts, each hop of a redirect). Workers offer no DNS lookup to check where a name resolves, so the guard
 * refuses what can be judged from the URL itself: anything but https, credentials, IP literals in every
 * spelling, and names that only resolve privately. DEV_HOSTS (local development only) exempts named hosts from
 * the host rules and, for webhooks, from https.
 */
import { z } from "@hono/zod-openapi";

export const MAX_URL_LENGTH = 2048;

export const WebhookUrlSchema = z.string().openapi({
  description:
    "Makes the request async: answered 201 at once, the result is POSTed here. Must be a public https URL " +
    `without credentials or an IP address, at most ${MAX_URL_LENGTH} characters.`,
  example: "https://example.com/webhooks/lamina",
});

const PRIVATE_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain", ".lan", ".intranet"];

/** Parses DEV_HOSTS: comma-separated host names, case-insensitive, trailing dots ignored. */
export function parseDevHosts(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((host) => host.trim().toLowerCase().replace(/\.+$/, ""))
      .filter(Boolean),
  );
}

/** Why `raw` may not be reached, or null when it may. */
export function checkPublicUrl(raw: string, devHosts: ReadonlySet<string> = new Set()): string | null {
  if (raw.length > MAX_URL_LENGTH) {
    return `must be at most ${MAX_URL_LENGTH} characters`;
  }
  if (!URL.canParse(raw)) {
    return "must be a valid URL";
  }
  const url = new URL(raw);
  // The WHATWG parser has already turned decimal, hex and octal IPv4 spellings into dotted form, and IDNA has
  // mapped full-width and ideographic dots (`localhost。`) onto ".". A name may end in any number of dots.
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  const isDevHost = devHosts.has(host);
  if (url.protocol !== "https:" && !(isDevHost && url.protocol === "http:")) {
    return "https is required";
  }
  if (url.username || url.password) {
    return "must not contain credentials";
  }
  if (isDevHost) {
    return null;
  }
  if (host.startsWith("[") || /^[\d.]+$/.test(host)) {
    return "must use a host name, not an IP address";
  }
  if (host === "" || host === "localhost" || PRIVATE_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return `host ${host} is not publicly reachable`;
  }
  if (!host.includes(".")) {
    return `host ${host} is not a fully qualified domain name`;
  }
  return null;
}
