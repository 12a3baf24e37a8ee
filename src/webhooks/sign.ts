/**
 * Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the
 * base64-decoded part of a `whsec_` secret. Several secrets (during a rotation) give several signatures,
 * space-separated, so receivers verify with either.
 */
const SECRET_PREFIX = "whsec_";

export function generateWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return SECRET_PREFIX + btoa(String.fromCharCode(...bytes));
}

function secretKeyBytes(secret: string): Uint8Array {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new Error("webhook secret must start with whsec_");
  }
  const bytes = Uint8Array.from(atob(secret.slice(SECRET_PREFIX.length)), (c) => c.charCodeAt(0));
  if (bytes.length < 24) {
    throw new Error("webhook secret is too short");
  }
  return bytes;
}

export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secretKeyBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

export async function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): Promise<string> {
  const signatures = await Promise.all(secrets.map((secret) => signWebhook(secret, id, timestamp, body)));
  return signatures.join(" ");
}
