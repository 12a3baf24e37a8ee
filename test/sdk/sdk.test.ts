/**
 * The SDK against the real worker in workerd: every method sync and async, the error model, retries, and
 * verifyWebhook on what the delivery consumer really signed.
 */
import { env, exports } from "cloudflare:workers";
import { decode } from "fast-png";
import { unzipSync } from "fflate";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import committedOpenApi from "../../sdk/openapi.json";
import goClient from "../../sdk-go/client.go?raw";
import pythonClient from "../../sdk-python/lamina/client.py?raw";
import {
  decodeBuffer,
  downloadResult,
  Lamina,
  LaminaError,
  verifyWebhook,
  WebhookVerificationError,
  type DocumentExtractionRequest,
  type ImageGenerationRequest,
  type ImageTransformationRequest,
  type ResultLink,
  type SheetGenerationRequest,
  type WebhookPayload,
} from "../../sdk/src/index";
import { apis } from "../../src/apis";
import type { ExtractDocumentRequest } from "../../src/apis/document-extraction/schema";
import type { GenerateImageRequest } from "../../src/apis/image-generation/schema";
import type { TransformImageRequest } from "../../src/apis/image-transformation/schema";
import type { GenerateSheetRequest } from "../../src/apis/sheet-generation/schema";
import { signatureHeader } from "../../src/webhooks/sign";
import { ADMIN_TOKEN, balanceOf, callJson, createAccount, jobsOf } from "../helpers/http";
import { SMALL_IMAGE, waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";

const BASE_URL = "https://lamina.test";
const workerFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));

function client(apiKey: string, fetchImpl: typeof fetch = workerFetch) {
  return new Lamina({ apiKey, baseUrl: BASE_URL, fetch: fetchImpl });
}

const PRODUCT_PAGE =
  "<html><head><title>Widget</title><meta property='og:title' content='Widget'>" +
  "<script type='application/ld+json'>{\"@type\":\"Product\",\"name\":\"Widget\",\"offers\":{\"@type\":\"Offer\",\"price\":\"49.99\"}}</script></head>" +
  "<body><main><h1>Widget</h1><p>Price: $49.99</p></main></body></html>";

/** The website extraction example's page, from a site without robots.txt. */
function serveExamplePage(): void {
  createReceiver(() => new Response(PRODUCT_PAGE, { headers: { "Content-Type": "text/html" } }), "https://example.com/products/widget");
  createReceiver(() => new Response("", { status: 404 }), "https://example.com/robots.txt");
}

describe("generated from the server's schemas", () => {
  it("ships the OpenAPI document the worker serves (run `npm run sdk:generate` when this fails)", async () => {
    const live = await callJson("/openapi.json");
    expect(committedOpenApi).toEqual(live.body);
  });

  it("has a method for every API the server has, in TypeScript, Python and Go", () => {
    const methods = Object.getOwnPropertyNames(Lamina.prototype);
    const expected: Record<string, string[]> = {
      image_generation: ["generateImage", "generateImageAsync"],
      document_extraction: ["extractDocument", "extractDocumentAsync"],
      image_transformation: ["transformImage", "transformImageAsync"],
      document_to_markdown: ["convertDocumentToMarkdown", "convertDocumentToMarkdownAsync"],
      website_extraction: ["extractWebsite", "extractWebsiteWithMetadata", "extractWebsiteAsync"],
      document_generation: ["generateDocument", "generateDocumentAsync"],
      sheet_generation: ["generateSheet", "generateSheetAsync"],
    };
    for (const api of apis) {
      expect(expected[api.id], `no SDK methods listed for ${api.id}`).toBeDefined();
      for (const method of expected[api.id]!) {
        expect(methods).toContain(method);
        // The Python SDK: the same names in snake_case.
        const snake = method.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
        expect(pythonClient, `sdk-python lacks ${snake} for ${api.id}`).toMatch(new RegExp(`\\n    def ${snake}\\(`));
        // The Go SDK: PascalCase, taking the generated <Method>Request or <Method>AsyncRequest.
        const pascal = method[0]!.toUpperCase() + method.slice(1);
        const request = method.endsWith("Async") ? `${pascal.slice(0, -"Async".length)}AsyncRequest` : pascal === "ExtractWebsiteWithMetadata" ? "ExtractWebsiteRequest" : `${pascal}Request`;
        expect(goClient, `sdk-go lacks ${pascal} for ${api.id}`).toContain(`func (c *Client) ${pascal}(request ${request})`);
      }
    }
  });

  it("sends every API's registry example through its SDK method and gets the result back", async () => {
    const account = await createAccount(1000);
    const sdk = client(account.apiKey) as unknown as Record<string, (request: unknown) => Promise<unknown>>;
    // What each example must give back: binary results decode to bytes with a MIME type, JSON results are objects.
    const methods: Record<string, { method: string; check: (result: any) => void }> = {
      image_generation: { method: "generateImage", check: (result) => expect(decode(result.buffer).width).toBe(800) },
      document_extraction: { method: "extractDocument", check: (result) => expect(result.invoice_number.value).toBe("A-1") },
      document_to_markdown: {
        method: "convertDocumentToMarkdown",
        check: (result) => expect(result.markdown).toBe("# Release notes\n\nNow **faster**.\n\n- One\n- Two"),
      },
      website_extraction: { method: "extractWebsite", check: (result) => expect(result.price.value).toBe(49.99) },
      document_generation: {
        method: "generateDocument",
        check: (result) => {
          expect(result.mime_type).toBe("application/pdf");
          expect(new TextDecoder().decode(result.buffer.subarray(0, 5))).toBe("%PDF-");
        },
      },
      sheet_generation: {
        method: "generateSheet",
        check: (result) => {
          expect(result.mime_type).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
          expect(new TextDecoder().decode(unzipSync(result.buffer)["xl/workbook.xml"])).toContain('<sheet name="Invoices"');
        },
      },
      image_transformation: {
        method: "transformImage",
        check: (result) => {
          expect(result.mime_type).toBe("image/webp");
          expect(new TextDecoder().decode(result.buffer.subarray(8, 12))).toBe("WEBP");
        },
      },
    };
    serveExamplePage();
    for (const api of apis) {
      const { method, check } = methods[api.id]!;
      check(await sdk[method]!.call(sdk, api.example));
    }
    expect(await balanceOf(account.accountId)).toBeLessThan(1000);
  });

  it("accepts every request the server's schema produces (checked by the type checker)", () => {
    expectTypeOf<GenerateImageRequest>().toExtend<ImageGenerationRequest>();
    // expectTypeOf cannot compare these discriminated unions member by member; an assignment can.
    const fits = (request: ExtractDocumentRequest): DocumentExtractionRequest => request;
    expect(fits).toBeTypeOf("function");
    const transforms = (request: TransformImageRequest): ImageTransformationRequest => request;
    expect(transforms).toBeTypeOf("function");
    const sheets = (request: GenerateSheetRequest): SheetGenerationRequest => request;
    expect(sheets).toBeTypeOf("function");
  });
});

describe("website extraction through the SDK", () => {
  it("extractWebsite answers the fields, extractWebsiteWithMetadata the page's metadata too, extractWebsiteAsync delivers both", async () => {
    serveExamplePage();
    const account = await createAccount(10);
    const sdk = client(account.apiKey);
    const request = { file: { type: "url" as const, url: "https://example.com/products/widget" }, schema: { fields: [{ name: "price", type: "CURRENCY_AMOUNT" as const, description: "Price" }] } };
    expect((await sdk.extractWebsite(request)).price!.value).toBe(49.99);
    const { data, metadata } = await sdk.extractWebsiteWithMetadata(request);
    expect(data.price!.value).toBe(49.99);
    expect(metadata).toMatchObject({ final_url: "https://example.com/products/widget", open_graph: { title: "Widget" }, page_count: 1 });
    const receiver = createReceiver();
    const accepted = await sdk.extractWebsiteAsync({ ...request, webhook_url: receiver.url });
    await waitForJob(accepted.job_id, (job) => job.deliveryStatus === "delivered");
    expect(JSON.parse(receiver.deliveries[0]!.body)).toMatchObject({ success: true, api: "website_extraction", data: { price: { value: 49.99 } }, metadata: { page: { title: "Widget" } } });
    expect(await balanceOf(account.accountId)).toBe(7);
  });
});

describe("the README example, verbatim but for the import path, the key and baseUrl", () => {
  it("accepts the job, and the delivered webhook verifies and decodes to the PNG", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const YOUR_API_KEY = account.apiKey;
    const webhookUrl = receiver.url;

    const client = new Lamina({ apiKey: YOUR_API_KEY, baseUrl: BASE_URL, fetch: workerFetch });
    const result = await client.generateImageAsync({
      webhook_url: webhookUrl,
      dimensions: { width_in_px: 800, height_in_px: 600 },
      layers: [{ index: 0, type: "solid-color-background", hex_color: "#FFFFFF" }],
      output_format: "png",
    });
    expect(result.message).toBe("Request accepted. Results will be delivered to the provided webhook URL.");
    expect(result).toMatchObject({ success: true, async: true, job_id: expect.any(String) });

    await waitForJob(result.job_id, (job) => job.deliveryStatus === "delivered");
    const { secret } = await client.getWebhookSecret();
    const delivery = receiver.deliveries[0]!;
    const payload: WebhookPayload = await verifyWebhook(delivery.body, delivery.request.headers, secret);
    expect(payload.success).toBe(true);
    if (payload.success && payload.api === "image_generation") {
      // Inline by default: `buffer`, not the link of result_delivery "url".
      expect("buffer" in payload.data).toBe(true);
      const png = decode(decodeBuffer(payload.data as { buffer: string }));
      expect([png.width, png.height]).toEqual([800, 600]);
    }
    // Plain header records (as Node hands them over) work as well.
    await expect(verifyWebhook(delivery.body, delivery.headers, secret)).resolves.toMatchObject({ job_id: result.job_id });
  });
});

describe("methods", () => {
  it("generateImage answers the decoded bytes and their MIME type, and charges", async () => {
    const account = await createAccount(10);
    const image = await client(account.apiKey).generateImage(SMALL_IMAGE as ImageGenerationRequest);
    expect(image.mime_type).toBe("image/png");
    expect(image.buffer).toBeInstanceOf(Uint8Array);
    expect(Array.from(image.buffer.slice(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("extractDocument answers the typed fields; extractDocumentAsync delivers them by webhook", async () => {
    const account = await createAccount(10);
    const sdk = client(account.apiKey);
    const request = {
      files: [{ type: "base64" as const, name: "invoice.txt", base64: btoa("Invoice Number: INV-7\nTotal: 1.234,50 EUR") }],
      schema: {
        fields: [
          { name: "invoice_number", type: "TEXT" as const, description: "Invoice number" },
          { name: "total", type: "CURRENCY_AMOUNT" as const, description: "Total" },
        ],
      },
    };
    const data = await sdk.extractDocument(request);
    expect(data.invoice_number).toMatchObject({ type: "TEXT", value: "INV-7", source: "invoice.txt" });
    expect(data.total!.value).toBe(1234.5);
    const receiver = createReceiver();
    const accepted = await sdk.extractDocumentAsync({ ...request, webhook_url: receiver.url });
    await waitForJob(accepted.job_id, (job) => job.deliveryStatus === "delivered");
    const { secret } = await sdk.getWebhookSecret();
    const payload = await verifyWebhook(receiver.deliveries[0]!.body, receiver.deliveries[0]!.request.headers, secret);
    expect(payload).toMatchObject({ success: true, api: "document_extraction", data: { invoice_number: { value: "INV-7" } } });
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("me, getJob, redeliver, getWebhookSecret and rotateWebhookSecret answer what the API does", async () => {
    const account = await createAccount(10, "SDK Co");
    const sdk = client(account.apiKey);
    expect(await sdk.me()).toEqual({
      account_id: account.accountId,
      name: "SDK Co",
      credits: 10,
      rate_limit_per_minute: 1000,
      api_key: { id: account.apiKeyId, prefix: account.apiKey.slice(0, 10), monthly_budget_cap: null, month: new Date().toISOString().slice(0, 7), spent_this_month: 0 },
    });
    const receiver = createReceiver();
    const { job_id } = await sdk.generateImageAsync({ ...(SMALL_IMAGE as ImageGenerationRequest), webhook_url: receiver.url });
    await waitForJob(job_id, (job) => job.deliveryStatus === "delivered");
    const job = await sdk.getJob(job_id);
    expect(job).toMatchObject({ id: job_id, status: "succeeded", delivery_status: "delivered", cost: 2 });
    expect(job.attempts).toHaveLength(1);
    expect(await sdk.redeliver(job_id)).toEqual({ job_id, delivery_status: "pending" });
    await waitForJob(job_id, (j) => j.deliveryStatus === "delivered" && receiver.deliveries.length === 2);
    const first = await sdk.getWebhookSecret();
    const rotated = await sdk.rotateWebhookSecret();
    expect(rotated.secret).not.toBe(first.secret);
    expect(rotated.previous_secret_expires_at).toEqual(expect.any(String));
  });
});

describe("results by signed URL", () => {
  it("an async job with result_delivery url delivers a link that downloadResult fetches without a key; getJobResult fetches it with one", async () => {
    const account = await createAccount(10);
    const sdk = client(account.apiKey);
    const receiver = createReceiver();
    const { job_id } = await sdk.generateImageAsync({ ...(SMALL_IMAGE as ImageGenerationRequest), webhook_url: receiver.url, result_delivery: "url" });
    await waitForJob(job_id, (job) => job.deliveryStatus === "delivered");
    const { secret } = await sdk.getWebhookSecret();
    const delivery = receiver.deliveries[0]!;
    const payload = await verifyWebhook(delivery.body, delivery.headers, secret);
    const link = (payload as { data: ResultLink }).data;
    expect(link.mime_type).toBe("image/png");
    const downloaded = await downloadResult(link, { fetch: workerFetch });
    expect(downloaded.mime_type).toBe("image/png");
    expect(downloaded.buffer.byteLength).toBe(link.size_bytes);
    expect(decode(downloaded.buffer).width).toBe(4);
    const withKey = (await sdk.getJobResult(job_id)) as { buffer: Uint8Array; mime_type: string };
    expect(withKey.buffer).toEqual(downloaded.buffer);
    // One character of the signature changed (to another one, whatever it was).
    const tamperedUrl = link.url.replace(/signature=(.)/, (_, first: string) => `signature=${first === "0" ? "1" : "0"}`);
    const tampered = await downloadResult(tamperedUrl, { fetch: workerFetch }).catch((err) => err);
    expect(tampered).toBeInstanceOf(LaminaError);
    expect(tampered.status).toBe(403);
  });
});

describe("errors", () => {
  it("throws LaminaError with the status and the server's message, and never retries a 4xx", async () => {
    const account = await createAccount(1);
    const calls = vi.fn(workerFetch);
    const sdk = client(account.apiKey, calls);
    const invalid = await sdk.generateImage({ dimensions: { width_in_px: 0, height_in_px: 1 }, layers: [] }).catch((err) => err);
    expect(invalid).toBeInstanceOf(LaminaError);
    expect(invalid.status).toBe(400);
    expect(invalid.message).toContain("dimensions.width_in_px");
    const broke = await sdk.generateImage(SMALL_IMAGE as ImageGenerationRequest).catch((err) => err);
    expect([broke.status, broke.message]).toEqual([402, "Insufficient credits"]);
    const missing = await sdk.getJob(crypto.randomUUID()).catch((err) => err);
    expect(missing.status).toBe(404);
    const unauthorized = await client("il_nope").me().catch((err) => err);
    expect(unauthorized.status).toBe(401);
    expect(calls).toHaveBeenCalledTimes(3);
  });

  it("retries a 503 (the queue was down; nothing was charged) and then succeeds, charging once", async () => {
    const account = await createAccount(10);
    const send = vi.spyOn(env.PROCESSING_QUEUE, "send").mockRejectedValueOnce(new Error("Queue is overloaded"));
    const calls = vi.fn(workerFetch);
    const accepted = await client(account.apiKey, calls).generateImageAsync({ ...(SMALL_IMAGE as ImageGenerationRequest), webhook_url: createReceiver().url });
    send.mockRestore();
    expect(calls).toHaveBeenCalledTimes(2);
    expect(accepted.job_id).toEqual(expect.any(String));
    await waitForJob(accepted.job_id, (job) => job.deliveryStatus === "delivered");
    expect(await balanceOf(account.accountId)).toBe(8);
    expect((await jobsOf(account.accountId)).map((job) => job.status).sort()).toEqual(["failed", "succeeded"]);
  });

  it("retries the real limiter's 429 as its Retry-After asks (capped by maxRetryDelayMs), then succeeds", async () => {
    const account = await createAccount(10);
    await callJson(`/admin/v1/accounts/${account.accountId}`, { method: "PATCH", body: { rate_limit_per_minute: 1 }, key: ADMIN_TOKEN });
    const seen: { status: number; retryAfter: string | null }[] = [];
    const observed: typeof fetch = async (input, init) => {
      const response = await workerFetch(input, init);
      seen.push({ status: response.status, retryAfter: response.headers.get("Retry-After") });
      if (response.status === 429) {
        // The operator lifts the limit while the client waits: its retry must then get through.
        await callJson(`/admin/v1/accounts/${account.accountId}`, { method: "PATCH", body: { rate_limit_per_minute: 10 }, key: ADMIN_TOKEN });
      }
      return response;
    };
    const sdk = new Lamina({ apiKey: account.apiKey, baseUrl: BASE_URL, fetch: observed, maxRetryDelayMs: 1000 });
    expect((await sdk.me()).credits).toBe(10);
    const started = Date.now();
    expect((await sdk.me()).credits).toBe(10);
    expect(seen.map((entry) => entry.status)).toEqual([200, 429, 200]);
    expect(Number(seen[1]!.retryAfter)).toBeGreaterThanOrEqual(1);
    // Retry-After asked for about a minute; the client waited its cap of one second, not its first backoff (0.5 s).
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    await callJson(`/admin/v1/accounts/${account.accountId}`, { method: "PATCH", body: { rate_limit_per_minute: 1 }, key: ADMIN_TOKEN });
    const stubborn = new Lamina({ apiKey: account.apiKey, baseUrl: BASE_URL, fetch: workerFetch, maxRetries: 1, maxRetryDelayMs: 100 });
    const error = await stubborn.me().catch((err) => err);
    expect([error.status, error.message]).toEqual([429, "Rate limit exceeded"]);
  });

  it("retries a 429 honouring Retry-After, and gives up after maxRetries", async () => {
    const account = await createAccount(10);
    let limited = 1;
    const rateLimited: typeof fetch = async (input, init) =>
      limited-- > 0 ? new Response(JSON.stringify({ success: false, error: "Too many requests" }), { status: 429, headers: { "Retry-After": "1" } }) : workerFetch(input, init);
    const started = Date.now();
    expect((await client(account.apiKey, rateLimited).me()).credits).toBe(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const always = vi.fn(async () => new Response(JSON.stringify({ success: false, error: "Too many requests" }), { status: 429 }));
    const sdk = new Lamina({ apiKey: account.apiKey, baseUrl: BASE_URL, fetch: always, maxRetries: 2 });
    const error = await sdk.me().catch((err) => err);
    expect([error.status, error.message]).toEqual([429, "Too many requests"]);
    expect(always).toHaveBeenCalledTimes(3);
  });

  it("times out with a LaminaError of status 0", async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    const error = await new Lamina({ apiKey: "il_x", baseUrl: BASE_URL, fetch: hang, timeoutMs: 50 }).me().catch((err) => err);
    expect(error).toBeInstanceOf(LaminaError);
    expect([error.status, error.message]).toEqual([0, "Request timed out after 50 ms"]);
  });

  it("needs an API key and a base URL", () => {
    expect(() => new Lamina({ apiKey: "" })).toThrow(/apiKey is required/);
    expect(() => new Lamina({ apiKey: "il_x" })).toThrow(/baseUrl is required/);
  });
});

describe("verifyWebhook", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = JSON.stringify({ success: false, api: "image_generation", job_id: "j1", error: { message: "x" } });

  async function signedHeaders(at = Math.floor(Date.now() / 1000), secrets = [secret]) {
    return { "webhook-id": "j1", "webhook-timestamp": String(at), "webhook-signature": await signatureHeader(secrets, "j1", at, body) };
  }

  it("accepts the Standard Webhooks known-answer vector", async () => {
    const headers = {
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    };
    const payload = await verifyWebhook('{"test": 2432232314}', headers, secret, { now: new Date(1614265330 * 1000) });
    expect(payload).toEqual({ test: 2432232314 });
    await expect(verifyWebhook('{"test": 2432232315}', headers, secret, { now: new Date(1614265330 * 1000) })).rejects.toThrow(WebhookVerificationError);
  });

  it("accepts a valid delivery, signed with any of several secrets, as a string or bytes", async () => {
    const other = "whsec_" + btoa("o".repeat(32));
    const headers = await signedHeaders(undefined, [other, secret]);
    expect(await verifyWebhook(body, headers, secret)).toEqual(JSON.parse(body));
    expect(await verifyWebhook(new TextEncoder().encode(body), new Headers(headers), other)).toEqual(JSON.parse(body));
  });

  it("refuses a tampered body, a wrong secret, a stale or future timestamp, and missing headers", async () => {
    const headers = await signedHeaders();
    await expect(verifyWebhook(body.replace("j1", "j2"), headers, secret)).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(verifyWebhook(body, headers, "whsec_" + btoa("w".repeat(32)))).rejects.toThrow(/No matching/);
    const stale = await signedHeaders(Math.floor(Date.now() / 1000) - 301);
    await expect(verifyWebhook(body, stale, secret)).rejects.toThrow(/tolerance/);
    const future = await signedHeaders(Math.floor(Date.now() / 1000) + 301);
    await expect(verifyWebhook(body, future, secret)).rejects.toThrow(/tolerance/);
    expect(await verifyWebhook(body, stale, secret, { toleranceSeconds: 600 })).toMatchObject({ job_id: "j1" });
    await expect(verifyWebhook(body, { "webhook-id": "j1" }, secret)).rejects.toThrow(/Missing/);
    await expect(verifyWebhook(body, { ...headers, "webhook-signature": "v1,AAAA" }, secret)).rejects.toThrow(/No matching/);
  });

  it("treats a malformed secret as an error, never as a weak key", async () => {
    const headers = await signedHeaders();
    await expect(verifyWebhook(body, headers, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).rejects.toThrow(/Malformed webhook secret/);
    await expect(verifyWebhook(body, headers, "whsec_not base64!")).rejects.toThrow(/not valid base64/);
    await expect(verifyWebhook(body, headers, "whsec_")).rejects.toThrow(/shorter than 24 bytes/);
    await expect(verifyWebhook(body, headers, "whsec_c2hvcnQ=")).rejects.toThrow(/shorter than 24 bytes/);
  });
});
