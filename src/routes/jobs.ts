/**
 * A customer's view of their jobs: status, delivery and every attempt; and a free redelivery.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireApiKey } from "../auth";
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
