/**
 * What processing gives back, and its wire shape. Shared by the APIs (which produce results), R2 storage and
 * the webhook payload (which keep and send them), so it sits below all of them.
 */
import { z } from "@hono/zod-openapi";
import { encodeBase64 } from "./base64";

/**
 * What `process()` returns: bytes with a MIME type (images, documents) or a JSON-able value, which may come with
 * `metadata` answered beside `data` (website extraction's page metadata).
 */
export type ProcessResult =
  | { kind: "binary"; bytes: Uint8Array; mimeType: string }
  | { kind: "json"; data: unknown; metadata?: unknown };

export const BinaryResultSchema = z
  .object({
    buffer: z.string().openapi({ description: "The output file, base64-encoded." }),
    mime_type: z.string().openapi({ example: "image/png" }),
  })
  .openapi("BinaryResult");

/** The wire shape of a result, `data` and any `metadata`: binary results travel as `{buffer, mime_type}`. */
export function resultToWire(result: ProcessResult): { data: unknown; metadata?: unknown } {
  if (result.kind === "json") {
    return result.metadata === undefined ? { data: result.data } : { data: result.data, metadata: result.metadata };
  }
  return { data: { buffer: encodeBase64(result.bytes), mime_type: result.mimeType } };
}
