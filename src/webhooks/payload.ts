/**
 * The webhook body, built at delivery time from the job row and, for a success, the result in R2:
 * `{success: true, api, job_id, data}` (binary data as `{buffer, mime_type}`, as in the sync response, or with
 * `result_delivery: "url"` as `{url, mime_type, size_bytes, expires_at}`) or
 * `{success: false, api, job_id, error: {message}}` (the wire contract's object-shaped error).
 */
import { z } from "@hono/zod-openapi";
import type { ApiDefinition } from "../apis/define";
import { BinaryResultSchema, resultToWire } from "../results";
import type { Job } from "../db/jobs";
import { openJobResult } from "../files";

export const ResultLinkSchema = z
  .object({
    url: z.string().openapi({ description: "Downloads the result without an API key until `expires_at` (GET)." }),
    mime_type: z.string().openapi({ example: "image/png" }),
    size_bytes: z.int(),
    expires_at: z.string().openapi({ description: "ISO 8601; after it the link answers 403." }),
  })
  .openapi("ResultLink", { description: "A binary result delivered by link (`result_delivery: \"url\"`)." });

export type ResultLinkMaker = () => Promise<{ url: string; expiresAt: Date }>;

/** The JSON body to POST, or null when the result is no longer retained. */
export async function buildWebhookPayload(bucket: R2Bucket, job: Job, makeResultLink: ResultLinkMaker): Promise<string | null> {
  if (job.status === "succeeded") {
    if (!job.resultKey) {
      return null;
    }
    const stored = await openJobResult(bucket, job.resultKey);
    if (!stored) {
      return null;
    }
    if (job.resultDelivery === "url" && stored.binary) {
      // The link stands in for the bytes, which are not read.
      await stored.body.cancel();
      const link = await makeResultLink();
      const data = { url: link.url, mime_type: stored.mimeType, size_bytes: stored.sizeBytes, expires_at: link.expiresAt.toISOString() };
      return JSON.stringify({ success: true, api: job.api, job_id: job.id, data });
    }
    const result = await stored.read();
    return JSON.stringify({ success: true, api: job.api, job_id: job.id, ...resultToWire(result) });
  }
  return JSON.stringify({
    success: false,
    api: job.api,
    job_id: job.id,
    error: { message: job.error ?? "Processing failed" },
  });
}

/** The payload's schema, one success variant per API (its `data` as in the sync response) and the failure. */
export function webhookPayloadSchema(apis: readonly ApiDefinition[]) {
  const ids = apis.map((api) => api.id) as [string, ...string[]];
  const successes = apis.map((api) =>
    z.object({
      success: z.literal(true),
      api: z.literal(api.id),
      job_id: z.string(),
      data: api.response === BinaryResultSchema ? z.union([BinaryResultSchema, ResultLinkSchema]) : api.response,
      ...(api.metadata ? { metadata: api.metadata } : {}),
    }),
  );
  const failure = z.object({
    success: z.literal(false),
    api: z.enum(ids),
    job_id: z.string(),
    error: z.object({ message: z.string() }),
  });
  return z.union([...successes, failure]).openapi("WebhookPayload", {
    description: "POSTed to `webhook_url` when an async job finishes; signed per Standard Webhooks.",
  });
}
