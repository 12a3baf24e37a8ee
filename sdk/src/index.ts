/**
 * lamina-sdk: a zero-dependency client for the Lamina API on `fetch` (Node ≥ 20, browsers, Workers, Deno),
 * with Standard Webhooks verification for async results. Request and response types are generated from
 * the server's zod schemas (types.gen.ts).
 */
import {
  API_PATHS,
  type AsyncAccepted,
  type DocumentExtractionData,
  type DocumentExtractionRequest,
  type DocumentGenerationData,
  type DocumentGenerationRequest,
  type DocumentToMarkdownData,
  type DocumentToMarkdownRequest,
  type ImageGenerationData,
  type ImageGenerationRequest,
  type ImageTransformationData,
  type ImageTransformationRequest,
  type Job,
  type Me,
  type SheetGenerationData,
  type SheetGenerationRequest,
  type WebhookPayload,
  type WebhookSecret,
  type WebsiteExtractionData,
  type WebsiteExtractionRequest,
  type WebsiteMetadata,
} from "./types.gen.js";

export type * from "./types.gen.js";

export interface LaminaOptions {
  apiKey: string;
  /** Your deployment's URL. Defaults to the LAMINA_BASE_URL environment variable where one exists. */
  baseUrl?: string;
  /** Per request, including retries' waits; default 300 000 (sync requests can be long). */
  timeoutMs?: number;
  /** A custom fetch (tests, proxies, instrumented clients). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Retries of a 429 or 503 answer; default 3. Other errors are never retried. */
  maxRetries?: number;
  /** The longest wait before a retry, even when Retry-After asks for more; default 20 000. */
  maxRetryDelayMs?: number;
}

/** Any failed call: `status` is the HTTP status (0 when no response came back), `message` the server's. */
export class LaminaError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "LaminaError";
  }
}

/** A binary result with its bytes decoded. */
export interface BinaryOutput {
  buffer: Uint8Array;
  mime_type: string;
}

/** A job's result as `getJobResult` downloads it: a binary result's bytes, or a JSON result's `data`. */
export type JobResult = BinaryOutput | { data: unknown; metadata?: unknown };

/** What a `result_delivery: "url"` webhook carries for a binary result instead of its base64. */
export interface ResultLink {
  url: string;
  mime_type: string;
  size_bytes: number;
  expires_at: string;
}

/** The fields of async mode: the webhook, its auth header, and how a binary result travels. */
type AsyncFields = "webhook_url" | "webhook_auth_header_name" | "webhook_auth_header_value" | "result_delivery";
type Sync<Request> = Omit<Request, AsyncFields>;
type Async<Request> = Omit<Request, "webhook_url"> & { webhook_url: string };
type Decoded<Data> = Data extends { buffer: string; mime_type: string } ? BinaryOutput : Data;

const SDK_VERSION = "0.1.0";
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 20_000;
const CLIENT_HEADER = `sdk-ts/${SDK_VERSION}`;

export class Lamina {
  readonly #apiKey: string;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #maxRetries: number;
  readonly #maxRetryDelayMs: number;

  constructor(options: LaminaOptions) {
    if (!options?.apiKey) {
      throw new Error("Lamina: apiKey is required");
    }
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const baseUrl = options.baseUrl ?? env?.LAMINA_BASE_URL;
    if (!baseUrl) {
      throw new Error("Lamina: baseUrl is required (pass { baseUrl } or set the LAMINA_BASE_URL environment variable)");
    }
    this.#apiKey = options.apiKey;
    this.#baseUrl = baseUrl.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? 300_000;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#maxRetries = options.maxRetries ?? 3;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? RETRY_MAX_MS;
  }

  /** Renders an image; the result's bytes are decoded. */
  async generateImage(request: Sync<ImageGenerationRequest>): Promise<Decoded<ImageGenerationData>> {
    return decodeData(await this.#post<{ data: ImageGenerationData }>(API_PATHS.ImageGeneration, request));
  }

  /** Accepts an image job; the result is POSTed to `webhook_url` (verify it with `verifyWebhook`). */
  async generateImageAsync(request: Async<ImageGenerationRequest>): Promise<AsyncAccepted> {
    return this.#post<AsyncAccepted>(API_PATHS.ImageGeneration, request);
  }

  /** Transforms an image with 1–30 operations in order; the result's bytes are decoded. */
  async transformImage(request: Sync<ImageTransformationRequest>): Promise<Decoded<ImageTransformationData>> {
    return decodeData(await this.#post<{ data: ImageTransformationData }>(API_PATHS.ImageTransformation, request));
  }

  /** Accepts an image transformation job; the result is POSTed to `webhook_url` (verify it with `verifyWebhook`). */
  async transformImageAsync(request: Async<ImageTransformationRequest>): Promise<AsyncAccepted> {
    return this.#post<AsyncAccepted>(API_PATHS.ImageTransformation, request);
  }

  /**
   * Extracts the schema's fields from the files: each found field comes back as `{type, value, confidence,
   * citations, source}` under its name; fields not found (and without a default) are absent.
   */
  async extractDocument(request: Sync<DocumentExtractionRequest>): Promise<DocumentExtractionData> {
    return (await this.#post<{ data: DocumentExtractionData }>(API_PATHS.DocumentExtraction, request)).data;
  }

  /** Accepts an extraction job; the result is POSTed to `webhook_url` (verify it with `verifyWebhook`). */
  async extractDocumentAsync(request: Async<DocumentExtractionRequest>): Promise<AsyncAccepted> {
    return this.#post<AsyncAccepted>(API_PATHS.DocumentExtraction, request);
  }

  /** Converts one document to markdown: `{name, mime_type, markdown}`. */
  async convertDocumentToMarkdown(request: Sync<DocumentToMarkdownRequest>): Promise<DocumentToMarkdownData> {
    return (await this.#post<{ data: DocumentToMarkdownData }>(API_PATHS.DocumentToMarkdown, request)).data;
  }

  /** Accepts a conversion job; the result is POSTed to `webhook_url` (verify it with `verifyWebhook`). */
  async convertDocumentToMarkdownAsync(request: Async<DocumentToMarkdownRequest>): Promise<AsyncAccepted> {
    return this.#post<AsyncAccepted>(API_PATHS.DocumentToMarkdown, request);
  }

  /** Generates a PDF, DOCX, EPUB or PPTX document; the file's bytes are decoded. */
  async generateDocument(request: Sync<DocumentGenerationRequest>): Promise<Decoded<DocumentGenerationData>> {
    return decodeData(await this.#post<{ data: DocumentGenerationData }>(API_PATHS.DocumentGeneration, request));
  }

  /** Accepts a document generation job; the file is POSTed to `webhook_url` (verify it with `verifyWebhook`). */
  async generateDocumentAsync(request: Async<DocumentGenerationRequest>): Promise<AsyncAccepted> {
    return this.#post<AsyncAccepted>(API_PATHS.DocumentGeneration, request);
  }

  /** Generates a CSV, Markdown or XLSX spreadsheet; the file's bytes are decoded. */
  async generateSheet(request: Sync<SheetGenerationRequest>): Promise<Decoded<SheetGenerationData>> {
    return decodeData(await this.#post<{ data: SheetGenerationData }>(API_PATHS.SheetGeneration, request));
  }

  /** Accepts a sheet generation job; the file is POSTed to `webhook_url` (verify it with `verifyWebhook`). */
  async generateSheetAsync(request: Async<SheetGenerationRequest>): Promise<AsyncAccepted> {
    return this.#post<AsyncAccepted>(API_PATHS.SheetGeneration, request);
  }

  /** Extracts typed fields from one web page (fetched by the server, robots.txt obeyed): each field's result. */
  async extractWebsite(request: Sync<WebsiteExtractionRequest>): Promise<WebsiteExtractionData> {
    return (await this.extractWebsiteWithMetadata(request)).data;
  }

  /** As `extractWebsite`, with the page's metadata (Open Graph, JSON-LD, headings, links, final URL, …). */
  async extractWebsiteWithMetadata(request: Sync<WebsiteExtractionRequest>): Promise<{ data: WebsiteExtractionData; metadata: WebsiteMetadata }> {
    const { data, metadata } = await this.#post<{ data: WebsiteExtractionData; metadata: WebsiteMetadata }>(API_PATHS.WebsiteExtraction, request);
    return { data, metadata };
  }

  /** Accepts a website extraction job; data and metadata are POSTed to `webhook_url`. */
  async extractWebsiteAsync(request: Async<WebsiteExtractionRequest>): Promise<AsyncAccepted> {
    return this.#post<AsyncAccepted>(API_PATHS.WebsiteExtraction, request);
  }

  /** An async job's status, delivery status and delivery attempts. */
  async getJob(id: string): Promise<Job> {
    return (await this.#request<{ data: Job }>("GET", `/v1/jobs/${encodeURIComponent(id)}`)).data;
  }

  /**
   * A finished job's result while it is retained: a binary result's bytes (`{buffer, mime_type}`), or a JSON
   * result as `{data, metadata?}`.
   */
  async getJobResult(id: string): Promise<JobResult> {
    const response = await this.#send("GET", `/v1/jobs/${encodeURIComponent(id)}/result`, undefined, "*/*");
    if (!response.ok) {
      throw await errorOf(response);
    }
    if ((response.headers.get("Content-Type") ?? "").startsWith("application/json")) {
      const { data, metadata } = (await response.json()) as { data: unknown; metadata?: unknown };
      return metadata === undefined ? { data } : { data, metadata };
    }
    return { buffer: new Uint8Array(await response.arrayBuffer()), mime_type: response.headers.get("Content-Type") ?? "application/octet-stream" };
  }

  /** Delivers a finished job's retained result to its webhook once more (free). */
  async redeliver(id: string): Promise<{ job_id: string; delivery_status: "pending" }> {
    return (await this.#request<{ data: { job_id: string; delivery_status: "pending" } }>("POST", `/v1/jobs/${encodeURIComponent(id)}/redeliver`)).data;
  }

  /** The account behind the API key and its credit balance. */
  async me(): Promise<Me["data"]> {
    return (await this.#request<Me>("GET", "/v1/me")).data;
  }

  /** The `whsec_` secret that signs your deliveries (created on first use). */
  async getWebhookSecret(): Promise<WebhookSecret["data"]> {
    return (await this.#request<WebhookSecret>("GET", "/v1/webhook-secret")).data;
  }

  /** A new secret; the old one keeps signing alongside for 24 hours. */
  async rotateWebhookSecret(): Promise<WebhookSecret["data"]> {
    return (await this.#request<WebhookSecret>("POST", "/v1/webhook-secret/rotate")).data;
  }

  #post<T>(path: string, body: unknown): Promise<T> {
    return this.#request<T>("POST", path, body);
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#send(method, path, body, "application/json");
    const json = (await response.json().catch(() => null)) as { success?: boolean; error?: unknown } | null;
    if (!response.ok || json?.success !== true) {
      const message = typeof json?.error === "string" ? json.error : `HTTP ${response.status}`;
      throw new LaminaError(response.status, message);
    }
    return json as T;
  }

  /** The response, after retrying a 429 or 503 (waiting as Retry-After asks, up to maxRetryDelayMs). */
  async #send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#apiKey}`,
      Accept: accept,
      "X-Lamina-Client": CLIENT_HEADER,
    };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.#fetch(`${this.#baseUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
        });
      } catch (err) {
        const timedOut = signal.aborted;
        throw new LaminaError(0, timedOut ? `Request timed out after ${this.#timeoutMs} ms` : `Request failed: ${String(err)}`);
      }
      if ((response.status === 429 || response.status === 503) && attempt < this.#maxRetries) {
        await response.body?.cancel();
        await sleep(retryDelayMs(attempt, response.headers.get("Retry-After"), this.#maxRetryDelayMs), signal);
        continue;
      }
      return response;
    }
  }
}

/**
 * Downloads a binary result from the signed link of a `result_delivery: "url"` webhook: no API key needed
 * until the link's `expires_at`; after it, or if the link was altered, a LaminaError with status 403.
 */
export async function downloadResult(link: string | Pick<ResultLink, "url">, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<BinaryOutput> {
  const url = typeof link === "string" ? link : link.url;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let response: Response;
  try {
    response = await doFetch(url, { headers: { Accept: "*/*", "X-Lamina-Client": CLIENT_HEADER }, signal: AbortSignal.timeout(options.timeoutMs ?? 300_000) });
  } catch (err) {
    throw new LaminaError(0, `Request failed: ${String(err)}`);
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  return { buffer: new Uint8Array(await response.arrayBuffer()), mime_type: response.headers.get("Content-Type") ?? "application/octet-stream" };
}

async function errorOf(response: Response): Promise<LaminaError> {
  const json = (await response.json().catch(() => null)) as { error?: unknown } | null;
  return new LaminaError(response.status, typeof json?.error === "string" ? json.error : `HTTP ${response.status}`);
}

function retryDelayMs(attempt: number, retryAfter: string | null, maxMs: number): number {
  const asked = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : 0;
  const backoff = RETRY_BASE_MS * 2 ** attempt * (1 + Math.random() * 0.2);
  return Math.min(Math.max(asked, backoff), maxMs);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new LaminaError(0, "Request timed out while waiting to retry"));
    });
  });
}

function decodeData<Data>(response: { data: Data }): Decoded<Data> {
  const data = response.data as unknown;
  if (data && typeof data === "object" && "buffer" in data && "mime_type" in data && typeof data.buffer === "string") {
    return { buffer: decodeBuffer(data as { buffer: string }), mime_type: String(data.mime_type) } as Decoded<Data>;
  }
  return data as Decoded<Data>;
}

/** The bytes of a binary result (`{buffer: <base64>, mime_type}`), from a sync response or a webhook payload. */
export function decodeBuffer(data: { buffer: string }): Uint8Array {
  const binary = atob(data.buffer);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/** A webhook that failed verification: wrong or missing signature, stale timestamp. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

type HeaderInput = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderInput, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(" ") : value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The HMAC key of a `whsec_` secret. A malformed secret is an error, never a weak key. */
function secretKey(secret: string): Uint8Array {
  if (typeof secret !== "string" || !secret.startsWith("whsec_")) {
    throw new Error("Malformed webhook secret: expected whsec_ followed by base64");
  }
  const encoded = secret.slice("whsec_".length);
  if (!BASE64.test(encoded)) {
    throw new Error("Malformed webhook secret: the part after whsec_ is not valid base64");
  }
  const key = decodeBuffer({ buffer: encoded });
  if (key.length < 24) {
    throw new Error("Malformed webhook secret: shorter than 24 bytes");
  }
  return key;
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    return false;
  }
  let difference = 0;
  for (let i = 0; i < a.length; i++) {
    difference |= a[i]! ^ b[i]!;
  }
  return difference === 0;
}

/**
 * Verifies a delivery (Standard Webhooks: every `v1,` signature in the header, constant-time, timestamp within
 * `toleranceSeconds`, default 300) and returns its typed payload. Pass the raw body exactly as received.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: HeaderInput,
  secret: string,
  options: { toleranceSeconds?: number; now?: Date } = {},
): Promise<WebhookPayload> {
  const key = secretKey(secret);
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError("Missing webhook-id, webhook-timestamp or webhook-signature header");
  }
  const seconds = Number(timestamp);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError("Webhook timestamp is outside the tolerance");
  }
  const body = typeof rawBody === "string" ? rawBody : new TextDecoder().decode(rawBody);
  const hmacKey = await crypto.subtle.importKey("raw", key as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  const matches = signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",", 2);
    if (version !== "v1" || !signature || !BASE64.test(signature)) {
      return false;
    }
    return timingSafeEqual(decodeBuffer({ buffer: signature }), expected);
  });
  if (!matches) {
    throw new WebhookVerificationError("No matching webhook signature");
  }
  return JSON.parse(body) as WebhookPayload;
}
