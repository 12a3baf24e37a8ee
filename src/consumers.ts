/**
 * The queue entry: dispatches each batch by queue name. The async-mode consumers are filled in by the
 * async issue; until then every message is logged and acknowledged so nothing piles up.
 */
import { logEvent } from "./log";

export async function handleQueue(batch: MessageBatch<unknown>, _env: Env): Promise<void> {
  for (const message of batch.messages) {
    logEvent({ event: "queue_message_ignored", queue: batch.queue, message_id: message.id });
    message.ack();
  }
}
