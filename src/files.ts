/**
 * The R2 key scheme for job files and the reads and writes on it. A result keeps its MIME type as
 * object metadata, so delivery can rebuild the wire shape without asking D1.
 */
import type { ProcessResult } from "./results";

export const inputKey = (jobId: string) => `jobs/${jobId}/input.json`;
export const resultKey = (jobId: string) => `jobs/${jobId}/result`;

const JSON_MIME_TYPE = "application/json";

/** A job's input, already serialised as JSON (the accept path measured its size that way). */
export async function putJobInput(bucket: R2Bucket, jobId: string, inputJson: string): Promise<void> {
  await bucket.put(inputKey(jobId), inputJson, { httpMetadata: { contentType: JSON_MIME_TYPE } });
}

export async function getJobInput(bucket: R2Bucket, jobId: string): Promise<unknown | null> {
  const object = await bucket.get(inputKey(jobId));
  return object ? await object.json() : null;
}

/** Binary results are stored as their bytes; JSON results as JSON, marked so they read back as data. */
export async function putJobResult(bucket: R2Bucket, jobId: string, result: ProcessResult): Promise<{ key: string; mimeType: string }> {
  const key = resultKey(jobId);
  if (result.kind === "binary") {
    await bucket.put(key, result.bytes, { httpMetadata: { contentType: result.mimeType }, customMetadata: { kind: "binary" } });
    return { key, mimeType: result.mimeType };
  }
  if (result.metadata !== undefined) {
    const body = JSON.stringify({ data: result.data, metadata: result.metadata });
    await bucket.put(key, body, { httpMetadata: { contentType: JSON_MIME_TYPE }, customMetadata: { kind: "json-with-metadata" } });
  } else {
    await bucket.put(key, JSON.stringify(result.data), { httpMetadata: { contentType: JSON_MIME_TYPE }, customMetadata: { kind: "json" } });
  }
  return { key, mimeType: JSON_MIME_TYPE };
}

export interface StoredResult {
  binary: boolean;
  mimeType: string;
  sizeBytes: number;
  /** The stored bytes as a stream (the download route's body); cancel it when it is not read. */
  body: ReadableStream;
  /** The result read from that same object (JSON parsed, binary bytes): no second fetch. */
  read(): Promise<ProcessResult>;
}

/** A stored result with its kind, type and size, read only if asked: one R2 call whatever follows. */
export async function openJobResult(bucket: R2Bucket, key: string): Promise<StoredResult | null> {
  const object = await bucket.get(key);
  if (!object) {
    return null;
  }
  const kind = object.customMetadata?.kind;
  const mimeType = object.httpMetadata?.contentType ?? "application/octet-stream";
  return {
    binary: kind !== "json" && kind !== "json-with-metadata",
    mimeType,
    sizeBytes: object.size,
    body: object.body,
    async read() {
      if (kind === "json") {
        return { kind: "json", data: await object.json() };
      }
      if (kind === "json-with-metadata") {
        const { data, metadata } = await object.json<{ data: unknown; metadata: unknown }>();
        return { kind: "json", data, metadata };
      }
      return { kind: "binary", bytes: new Uint8Array(await object.arrayBuffer()), mimeType };
    },
  };
}

export async function deleteJobFiles(bucket: R2Bucket, keys: string[]): Promise<void> {
  if (keys.length > 0) {
    await bucket.delete(keys);
  }
}
