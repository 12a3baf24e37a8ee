/**
 * The queue entry: dispatches each batch by queue name to one domain function per message, and decides
 * ack or retry here and nowhere else. A malformed message is logged and acked: retrying cannot fix it.
 */
import type { z } from "zod";
import { handleDeadProcessingMessage, runJob } from "./jobs/run";
import { logEvent } from "./log";
import { DeliverMessageSchema, ProcessMessageSchema, QUEUE_NAMES } from "./queues";
import { deliverJob, handleDeadDeliveryMessage } from "./webhooks/deliver";

export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  switch (batch.queue) {
    case QUEUE_NAMES.processing:
      // max_retries = 0: if runJob throws (or the isolate dies) the message goes to the processing DLQ.
      return eachInTurn(batch, ProcessMessageSchema, (jobId) => runJob(env, jobId));
    case QUEUE_NAMES.delivery:
      await Promise.all(
        batch.messages.map(async (message) => {
          const body = parse(batch.queue, message, DeliverMessageSchema);
          if (!body) {
            return;
          }
          try {
            const outcome = await deliverJob(env, body.jobId);
            if (outcome.kind === "retry") {
              message.retry({ delaySeconds: outcome.delaySeconds });
            } else {
              message.ack();
            }
          } catch (err) {
            // Our own storage failed (D1/R2), not the receiver: try again with the queue's default delay. No attempt
            // was recorded, so none of the receiver's is used up; past the queue's max_retries the DLQ exhausts it.
            logEvent({ event: "delivery_error", job_id: body.jobId, cause: String(err) });
            message.retry();
          }
        }),
      );
      return;
    case QUEUE_NAMES.processingDeadLetter:
      return eachInTurn(batch, ProcessMessageSchema, (jobId) => handleDeadProcessingMessage(env, jobId));
    case QUEUE_NAMES.deliveryDeadLetter:
      return eachInTurn(batch, DeliverMessageSchema, (jobId) => handleDeadDeliveryMessage(env, jobId));
    default:
      logEvent({ event: "queue_unknown", queue: batch.queue });
      batch.ackAll();
  }
}

/** One message at a time: parse, handle, ack. A throw leaves the rest of the batch to the queue's retry. */
async function eachInTurn(
  batch: MessageBatch<unknown>,
  schema: typeof ProcessMessageSchema | typeof DeliverMessageSchema,
  handle: (jobId: string) => Promise<void>,
): Promise<void> {
  for (const message of batch.messages) {
    const body = parse(batch.queue, message, schema);
    if (body) {
      await handle(body.jobId);
      message.ack();
    }
  }
}

function parse<T extends z.ZodType>(queue: string, message: Message<unknown>, schema: T): z.output<T> | null {
  const result = schema.safeParse(message.body);
  if (!result.success) {
    logEvent({ event: "queue_message_malformed", queue, message_id: message.id });
    message.ack();
    return null;
  }
  return result.data;
}
