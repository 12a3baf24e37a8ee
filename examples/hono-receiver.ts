// A Lamina webhook receiver in Hono on Node. Run: LAMINA_WEBHOOK_SECRET=whsec_... npm run hono
// The raw body is verified exactly as received: re-serialised JSON would not match the signature.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { decodeBuffer, downloadResult, verifyWebhook, WebhookVerificationError } from "lamina-sdk";

const secret = process.env.LAMINA_WEBHOOK_SECRET;
if (!secret) {
  throw new Error("Set LAMINA_WEBHOOK_SECRET (GET /v1/webhook-secret)");
}
const seen = new Set<string>();
const app = new Hono();

app.post("/webhooks/lamina", async (c) => {
  const raw = await c.req.text();
  try {
    const payload = await verifyWebhook(raw, c.req.raw.headers, secret);
    // Deliveries are at least once: the webhook-id (the job id) is the same on every retry.
    if (!seen.has(payload.job_id)) {
      seen.add(payload.job_id);
      if (payload.success && "buffer" in payload.data) {
        const bytes = decodeBuffer(payload.data);
        console.log(`${payload.api} ${payload.job_id}: ${bytes.length} bytes of ${payload.data.mime_type}`);
      } else if (payload.success && "url" in payload.data) {
        // result_delivery "url": a signed link instead of the base64, valid until payload.data.expires_at.
        const { buffer, mime_type } = await downloadResult(payload.data);
        console.log(`${payload.api} ${payload.job_id}: ${buffer.length} bytes of ${mime_type}, downloaded`);
      } else if (payload.success) {
        console.log(`${payload.api} ${payload.job_id}: ${JSON.stringify(payload.data).slice(0, 200)}`);
      } else {
        console.error(`${payload.api} ${payload.job_id} failed: ${payload.error.message}`);
      }
    }
    return c.text("ok");
  } catch (err) {
    if (err instanceof WebhookVerificationError) {
      return c.text("invalid signature", 400);
    }
    throw err;
  }
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
