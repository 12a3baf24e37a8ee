/**
 * A customer's view of their jobs: status, delivery and every attempt; the result while it is retained (with
 * the API key, or by a signed link without one); and a free redelivery.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { requireApiKey } from "../auth";
import { openJobResult } from "../files";
import { verifyResultLink } from "../jobs/result-link";
import { resultToWire } from "../results";
import { listDeliveryAttempts } from "../db/delivery-attempts";
import { getJobById, type Job } from "../db/jobs";
import { reopenForRedelivery, undoRedelivery } from "../db/redeliveries";
import { readConfig } from "../config";
import { ApiError, errorResponses, handleValidationError } from "../errors";
import { sendDeliverMessage } from "../queues";

export const jobRoutes = new OpenAPIHono<AppEnv>({ defaultHook: handleValidationError });

const JobIdParamSchema = z.object({ id: z.uuid("must be a job id (UUID)") });

const JobSchema = z
  .object({
    id: z.string(),
    api: z.string(),
    status: z.enum(["queued", "processing", "succeeded", "failed"]),
    delivery_status: z.enum(["pending", "delivered", "exhausted"]).nullable(),
    cost: z.int(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    error: z.string().nullable(),
    result_delivery: z.enum(["inline", "url"]),
    webhook_auth_header: z
      .object({
        name: z.string(),
        value: z.string().openapi({ description: "Masked: never shown back." }),
        retained: z.boolean().openapi({ description: "false once the value was forgotten, after the result's retention." }),
      })
      .nullable(),
    attempts: z.array(
      z.object({
        attempt: z.int(),
        status_code: z.int().nullable(),
        error: z.string().nullable(),
        duration_ms: z.int(),
        response_body: z.string().nullable().openapi({ description: "The first 1 KB of the receiver's response body (or why nothing was sent)." }),
        at: z.string(),
      }),
    ),
  })
  .openapi("Job");

/** A stored secret as the jobs API shows it: its last four characters only when it is long enough to spare them. */
function maskSecret(value: string | null): string {
  return value !== null && value.length >= 16 ? `****${value.slice(-4)}` : "****";
}

/** The job, if it exists and belongs to the account; another account's job is indistinguishable from none. */
async function getOwnJob(db: D1Database, accountId: string, id: string): Promise<Job> {
  const job = await getJobById(db, id);
  if (!job || job.accountId !== accountId) {
    throw new ApiError(404, `Job ${id} not found`);
  }
  return job;
}

jobRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/jobs/{id}",
    tags: ["jobs"],
    summary: "A job's status, delivery status and delivery attempts",
    security: [{ apiKey: [] }],
    middleware: [requireApiKey] as const,
    request: { params: JobIdParamSchema },
    responses: {
      200: {
        description: "The job",
        content: { "application/json": { schema: z.object({ success: z.literal(true), data: JobSchema }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const job = await getOwnJob(c.env.DB, c.get("account").id, c.req.valid("param").id);
    const attempts = await listDeliveryAttempts(c.env.DB, job.id);
    return c.json(
      {
        success: true as const,
        data: {
          id: job.id,
          api: job.api,
          status: job.status,
          delivery_status: job.deliveryStatus,
          cost: job.cost,
          created_at: job.createdAt,
          finished_at: job.finishedAt,
          error: job.error,
          result_delivery: job.resultDelivery,
          webhook_auth_header: job.webhookAuthHeader && {
            name: job.webhookAuthHeader.name,
            value: maskSecret(job.webhookAuthHeader.value),
            retained: job.webhookAuthHeader.value !== null,
          },
          attempts: attempts.map((attempt) => ({
            attempt: attempt.attempt,
            status_code: attempt.statusCode,
            error: attempt.error,
            duration_ms: attempt.durationMs,
            response_body: attempt.responseBody,
            at: attempt.createdAt,
          })),
        },
      },
      200,
    );
  },
);

jobRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/jobs/{id}/redeliver",
    tags: ["jobs"],
    summary: "Deliver a finished async job's result to its webhook once more (free, capped per job and per account)",
    security: [{ apiKey: [] }],
    middleware: [requireApiKey] as const,
    request: { params: JobIdParamSchema },
    responses: {
      202: {
        description: "A delivery is queued",
        content: {
          "application/json": {
            schema: z.object({ success: z.literal(true), data: z.object({ job_id: z.string(), delivery_status: z.literal("pending") }) }),
          },
        },
      },
      ...errorResponses(400, 401, 404, 409, 429, 503),
    },
  }),
  async (c) => {
    const job = await getOwnJob(c.env.DB, c.get("account").id, c.req.valid("param").id);
    if (job.mode !== "async") {
      throw new ApiError(409, "Job was processed in sync mode; there is no webhook to deliver to");
    }
    if (job.status === "queued" || job.status === "processing") {
      throw new ApiError(409, "Job is still being processed; its result will be delivered when it finishes");
    }
    if (job.status === "succeeded" && !job.resultKey) {
      throw new ApiError(409, "The job's result has expired and can no longer be delivered");
    }
    if (job.webhookAuthHeader && job.webhookAuthHeader.value === null) {
      throw new ApiError(409, "The job's webhook auth header has expired with its retention and can no longer be sent");
    }
    const { redeliveryMaxPerJob: perJob, redeliveryMaxPerAccountHour: perAccountHour } = readConfig(c.env);
    const now = new Date();
    const request = { jobId: job.id, accountId: job.accountId, now: now.toISOString(), hourAgo: new Date(now.getTime() - 3_600_000).toISOString() };
    const outcome = await reopenForRedelivery(c.env.DB, { ...request, caps: { perJob, perAccountHour } });
    if (outcome === "busy") {
      throw new ApiError(409, "A delivery of this job is already in progress");
    }
    if (outcome === "job_cap") {
      throw new ApiError(409, `This job has been redelivered ${perJob} times, the most a job may be`);
    }
    if (outcome === "account_cap") {
      c.header("Retry-After", "3600");
      throw new ApiError(429, `At most ${perAccountHour} redeliveries an hour per account; try again later`);
    }
    try {
      await sendDeliverMessage(c.env.DELIVERY_QUEUE, job.id);
    } catch {
      // Not left pending for ever: the delivery goes back to where it was and the redelivery is not counted.
      await undoRedelivery(c.env.DB, { ...request, previous: job.deliveryStatus === "exhausted" ? "exhausted" : "delivered" });
      throw new ApiError(503, "The redelivery could not be queued; nothing changed. Please retry.");
    }
    return c.json({ success: true as const, data: { job_id: job.id, delivery_status: "pending" as const } }, 202);
  },
);

const ResultQuerySchema = z.object({
  expires: z.string().optional().openapi({ description: "Signed link only: unix seconds after which it is refused." }),
  signature: z.string().optional().openapi({ description: "Signed link only: HMAC-SHA256 over the job id and `expires`." }),
});

/**
 * A signed link (`expires` and `signature` in the query) stands in for the API key; without one, the key is
 * required. A link that is expired or altered is refused with 403, never passed on to the key check.
 */
const requireKeyOrSignedLink: MiddlewareHandler<AppEnv> = async (c, next) => {
  const expires = c.req.query("expires");
  const signature = c.req.query("signature");
  if (expires === undefined && signature === undefined) {
    await requireApiKey(c, next);
    return;
  }
  const jobId = c.req.param("id") ?? "";
  const check = await verifyResultLink(readConfig(c.env).resultUrlSecret, { jobId, expires: expires ?? "", signature: signature ?? "" }, new Date());
  if (check === "expired") {
    throw new ApiError(403, "This result link has expired; redeliver the job or download the result with your API key");
  }
  if (check === "invalid") {
    throw new ApiError(403, "This result link is not valid: its signature does not match");
  }
  await next();
};

jobRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/jobs/{id}/result",
    tags: ["jobs"],
    summary: "Download a finished job's result while it is retained: with the API key, or by the signed link of a webhook",
    description:
      "A binary result comes back as its bytes with its MIME type; a JSON result as `{success: true, data}`, as " +
      "in a sync response. A signed link (`expires` and `signature`, from a `result_delivery: \"url\"` webhook) " +
      "needs no API key until it expires, then answers 403, as does a link that was altered.",
    security: [{ apiKey: [] }, { resultLink: [] }] as Record<string, string[]>[],
    middleware: [requireKeyOrSignedLink] as const,
    request: { params: JobIdParamSchema, query: ResultQuerySchema },
    responses: {
      200: {
        description: "The result",
        content: {
          "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) },
          "application/json": { schema: z.object({ success: z.literal(true), data: z.unknown(), metadata: z.unknown().optional() }) },
        },
      },
      ...errorResponses(400, 401, 403, 404, 409, 410, 429),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const account = c.get("account");
    const job = account ? await getOwnJob(c.env.DB, account.id, id) : await getJobById(c.env.DB, id);
    if (!job) {
      throw new ApiError(404, `Job ${id} not found`);
    }
    if (job.status === "queued" || job.status === "processing") {
      throw new ApiError(409, "Job is still being processed; its result is not ready yet");
    }
    if (job.status === "failed") {
      throw new ApiError(409, `Job failed and has no result: ${job.error ?? "processing failed"}`);
    }
    const stored = job.resultKey ? await openJobResult(c.env.FILES, job.resultKey) : null;
    if (!job.resultKey || !stored) {
      throw new ApiError(410, job.mode === "sync" ? "A sync job's result was returned in its response and is not kept" : "The job's result has expired");
    }
    const headers = { "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" };
    if (stored.binary) {
      return c.body(stored.body, 200, { ...headers, "Content-Type": stored.mimeType, "Content-Length": String(stored.sizeBytes) });
    }
    const result = await stored.read();
    return c.json({ success: true as const, ...resultToWire(result) }, 200, headers);
  },
);
