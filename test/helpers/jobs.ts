import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { getJobById, type Job } from "../../src/db/jobs";
import { callJson, type TestAccount } from "./http";

/** Submits an async request and returns the 201's job id. */
export async function submitAsync(account: TestAccount, body: Record<string, unknown>, webhookUrl: string, headers?: Record<string, string>) {
  const res = await callJson("/image-generation/v1/generate", { body: { ...body, webhook_url: webhookUrl }, key: account.apiKey, headers });
  if (res.status !== 201) {
    throw new Error(`expected 201, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body.job_id as string;
}

/** Waits (through the real queues) until the job matches. */
export async function waitForJob(jobId: string, matches: (job: Job) => boolean, timeout = 20_000): Promise<Job> {
  return vi.waitFor(
    async () => {
      const job = await getJobById(env.DB, jobId);
      if (!job || !matches(job)) {
        throw new Error(`job ${jobId} not there yet: ${JSON.stringify(job)}`);
      }
      return job;
    },
    { timeout, interval: 100 },
  );
}

export async function attemptsOf(jobId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM delivery_attempts WHERE job_id = ?1 ORDER BY attempt")
    .bind(jobId)
    .all<{ attempt: number; status_code: number | null; error: string | null; duration_ms: number; response_body: string | null }>();
  return results;
}

export const SMALL_IMAGE = {
  dimensions: { width_in_px: 4, height_in_px: 2 },
  layers: [{ index: 0, type: "solid-color", hex_color: "#00FF00" }],
};

/** Valid, but fails in processing (an image layer whose bytes are no image): a 422 / error payload. */
export const FAILING_IMAGE = {
  dimensions: { width_in_px: 4, height_in_px: 2 },
  layers: [{ index: 0, type: "image", file: { type: "base64", base64: btoa("not an image at all") } }],
};
export const FAILING_IMAGE_MESSAGE = "layers.0 (image): the image could not be decoded (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)";
