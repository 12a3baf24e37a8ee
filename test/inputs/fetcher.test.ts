/**
 * The guarded fetcher, through the real path (HTTP → process() → fetcher): redirects checked hop by hop, the
 * streaming size cap, every fetch_option, unsafe headers refused at validation, dev hosts, and the refund.
 */
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, jobsOf } from "../helpers/http";
import { createReceiver, outboundUrls } from "../helpers/webhook-receiver";
import { fetchWithEnv } from "../helpers/worker";

const EXTRACT = "/document-extraction/v1/extract";
const GENERATE = "/image-generation/v1/generate";
const TOTAL_FIELD = { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] };
const INVOICE = "Invoice\nTotal: 12.50\n";

const extractUrl = (url: string, fetchOptions?: Record<string, unknown>) => ({
  files: [{ type: "url", url, name: "remote.txt", ...(fetchOptions ? { fetch_options: fetchOptions } : {}) }],
  schema: TOTAL_FIELD,
});

const redirectTo = (location: string, status = 302) => () => new Response(null, { status, headers: { Location: location } });

describe("redirects", () => {
  it("are followed, absolute and relative, and the file behind them is read", async () => {
    const account = await createAccount(5);
    const file = createReceiver(() => new Response(INVOICE));
    const relative = createReceiver(redirectTo(new URL(file.url).pathname, 307));
    const first = createReceiver(redirectTo(relative.url, 301));
    const res = await callJson(EXTRACT, { key: account.apiKey, body: extractUrl(first.url) });
    expect(res.status).toBe(200);
    expect(res.body.data.total.value).toBe(12.5);
    expect([first.deliveries.length, relative.deliveries.length, file.deliveries.length]).toEqual([1, 1, 1]);
    expect(await balanceOf(account.accountId)).toBe(4);
  });

  it("stop after 5 hops: a sixth redirect is a 422 naming the file, refunded", async () => {
    const account = await createAccount(5);
    const never = createReceiver(() => new Response(INVOICE));
    let next = never.url;
    const hops = [];
    for (let i = 0; i < 6; i++) {
      const hop = createReceiver(redirectTo(next));
      hops.unshift(hop);
      next = hop.url;
    }
    const res = await callJson(EXTRACT, { key: account.apiKey, body: extractUrl(next) });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(`files.0 (remote.txt): fetching ${next} redirected more than 5 times`);
    expect(hops.map((hop) => hop.deliveries.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(never.deliveries).toHaveLength(0);
    expect(await balanceOf(account.accountId)).toBe(5);
    expect((await jobsOf(account.accountId))[0]).toMatchObject({ status: "failed" });
  });

  it.each([
    ["a private IP", "https://10.0.0.7/secret"],
    ["localhost", "https://localhost/secret"],
    ["a cloud metadata address", "http://169.254.169.254/latest/meta-data/"],
    ["localhost with trailing dots", "https://localhost../secret"],
  ])("to %s are refused before that hop is requested: 422 for the file, refunded", async (_name, target) => {
    const account = await createAccount(5);
    const hop = createReceiver(redirectTo(target));
    const before = outboundUrls.length;
    const res = await callJson(EXTRACT, { key: account.apiKey, body: extractUrl(hop.url) });
    const requested = outboundUrls.slice(before);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(new RegExp(`^files\\.0 \\(remote\\.txt\\): ${hop.url} redirected to .+, which cannot be fetched: `));
    expect(requested).toEqual([hop.url]);
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("to a forbidden host from an image layer name the layer", async () => {
    const account = await createAccount(5);
    const hop = createReceiver(redirectTo("https://127.0.0.1/logo.png"));
    const res = await callJson(GENERATE, {
      key: account.apiKey,
      body: { dimensions: { width_in_px: 8, height_in_px: 8 }, layers: [{ index: 0, type: "image", file: { type: "url", url: hop.url } }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^layers\.0 \(image\): .* which cannot be fetched: must use a host name, not an IP address$/);
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("do not carry the caller's credentials to another origin", async () => {
    const account = await createAccount(5);
    const target = createReceiver(() => new Response(INVOICE), `https://cdn.example.net/${crypto.randomUUID()}`);
    const hop = createReceiver(redirectTo(target.url));
    const res = await callJson(EXTRACT, { key: account.apiKey, body: extractUrl(hop.url, { auth: { type: "bearer", token: "s3cret" }, headers: { "X-Trace": "1" } }) });
    expect(res.status).toBe(200);
    expect(hop.deliveries[0]!.headers.authorization).toBe("Bearer s3cret");
    expect(target.deliveries[0]!.headers.authorization).toBeUndefined();
    expect(target.deliveries[0]!.headers["x-trace"]).toBe("1");
  });
});

describe("the size cap", () => {
  it("cuts an endless body while it streams in: 422 naming the file, refunded, and reading stops at the cap", async () => {
    const account = await createAccount(5);
    let pulled = 0;
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    const source = createReceiver(
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              pulled++;
              controller.enqueue(chunk);
            },
          }),
        ),
    );
    const res = await callJson(EXTRACT, { key: account.apiKey, body: extractUrl(source.url) });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(`files.0 (remote.txt): the file at ${source.url} is larger than 20 MB`);
    expect(pulled).toBeLessThan(25); // 1 MiB chunks: the cap is 20 MB
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("refuses a declared Content-Length over the cap without reading the body", async () => {
    const account = await createAccount(5);
    const source = createReceiver(() => new Response("small", { headers: { "Content-Length": String(21 * 1024 * 1024) } }));
    const res = await callJson(EXTRACT, { key: account.apiKey, body: extractUrl(source.url) });
    expect(res.status).toBe(422);
    expect(res.body.error).toContain("is larger than 20 MB");
  });
});

describe("fetch_options", () => {
  it.each([
    ["bearer", { type: "bearer", token: "tok-1" }, "authorization", "Bearer tok-1"],
    ["basic", { type: "basic", username: "ann", password: "pä ss" }, "authorization", `Basic ${btoa("ann:p\u00c3\u00a4 ss")}`],
    ["custom_header", { type: "custom_header", name: "X-Api-Key", value: "k-9" }, "x-api-key", "k-9"],
  ])("send user_agent, locale as Accept-Language, headers and %s auth", async (_name, auth, header, value) => {
    const account = await createAccount(5);
    const source = createReceiver(() => new Response(INVOICE));
    const res = await callJson(EXTRACT, {
      key: account.apiKey,
      body: extractUrl(source.url, { user_agent: "InvoiceBot/2.0", locale: "de-DE", headers: { "X-Tenant": "acme" }, auth }),
    });
    expect(res.status).toBe(200);
    const sent = source.deliveries[0]!.headers;
    expect(sent["user-agent"]).toBe("InvoiceBot/2.0");
    expect(sent["accept-language"]).toBe("de-DE");
    expect(sent["x-tenant"]).toBe("acme");
    expect(sent[header]).toBe(value);
  });

  it("default to a Lamina user agent and no Accept-Language", async () => {
    const account = await createAccount(5);
    const source = createReceiver(() => new Response(INVOICE));
    await callJson(EXTRACT, { key: account.apiKey, body: extractUrl(source.url, {}) });
    expect(source.deliveries[0]!.headers["user-agent"]).toMatch(/^Lamina\//);
    expect(source.deliveries[0]!.headers["accept-language"]).toBeUndefined();
  });

  it("honour timeout_ms: a slow server is a 422 naming the file, refunded", async () => {
    const account = await createAccount(5);
    const source = createReceiver(() => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response(INVOICE)), 3000)));
    const res = await callJson(EXTRACT, { key: account.apiKey, body: extractUrl(source.url, { timeout_ms: 1000 }) });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(`files.0 (remote.txt): fetching ${source.url} timed out`);
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it.each(["Cookie", "set-cookie", "Host", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "TE", "Trailer", "Sec-Fetch-Mode", "Proxy-Authorization", "Proxy-Foo"])(
    "refuse the unsafe header %s with a 400 naming it, charging nothing",
    async (name) => {
      const account = await createAccount(5);
      const res = await callJson(EXTRACT, { key: account.apiKey, body: extractUrl("https://files.example.com/a.txt", { headers: { [name]: "x" } }) });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(`files.0.fetch_options.headers.${name}: header ${name} may not be set`);
      expect(await balanceOf(account.accountId)).toBe(5);
      expect(await jobsOf(account.accountId)).toHaveLength(0);
    },
  );

  it("refuse an unsafe custom_header auth name the same way", async () => {
    const account = await createAccount(5);
    const res = await callJson(EXTRACT, {
      key: account.apiKey,
      body: extractUrl("https://files.example.com/a.txt", { auth: { type: "custom_header", name: "Cookie", value: "a=b" } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("files.0.fetch_options.auth.name: header Cookie may not be set");
    expect(await balanceOf(account.accountId)).toBe(5);
  });
});

describe("dev hosts", () => {
  const request = (apiKey: string) =>
    new Request(`https://lamina.test${EXTRACT}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(extractUrl("https://localhost:8443/invoice.txt")),
    });

  it("let a developer serve input files from https://localhost when DEV_HOSTS names it", async () => {
    const account = await createAccount(5);
    const local = createReceiver(() => new Response(INVOICE), "https://localhost:8443/invoice.txt");
    const res = await fetchWithEnv(request(account.apiKey), { DEV_HOSTS: "localhost" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.total.value).toBe(12.5);
    expect(local.deliveries).toHaveLength(1);
  });

  it("are empty by default: the same input is refused before it is fetched", async () => {
    const account = await createAccount(5);
    const before = outboundUrls.length;
    const res = await fetchWithEnv(request(account.apiKey), {});
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error).toBe("files.0 (remote.txt): the file URL cannot be fetched: host localhost is not publicly reachable");
    expect(outboundUrls.slice(before)).toEqual([]);
  });
});
