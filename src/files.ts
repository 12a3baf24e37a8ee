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

export async function getJobResult(bucket: R2Bucket, key: string): Promise<ProcessResult | null> {
  const object = await bucket.get(key);
  if (!object) {
    return null;
  }
  if (object.customMetadata?.kind === "json") {
    return { kind: "json", data: await object.json() };
  }
  if (object.customMetadata?.kind === "json-with-metadata") {
    const { data, metadata } = await object.json<{ data: unknown; metadata: unknown }>();
    return { kind: "json", data, metadata };
  }
  return {
    kind: "binary",
    bytes: new Uint8Array(await object.arrayBuffer()),
    mimeType: object.httpMetadata?.contentType ?? "application/octet-stream",
  };
}

/** A stored result's kind, type and size, without reading it. */
export async function headJobResult(bucket: R2Bucket, key: string): Promise<{ binary: boolean; mimeType: string; sizeBytes: number } | null> {
  const object = await bucket.head(key);
  return object ? describeResult(object) : null;
}

/** A stored result as a stream (the download route's body), with what `headJobResult` tells. */
export async function openJobResult(
  bucket: R2Bucket,
  key: string,
): Promise<{ body: ReadableStream; binary: boolean; mimeType: string; sizeBytes: number } | null> {
  const object = await bucket.get(key);
  return object ? { body: object.body, ...describeResult(object) } : null;
}

function describeResult(object: R2Object): { binary: boolean; mimeType: string; sizeBytes: number } {
  const kind = object.customMetadata?.kind;
  return {
    binary: kind !== "json" && kind !== "json-with-metadata",
    mimeType: object.httpMetadata?.contentType ?? "application/octet-stream",
    sizeBytes: object.size,
  };
}

export async function deleteJobFiles(bucket: R2Bucket, keys: string[]): Promise<void> {
  if (keys.length > 0) {
    await bucket.delete(keys);
  }
}
