/**
 * Website extraction through the route, against pages served by a test site (outbound fetches are intercepted:
 * each site is a fresh host with its own robots.txt): Open Graph, JSON-LD and the page's outline in `metadata`,
 * fields found in JSON-LD and in the visible text, navigation chrome left out, redirect chains, robots.txt
 * obeyed, fetch_options headers for a gated page, failures as refunded 422s, async by webhook.
 */
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, ledgerOf } from "../helpers/http";
import { waitForJob } from "../helpers/jobs";
import { createReceiver, sleep, type Delivery } from "../helpers/webhook-receiver";

const PATH = "/website-extraction/v1/extract";

type Handler = (delivery: Delivery) => Response | Promise<Response>;

/** A test site on a host of its own: pages by path, robots.txt answering 404 unless given. */
function site(pages: Record<string, Handler | string>, robots?: Handler | string) {
  const origin = `https://shop-${crypto.randomUUID().slice(0, 8)}.example.com`;
  const served: Record<string, Delivery[]> = {};
  const handler = (value: Handler | string): Handler =>
    typeof value === "string" ? () => new Response(value, { headers: { "Content-Type": "text/html; charset=utf-8" } }) : value;
  for (const [path, value] of Object.entries(pages)) {
    served[path] = createReceiver(handler(value), `${origin}${path}`).deliveries;
  }
  served["/robots.txt"] = createReceiver(
    robots === undefined ? () => new Response("not found", { status: 404 }) : typeof robots === "string" ? () => new Response(robots) : robots,
    `${origin}/robots.txt`,
  ).deliveries;
  return { origin, url: (path: string) => `${origin}${path}`, served };
}

const PRODUCT_FIELDS = [
  { name: "product", type: "TEXT", description: "Product name" },
  { name: "price", type: "CURRENCY_AMOUNT", description: "Price" },
  { name: "currency", type: "CURRENCY_CODE", description: "Currency" },
];

async function extract(file: Record<string, unknown>, fields: unknown[] = PRODUCT_FIELDS, credits = 10) {
  const account = await createAccount(credits);
  const res = await callJson(PATH, { key: account.apiKey, body: { file, schema: { fields } } });
  return { ...res, account, spent: credits - (await balanceOf(account.accountId)) };
}

const PRODUCT_PAGE = `<!doctype html><html lang="en"><head>
<title>Trail Widget | Acme Shop</title>
<meta name="description" content="A widget for the trail.">
<meta property="og:title" content="Trail Widget">
<meta property="og:image" content="/img/widget.jpg">
<meta property="og:type" content="product">
<meta name="twitter:card" content="summary_large_image">
<meta name="DC.creator" content="Acme Corp">
<meta name="robots" content="noindex">
<link rel="canonical" href="/products/trail-widget">
<link rel="alternate" type="application/rss+xml" title="Acme news" href="/feed.xml">
<link rel="icon" href="/favicon.ico" sizes="32x32">
<link rel="alternate" hreflang="de" href="https://de.acme.example/widget">
<link rel="stylesheet" href="/site.css">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"Trail Widget","sku":"TW-1",
 "offers":{"@type":"Offer","price":"49.99","priceCurrency":"USD","availability":"https://schema.org/InStock"}}</script>
<script type="application/ld+json">{ not json</script>
<script>var price = "Price: $1.00";</script>
</head><body>
<header><a href="/">Acme</a><nav><a href="/sale">Sale: everything $5.00</a></nav></header>
<main>
<h1>Trail Widget</h1>
<p>Built for <b>rough</b> paths. See <a href="/docs/widget">the manual</a>.</p>
<img src="/img/widget-side.jpg" alt="The widget from the side" width="640" height="480">
<h2>Details</h2>
<ul><li>Weight: 120 g</li><li>Colour: green</li></ul>
</main>
<aside class="related">Related: Trail Gadget Price: $9.00</aside>
<footer>© Acme</footer>
</body></html>`;

describe("website extraction", () => {
  it("answers fields from the page's JSON-LD and its metadata: Open Graph, Twitter, JSON-LD, outline, links, images, feeds, icons", async () => {
    const shop = site({ "/products/trail-widget": PRODUCT_PAGE });
    const res = await extract({ type: "url", url: shop.url("/products/trail-widget") });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.spent).toBe(1);
    const { data, metadata } = res.body;
    expect(data.product).toMatchObject({ type: "TEXT", value: "Trail Widget", source: "trail-widget.html" });
    expect(data.price).toMatchObject({ type: "CURRENCY_AMOUNT", value: 49.99, source: "trail-widget.html" });
    expect(data.currency).toMatchObject({ type: "CURRENCY_CODE", value: "USD" });
    expect(metadata).toMatchObject({
      requested_url: shop.url("/products/trail-widget"),
      final_url: shop.url("/products/trail-widget"),
      page_count: 1,
      status_code: 200,
      content_type: "text/html; charset=utf-8",
      body_size: new TextEncoder().encode(PRODUCT_PAGE).length,
      response_meta: { redirects: [] },
      page: { title: "Trail Widget | Acme Shop", description: "A widget for the trail.", language: "en" },
      open_graph: { title: "Trail Widget", image: "/img/widget.jpg", type: "product" },
      twitter: { card: "summary_large_image" },
      dublin_core: { creator: "Acme Corp" },
      canonical: shop.url("/products/trail-widget"),
      feeds: [{ url: shop.url("/feed.xml"), type: "application/rss+xml", title: "Acme news" }],
      favicons: [{ url: shop.url("/favicon.ico"), rel: "icon", sizes: "32x32" }],
      hreflang: [{ lang: "de", url: "https://de.acme.example/widget" }],
      assets: [{ url: shop.url("/site.css"), type: "stylesheet" }],
      headings: [
        { level: 1, text: "Trail Widget" },
        { level: 2, text: "Details" },
      ],
      images: [{ url: shop.url("/img/widget-side.jpg"), alt: "The widget from the side", width: 640, height: 480 }],
      noindex_detected: true,
      nofollow_detected: false,
    });
    // The invalid JSON-LD block is left out; the valid one is parsed whole.
    expect(metadata.json_ld).toEqual([
      {
        "@context": "https://schema.org",
        "@type": "Product",
        name: "Trail Widget",
        sku: "TW-1",
        offers: { "@type": "Offer", price: "49.99", priceCurrency: "USD", availability: "https://schema.org/InStock" },
      },
    ]);
    expect(metadata.links).toEqual([
      { url: shop.url("/"), text: "Acme" },
      { url: shop.url("/sale"), text: "Sale: everything $5.00" },
      { url: shop.url("/docs/widget"), text: "the manual" },
    ]);
    // Main content words: "Trail Widget", "Built for rough paths. See the manual.", "Details", "Weight: 120 g",
    // "Colour: green" (not the nav, aside or footer).
    expect(metadata.word_count).toBe(15);
  });

  it("finds a price in the visible text of the main content, not in the navigation, sidebar or scripts", async () => {
    const page =
      "<html><head><title>Basic plan</title><script>const p = 'Price: $1.00'</script></head><body>" +
      "<nav><p>Price: $5.00 deals</p></nav><div class='sidebar'>Price: $7.00</div>" +
      "<article><h1>Basic plan</h1><p>Everything you need.</p><p>Price: $49.99</p></article></body></html>";
    const shop = site({ "/pricing": page });
    const res = await extract({ type: "url", url: shop.url("/pricing") }, [{ name: "price", type: "CURRENCY_AMOUNT", description: "Price" }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.price).toMatchObject({ value: 49.99, source: "pricing.html" });
    expect(res.body.data.price.citations.join(" ")).toContain("49.99");
  });

  it("follows a redirect chain and says where it ended; the source is named by the requested page", async () => {
    const shop = site({
      "/old": () => new Response(null, { status: 301, headers: { Location: "/older" } }),
      "/older": () => new Response(null, { status: 302, headers: { Location: "/new-home" } }),
      "/new-home": "<html><body><main><h1>Moved</h1><p>Contact: hello@acme.example</p></main></body></html>",
    });
    const res = await extract({ type: "url", url: shop.url("/old") }, [{ name: "email", type: "EMAIL", description: "Contact e-mail" }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.email).toMatchObject({ value: "hello@acme.example", source: "old.html" });
    expect(res.body.metadata).toMatchObject({
      requested_url: shop.url("/old"),
      final_url: shop.url("/new-home"),
      response_meta: { redirects: [shop.url("/old"), shop.url("/older")] },
    });
  });

  it("obeys robots.txt: a disallowed page is a 400 naming robots.txt, never fetched, nothing charged", async () => {
    const shop = site({ "/private/report": "<p>secret</p>", "/public": "<p>hello</p>" }, "User-agent: *\nDisallow: /private/\n");
    const res = await extract({ type: "url", url: shop.url("/private/report") });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/robots\.txt disallows \/private\/report for Lamina/);
    expect(res.body.error).toMatch(/^file: /);
    expect(shop.served["/private/report"]).toHaveLength(0);
    expect(res.spent).toBe(0);
    expect((await ledgerOf(res.account.accountId)).map((row) => row.reason)).toEqual(["grant", "debit", "refund"]);
  });

  it("obeys robots.txt for Lamina's own group whatever user agent is sent, and for each redirect hop", async () => {
    const robots = "User-agent: Lamina\nDisallow: /members\n\nUser-agent: *\nAllow: /\n";
    const shop = site({ "/join": () => new Response(null, { status: 302, headers: { Location: "/members/area" } }), "/members/area": "<p>x</p>", "/about": "<main><p>About us</p></main>" }, robots);
    const redirected = await extract({ type: "url", url: shop.url("/join"), fetch_options: { user_agent: "Mozilla/5.0 (compatible; Other)" } });
    expect(redirected.status).toBe(400);
    expect(redirected.body.error).toContain(`redirected to ${shop.url("/members/area")}, which`);
    expect(shop.served["/members/area"]).toHaveLength(0);
    const allowed = await extract({ type: "url", url: shop.url("/about") }, [{ name: "about", type: "TEXT", description: "About" }]);
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    // robots.txt was read once per page request.
    expect(shop.served["/robots.txt"]).toHaveLength(2);
  });

  it("sends fetch_options headers and auth to a gated page, but not to robots.txt", async () => {
    const gated: Handler = (delivery) =>
      delivery.headers["x-preview-token"] === "s3cret" && delivery.headers.authorization === "Bearer tok"
        ? new Response("<main><p>Invoice number: INV-77</p></main>", { headers: { "Content-Type": "text/html" } })
        : new Response("forbidden", { status: 403 });
    const shop = site({ "/preview": gated });
    const fields = [{ name: "invoice", type: "TEXT", description: "Invoice number" }];
    const refused = await extract({ type: "url", url: shop.url("/preview") }, fields);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/answered HTTP 403/);
    expect(refused.spent).toBe(0);
    const res = await extract(
      { type: "url", url: shop.url("/preview"), fetch_options: { headers: { "X-Preview-Token": "s3cret" }, auth: { type: "bearer", token: "tok" }, locale: "de-DE" } },
      fields,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.invoice.value).toBe("INV-77");
    const robotsRequest = shop.served["/robots.txt"]!.at(-1)!;
    expect(robotsRequest.headers["x-preview-token"]).toBeUndefined();
    expect(robotsRequest.headers.authorization).toBeUndefined();
    const pageRequest = shop.served["/preview"]!.at(-1)!;
    expect(pageRequest.headers["accept-language"]).toBe("de-DE");
    expect(pageRequest.headers.accept).toContain("text/html");
  });

  it.each([
    ["a 404 page", () => new Response("gone", { status: 404 }), /answered HTTP 404/],
    ["a 500 page", () => new Response("oops", { status: 500 }), /answered HTTP 500/],
    ["an image", () => new Response(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), { headers: { "Content-Type": "image/png" } }), /answered image\/png, which is neither a web page nor a document/],
    ["a video", () => new Response("....", { headers: { "Content-Type": "video/mp4" } }), /answered video\/mp4/],
  ])("refuses %s with a 422 naming the file, refunded", async (_, handler, message) => {
    const shop = site({ "/thing": handler as Handler });
    const res = await extract({ type: "url", url: shop.url("/thing") });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
    expect(res.body.error).toMatch(/^file: /);
    expect(res.spent).toBe(0);
  });

  it("bounds the whole fetch by timeout_ms: robots.txt of every origin and the redirects share one deadline", async () => {
    const slowRobots = async () => {
      await sleep(1_900);
      return new Response("User-agent: *\nAllow: /\n");
    };
    const shop = site({ "/page": "<main><p>Trail Widget costs 49.99 USD</p></main>" }, slowRobots);
    const entry = site({ "/go": () => new Response(null, { status: 302, headers: { Location: shop.url("/page") } }) }, slowRobots);
    const res = await extract({ type: "url", url: entry.url("/go"), fetch_options: { timeout_ms: 2_000 } });
    // Each robots.txt alone answers within 2 s (each once had 2 s of its own: the second was read whole and only
    // the page's fetch then timed out, after 3.8 s); together they do not, so the second robots.txt is what the
    // deadline cuts off, and the page is never fetched.
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(new RegExp(`^file: ${shop.origin.replaceAll(".", "\\.")}/robots\\.txt could not be read \\(fetching .* timed out\\)`));
    expect(entry.served["/robots.txt"]).toHaveLength(1);
    expect(shop.served["/page"]).toHaveLength(0);
    expect(res.spent).toBe(0);
  });

  it("fetches nothing when robots.txt cannot be read (HTTP 503): a 422, refunded", async () => {
    const shop = site({ "/page": "<p>x</p>" }, () => new Response("busy", { status: 503 }));
    const res = await extract({ type: "url", url: shop.url("/page") });
    expect(res.status).toBe(422);
    expect(res.body.error).toContain("robots.txt answered HTTP 503");
    expect(shop.served["/page"]).toHaveLength(0);
    expect(res.spent).toBe(0);
  });

  it("reads a URL that answers a document (plain text) as that document, named by the URL", async () => {
    const shop = site({ "/files/invoice.txt": () => new Response("Invoice\nTotal: 120.00 EUR\n", { headers: { "Content-Type": "text/plain" } }) });
    const res = await extract({ type: "url", url: shop.url("/files/invoice.txt") }, [{ name: "total", type: "CURRENCY_AMOUNT", description: "Total" }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.total).toMatchObject({ value: 120, source: "invoice.txt" });
    expect(res.body.metadata).toMatchObject({ content_type: "text/plain", word_count: 4, page_count: 1 });
    expect(res.body.metadata.open_graph).toBeUndefined();
  });

  it("refuses should_render_javascript without a Browser Rendering binding: a 422 that says so, nothing fetched, refunded", async () => {
    const shop = site({ "/app": "<div id=root></div>" });
    const res = await extract({ type: "url", url: shop.url("/app"), fetch_options: { should_render_javascript: true } });
    expect(res.status).toBe(422);
    expect(res.body.error).toContain("should_render_javascript needs the Browser Rendering binding");
    expect(shop.served["/app"]).toHaveLength(0);
    expect(shop.served["/robots.txt"]).toHaveLength(0);
    expect(res.spent).toBe(0);
  });

  it.each([
    ["a base64 file", { file: { type: "base64", base64: btoa("<p>x</p>"), name: "a.html" } }, /^file\.type: website extraction reads a page by its URL/],
    ["an http URL", { file: { type: "url", url: "http://example.com/" } }, /^file\.url: https is required/],
    ["no file", {}, /^file: /],
    ["an empty schema", { file: { type: "url", url: "https://example.com/" }, schema: { fields: [] } }, /^schema\.fields: at least one field is required/],
    ["a duplicate field", { file: { type: "url", url: "https://example.com/" }, schema: { fields: [{ name: "a", type: "TEXT", description: "" }, { name: "a", type: "TEXT", description: "" }] } }, /^schema\.fields\.1\.name: duplicate field name/],
    ["a bad fetch option", { file: { type: "url", url: "https://example.com/", fetch_options: { timeout_ms: 5 } } }, /^file\.fetch_options\.timeout_ms: /],
  ])("refuses %s with a 400 naming the field, charging nothing", async (_, body, message) => {
    const account = await createAccount(5);
    const res = await callJson(PATH, { key: account.apiKey, body: { schema: { fields: [{ name: "t", type: "TEXT", description: "Title" }] }, ...body } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("async: answers 201 at once and delivers data and metadata by webhook, charged 1", async () => {
    const shop = site({ "/products/trail-widget": PRODUCT_PAGE });
    const account = await createAccount(5);
    const hook = createReceiver();
    const res = await callJson(PATH, { key: account.apiKey, body: { file: { type: "url", url: shop.url("/products/trail-widget") }, schema: { fields: PRODUCT_FIELDS }, webhook_url: hook.url } });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (job) => job.deliveryStatus === "delivered");
    const payload = JSON.parse(hook.deliveries[0]!.body);
    expect(payload).toMatchObject({ success: true, api: "website_extraction", job_id: res.body.job_id });
    expect(payload.data.price.value).toBe(49.99);
    expect(payload.metadata).toMatchObject({ final_url: shop.url("/products/trail-widget"), open_graph: { title: "Trail Widget" } });
    expect(await balanceOf(account.accountId)).toBe(4);
  });

  it("async: a page robots.txt disallows is a failure webhook naming robots.txt, refunded", async () => {
    const shop = site({ "/private": "<p>x</p>" }, "User-agent: *\nDisallow: /private\n");
    const account = await createAccount(5);
    const hook = createReceiver();
    const res = await callJson(PATH, { key: account.apiKey, body: { file: { type: "url", url: shop.url("/private") }, schema: { fields: PRODUCT_FIELDS }, webhook_url: hook.url } });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (job) => job.deliveryStatus === "delivered");
    const payload = JSON.parse(hook.deliveries[0]!.body);
    expect(payload).toMatchObject({ success: false, api: "website_extraction" });
    expect(payload.error.message).toMatch(/robots\.txt disallows \/private/);
    expect(await balanceOf(account.accountId)).toBe(5);
  });
});

describe("website extraction budgets", () => {
  it.each([
    ["a 6 MiB page", () => `<html><body><main><p>${"word ".repeat(1_300_000)}</p></main></body></html>`, /^file: text files may be at most 5\.0 MiB/],
    ["a page nested 600 deep", () => `<html><body>${"<div>".repeat(600)}x${"</div>".repeat(600)}</body></html>`, /nests deeper than 512 levels/],
    ["a 21 MB body", () => "x".repeat(21 * 1024 * 1024), /is larger than 20 MB/],
  ])("refuses %s with a 422, refunded, and answers afterwards", async (_, make, message) => {
    const shop = site({ "/big": make() });
    const res = await extract({ type: "url", url: shop.url("/big") });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
    expect(res.spent).toBe(0);
    const fine = site({ "/fine": "<main><p>Price: $3.00</p></main>" });
    expect((await extract({ type: "url", url: fine.url("/fine") })).body.data.price.value).toBe(3);
  });

  it("keeps at most 500 links, images and headings, and leaves out JSON-LD nested past 64 levels", async () => {
    const deep = `${'{"a":'.repeat(100)}1${"}".repeat(100)}`;
    const page =
      `<html><head><script type="application/ld+json">${deep}</script><script type="application/ld+json">{"@type":"Thing","name":"Kept"}</script></head><body><main>` +
      Array.from({ length: 2000 }, (_, i) => `<h2>Part ${i}</h2><a href="/p/${i}">link ${i}</a><img src="/i/${i}.png" alt="">`).join("") +
      "</main></body></html>";
    const shop = site({ "/many": page });
    const res = await extract({ type: "url", url: shop.url("/many") }, [{ name: "part", type: "TEXT", description: "Part" }]);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.metadata.links).toHaveLength(500);
    expect(res.body.metadata.images).toHaveLength(500);
    expect(res.body.metadata.headings).toHaveLength(500);
    expect(res.body.metadata.links[499]).toEqual({ url: shop.url("/p/499"), text: "link 499" });
    expect(res.body.metadata.json_ld).toEqual([{ "@type": "Thing", name: "Kept" }]);
  });
});
