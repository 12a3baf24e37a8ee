// A Lamina webhook receiver in Express. Run: LAMINA_WEBHOOK_SECRET=whsec_... npm run express
// express.raw() keeps the body as bytes: express.json() would re-serialise it and break the signature.
import express from "express";
import { decodeBuffer, downloadResult, verifyWebhook, WebhookVerificationError } from "lamina-sdk";

const secret = process.env.LAMINA_WEBHOOK_SECRET;
if (!secret) {
  throw new Error("Set LAMINA_WEBHOOK_SECRET (GET /v1/webhook-secret)");
}
const seen = new Set();
const app = express();

app.post("/webhooks/lamina", express.raw({ type: "application/json", limit: "100mb" }), async (req, res) => {
  try {
    const payload = await verifyWebhook(req.body, req.headers, secret);
    if (!seen.has(payload.job_id)) {
      seen.add(payload.job_id);
      if (payload.success && payload.data.buffer !== undefined) {
        console.log(`${payload.api} ${payload.job_id}: ${decodeBuffer(payload.data).length} bytes of ${payload.data.mime_type}`);
      } else if (payload.success && payload.data.url !== undefined) {
        // result_delivery "url": a signed link instead of the base64, valid until payload.data.expires_at.
        const { buffer, mime_type } = await downloadResult(payload.data);
        console.log(`${payload.api} ${payload.job_id}: ${buffer.length} bytes of ${mime_type}, downloaded`);
      } else if (payload.success) {
        console.log(`${payload.api} ${payload.job_id}: ${JSON.stringify(payload.data).slice(0, 200)}`);
      } else {
        console.error(`${payload.api} ${payload.job_id} failed: ${payload.error.message}`);
      }
    }
    res.status(200).send("ok");
  } catch (err) {
    if (err instanceof WebhookVerificationError) {
      res.status(400).send("invalid signature");
      return;
    }
    res.status(500).send("error");
  }
});

app.listen(Number(process.env.PORT ?? 3000));
