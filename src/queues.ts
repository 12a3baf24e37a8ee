/**
 * Queue message contracts. Messages carry ids only (a message is capped at 128 KB); inputs and results
 * live in R2 and D1. Versioned so a deploy can change a shape without misreading messages in flight.
 */
import { z } from "zod";

/** Producer: the async accept path, the sweeper. Consumer: jobs/run (lamina-processing). */
export const ProcessMessageSchema = z.object({ type: z.literal("process.v1"), jobId: z.string().min(1) });
export type ProcessMessage = z.output<typeof ProcessMessageSchema>;

/** Producer: jobs/run, the processing DLQ handler, the sweeper, redeliver. Consumer: webhooks/deliver (lamina-delivery). */
export const DeliverMessageSchema = z.object({ type: z.literal("deliver.v1"), jobId: z.string().min(1) });
export type DeliverMessage = z.output<typeof DeliverMessageSchema>;

export const QUEUE_NAMES = {
  processing: "lamina-processing",
  processingDeadLetter: "lamina-processing-dlq",
  delivery: "lamina-delivery",
  deliveryDeadLetter: "lamina-delivery-dlq",
} as const;

export async function sendProcessMessage(queue: Queue, jobId: string): Promise<void> {
  await queue.send({ type: "process.v1", jobId } satisfies ProcessMessage, { contentType: "json" });
}

export async function sendDeliverMessage(queue: Queue, jobId: string, delaySeconds = 0): Promise<void> {
  await queue.send({ type: "deliver.v1", jobId } satisfies DeliverMessage, { contentType: "json", delaySeconds });
}
