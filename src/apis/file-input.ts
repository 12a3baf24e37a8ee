/**
 * Reading a FileInput's bytes: base64 decoded, or an https URL fetched through the same host rules as webhook
 * URLs, with a timeout and a size cap, redirects not followed. Failures throw ApiError(422) naming `where`.
 */
import { decodeBase64 } from "../base64";
import { ApiError } from "../errors";
import { checkWebhookUrl } from "../webhooks/url-guard";
import { MAX_FILE_BYTES, type FileInput } from "./common-schemas";
import type { ProcessDeps } from "./define";

const FETCH_TIMEOUT_MS = 15_000;

export async function readFileInput(file: FileInput, where: string, deps: ProcessDeps): Promise<Uint8Array> {
  if (file.type === "base64") {
    return decodeBase64(file.base64);
  }
  const rejection = checkWebhookUrl(file.url);
  if (rejection) {
    throw new ApiError(422, `${where}: the file URL cannot be fetched: ${rejection}`);
  }
  let response: Response;
  try {
    response = await deps.fetch(file.url, {
      redirect: "manual",
      signal: AbortSignal.timeout(file.fetch_options?.timeout_ms ?? FETCH_TIMEOUT_MS),
      headers: { ...(file.fetch_options?.user_agent ? { "User-Agent": file.fetch_options.user_agent } : {}), ...file.fetch_options?.headers },
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    throw new ApiError(422, `${where}: fetching ${file.url} ${timedOut ? "timed out" : "failed"}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ApiError(422, `${where}: fetching ${file.url} answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get("Content-Length") ?? 0);
  if (declared > MAX_FILE_BYTES) {
    await response.body?.cancel();
    throw new ApiError(422, `${where}: the file at ${file.url} is larger than 50 MB`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_FILE_BYTES) {
    throw new ApiError(422, `${where}: the file at ${file.url} is larger than 50 MB`);
  }
  return bytes;
}
