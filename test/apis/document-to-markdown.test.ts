/**
 * Document to markdown through the route: the markdown keeps headings, runs, links, nested lists and tables; PDFs
 * are billed by their pages; an e-mail brings its attachments under their own headings; images are refused
 * without the AI binding; async delivers the same result by webhook.
 */
import { strToU8, zipSync } from "fflate";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { documentToMarkdown } from "../../src/apis/document-to-markdown";
import { createUrlFetcher } from "../../src/inputs/fetcher";
import { assetReader, createProcessDeps } from "../../src/jobs/deps";
import { balanceOf, callJson, createAccount, expectRefused, jobsOf } from "../helpers/http";
import { pptxOf, zipDeclaring } from "../helpers/files";
import { base64Of, pngOf } from "../helpers/images";
import { waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";

const PATH = "/document-to-markdown/v1/convert";
const corpus = import.meta.glob<string>("../fixtures/extraction/{docs,wild/docs}/*", { query: "?inline", import: "default", eager: true });
const fixture = (name: string) => corpus[Object.keys(corpus).find((path) => path.endsWith(`/${name}`))!]!.replace(/^data:[^,]*,/, "");

async function convert(file: Record<string, unknown>, credits = 50) {
  const account = await createAccount(credits);
  const res = await callJson(PATH, { key: account.apiKey, body: { file } });
  return { ...res, account, spent: credits - (await balanceOf(account.accountId)) };
}

describe("document to markdown", () => {
  it("HTML: headings, bold, italic, links, nested lists and a pipe table; script and style dropped", async () => {
    const html =
      "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>" +
      "<h1>Release notes</h1><p>Now <b>faster</b> and <i>smaller</i>, see <a href='https://example.com/docs'>the docs</a>.</p>" +
      "<h2>Changes</h2><ul><li>Parser<ul><li>Tables</li></ul></li><li>Fonts</li></ul>" +
      "<table><tr><th>Item</th><th>Price</th></tr><tr><td>Pen</td><td>1.50</td></tr></table></body></html>";
    const res = await convert({ type: "base64", name: "notes.html", base64: btoa(html) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({
      name: "notes.html",
      mime_type: "text/html",
      markdown:
        "# Release notes\n\nNow **faster** and *smaller*, see [the docs](https://example.com/docs).\n\n## Changes\n\n" +
        "- Parser\n  - Tables\n- Fonts\n\n| Item | Price |\n| --- | --- |\n| Pen | 1.50 |",
    });
    expect(res.spent).toBe(1);
  });

  it("DOCX: heading styles, bold and italic runs, numbered paragraphs as nested lists, the table", async () => {
    const run = (text: string, props = "") => `<w:r>${props ? `<w:rPr>${props}</w:rPr>` : ""}<w:t xml:space="preserve">${text}</w:t></w:r>`;
    const para = (content: string, pPr = "") => `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ""}${content}</w:p>`;
    const cell = (text: string) => `<w:tc>${para(run(text))}</w:tc>`;
    const xml =
      `<w:document xmlns:w="w"><w:body>` +
      para(run("Contract"), '<w:pStyle w:val="Title"/>') +
      para(run("The supplier ") + run("shall", "<w:b/>") + run(" deliver ") + run("on time", "<w:i/>") + run(".")) +
      para(run("Hardware"), '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>') +
      para(run("Laptops"), '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>') +
      `<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr>${cell("Item")}${cell("Price")}</w:tr><w:tr>${cell("Laptop")}${cell("900")}</w:tr></w:tbl>` +
      `</w:body></w:document>`;
    const res = await convert({ type: "base64", name: "contract.docx", base64: base64Of(zipSync({ "word/document.xml": strToU8(xml) })) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(res.body.data.markdown).toBe(
      "# Contract\n\nThe supplier **shall** deliver *on time*.\n\n- Hardware\n  - Laptops\n\n| Item | Price |\n| --- | --- |\n| Laptop | 900 |",
    );
  });

  it("PDF: every page in order, billed by its pages", async () => {
    const res = await convert({ type: "base64", name: "invoice.pdf", base64: fixture("01-invoice-us.pdf") });
    expect(res.status).toBe(200);
    expect(res.body.data.mime_type).toBe("application/pdf");
    // The invoice's title is set larger than its body: a heading.
    expect(res.body.data.markdown).toMatch(/^# Invoice\n\nFrom: Blue Ridge Analytics/);
    expect(res.spent).toBe(1);
  });

  it("PDF: lines set larger than the body text are headings, the largest size level 1; body lines, sentences and table rows are not", async () => {
    const { PDFDocument, StandardFonts } = await import("pdf-lib");
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([595, 842]);
    let y = 800;
    const line = (text: string, size: number, x = 50) => {
      page.drawText(text, { x, y, size, font });
    };
    line("Field report", 22);
    y -= 40;
    line("Written in the spring, after the survey.", 10);
    y -= 30;
    line("Findings", 15);
    y -= 24;
    for (const text of ["The river was high.", "The path was closed for two days.", "Everyone came back safe and well."]) {
      line(text, 10);
      y -= 14;
    }
    y -= 16;
    line("A large sentence that ends with a stop.", 15);
    y -= 24;
    line("Item", 15);
    line("Count", 15, 300);
    y -= 30;
    line("Next steps", 15);
    y -= 24;
    line("Repair the bridge before the summer season opens to walkers.", 10);
    const res = await convert({ type: "base64", name: "report.pdf", base64: base64Of(await pdf.save()) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.markdown).toBe(
      "# Field report\n\nWritten in the spring, after the survey.\n\n## Findings\n\nThe river was high.\n\nThe path was closed for two days.\n\n" +
        "Everyone came back safe and well.\n\nA large sentence that ends with a stop.\n\nItem   Count\n\n## Next steps\n\nRepair the bridge before the summer season opens to walkers.",
    );
  });

  it("e-mail: headers and body, then each attachment under its own heading", async () => {
    const res = await convert({ type: "base64", name: "transfer.eml", base64: fixture("w05-transfer.eml") });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.mime_type).toBe("message/rfc822");
    expect(res.body.data.markdown).toMatch(/^\*\*From:\*\* /m);
    expect(res.body.data.markdown).toMatch(/^\*\*Subject:\*\* /m);
  });

  it("e-mail with an attachment: the attachment's markdown under a heading of its name, billed with the message", async () => {
    const eml = [
      "From: Ada <ada@example.com>",
      "To: ops@example.com",
      "Subject: Order notes",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "See the attached notes.",
      "--b1",
      'Content-Type: text/csv; name="items.csv"',
      'Content-Disposition: attachment; filename="items.csv"',
      "Content-Transfer-Encoding: base64",
      "",
      btoa("sku,qty\nA-1,2"),
      "--b1--",
      "",
    ].join("\r\n");
    const res = await convert({ type: "base64", name: "order.eml", base64: btoa(eml) });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.markdown).toMatch(/^\*\*From:\*\* Ada \\<ada@example\.com\\>\n\n\*\*To:\*\* \\<ops@example\.com\\>\n\n\*\*Subject:\*\* Order notes/);
    expect(res.body.data.markdown).toContain("See the attached notes.");
    expect(res.body.data.markdown).toMatch(/## Attachment: items\.csv\n\n\| sku \| qty \|\n\| --- \| --- \|\n\| A-1 \| 2 \|$/);
    expect(res.spent).toBe(2);
  });

  it("PPTX: a section per slide in slide order, titles as headings, body text as bullets nested by level, bold runs, tables", async () => {
    const deck = pptxOf([
      { title: "Quarterly review", body: [["Revenue grew **12%**", 0]] },
      { body: [["Plans", 0], ["Hire two engineers", 1]], table: [["Region", "Sales"], ["EU", "1.2M"]] },
    ]);
    const res = await convert({ type: "base64", name: "review.pptx", base64: base64Of(deck) });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/vnd.openxmlformats-officedocument.presentationml.presentation");
    expect(res.body.data.markdown).toBe(
      "## Quarterly review\n\n- Revenue grew **12%**\n\n## Slide 2\n\n- Plans\n  - Hire two engineers\n\n| Region | Sales |\n| --- | --- |\n| EU | 1.2M |",
    );
  });

  it("CSV: one pipe table with its header row", async () => {
    const res = await convert({ type: "base64", name: "rows.csv", base64: btoa("sku,qty\nA-1,2\nB-2,5") });
    expect(res.body.data.markdown).toBe("| sku | qty |\n| --- | --- |\n| A-1 | 2 |\n| B-2 | 5 |");
  });

  it("refuses an image without the AI binding: 422 saying so, refunded", async () => {
    const res = await convert({ type: "base64", name: "photo.png", base64: base64Of(pngOf(4, 4, () => [1, 2, 3, 255])) });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("file: photo.png is an image or a scan: describing it needs the Workers AI binding, which this deployment does not have");
    expect(res.spent).toBe(0);
  });

  it.each([
    ["a missing file", {}, /^file: /],
    ["an http URL", { file: { type: "url", url: "http://example.com/a.pdf" } }, /^file\.url: https is required/],
    ["a broken PDF", { file: { type: "base64", name: "broken.pdf", base64: btoa("%PDF-1.7 not really") } }, /^file: broken\.pdf: /],
  ])("answers %s with a 400 naming the field, nothing charged", (_name, body, message) => expectRefused(PATH, body, message));

  it("with the AI binding, an image is described: the binding's markdown as `markdown` and `description`; a failed description is a 422", async () => {
    const ai = {
      toMarkdown: vi.fn(async (files: { name: string; blob: Blob }[]) => [{ name: files[0]!.name, format: "markdown", data: ` A red square on white. \n` }]),
      run: async () => ({}),
    };
    const deps = { fetcher: createUrlFetcher(new Set()), assets: assetReader(env.ASSETS), bindings: { AI: ai }, settings: {} };
    const png = pngOf(4, 4, () => [255, 0, 0, 255]);
    const result = await documentToMarkdown.process({ file: { type: "base64", name: "square.png", base64: base64Of(png) } }, deps);
    expect(result).toEqual({ kind: "json", data: { name: "square.png", mime_type: "image/png", markdown: "A red square on white.", description: "A red square on white." } });
    const sent = ai.toMarkdown.mock.calls[0]![0][0]!;
    expect(sent.name).toBe("square.png");
    expect(sent.blob.type).toBe("image/png");
    expect(new Uint8Array(await sent.blob.arrayBuffer())).toEqual(png);
    const failing = { toMarkdown: async () => [{ name: "square.png", format: "error", error: "unsupported image" }], run: async () => ({}) };
    await expect(documentToMarkdown.process({ file: { type: "base64", name: "square.png", base64: base64Of(png) } }, { ...deps, bindings: { AI: failing } })).rejects.toMatchObject({
      status: 422,
      message: "file: square.png could not be described: unsupported image",
    });
    expect(createProcessDeps({ ...env, AI: ai } as unknown as Env, documentToMarkdown).bindings).toEqual({ AI: ai });
  });

  it("async: delivers the markdown by webhook", async () => {
    const receiver = createReceiver();
    const account = await createAccount(5);
    const res = await callJson(PATH, { key: account.apiKey, body: { file: { type: "base64", name: "a.md", base64: btoa("# Title\n\nSome **bold** text.") }, webhook_url: receiver.url } });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (job) => job.deliveryStatus === "delivered");
    expect(JSON.parse(receiver.deliveries[0]!.body)).toEqual({
      success: true,
      api: "document_to_markdown",
      job_id: res.body.job_id,
      // Markdown passes through as written.
      data: { name: "a.md", mime_type: "text/markdown", markdown: "# Title\n\nSome **bold** text." },
    });
  });
});

describe("PPTX budgets", () => {
  it.each([
    ["slides nested 600 deep", () => zipSync({ "ppt/presentation.xml": strToU8("<p:presentation/>"), "ppt/slides/slide1.xml": strToU8(`<p:sld>${"<p:grpSp>".repeat(600)}${"</p:grpSp>".repeat(600)}</p:sld>`) }), "deck.pptx: the file nests deeper than 512 levels"],
    ["a slide declaring 300 MB", () => zipDeclaring({ "ppt/slides/slide1.xml": "<p:sld/>", "ppt/presentation.xml": "<p:presentation/>" }, 300 * 1024 * 1024), "deck.pptx: ppt/slides/slide1.xml inflates past the decompression budget (8 MiB a part, 16 MiB in all)"],
  ])("refuses %s: 422 naming the file, refunded, and the service keeps answering", async (_name, make, message) => {
    const res = await convert({ type: "base64", name: "deck.pptx", base64: base64Of(make()) }, 5);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(message);
    expect(res.spent).toBe(0);
    expect((await convert({ type: "base64", name: "ok.pptx", base64: base64Of(pptxOf([{ title: "Fine" }])) }, 5)).body.data.markdown).toBe("## Fine");
  });
});

describe("PPTX in document extraction (the shared readers)", () => {
  it("finds a value on the eleventh slide of eleven, read in slide order", async () => {
    const slides = Array.from({ length: 11 }, (_, i) => ({ title: `Slide title ${i + 1}`, body: [[i === 10 ? "Total: 12.50 EUR" : `Point ${i + 1}`, 0] as [string, number]] }));
    const account = await createAccount(5);
    const res = await callJson("/document-extraction/v1/extract", {
      key: account.apiKey,
      body: { files: [{ type: "base64", name: "deck.pptx", base64: base64Of(pptxOf(slides)) }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] } },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.total).toMatchObject({ value: 12.5, source: "deck.pptx" });
    const markdown = await convert({ type: "base64", name: "deck.pptx", base64: base64Of(pptxOf(slides)) });
    expect(markdown.body.data.markdown.match(/^## Slide title \d+$/gm)).toEqual(slides.map((slide) => `## ${slide.title}`));
  });
});

describe("document to markdown of a web page", () => {
  const PAGE =
    "<html lang='en'><head><title>Field guide</title><meta property='og:title' content='The field guide'></head><body>" +
    "<header><p>Acme docs</p><nav><a href='/'>Home</a> <a href='/blog'>Blog</a></nav></header>" +
    "<div role='navigation'>Jump to: top</div><div class='cookie-banner'>We use cookies. <button>OK</button></div>" +
    "<main><p>Start with <a href='../setup'>the set-up</a>.</p><img src='img/map.png' alt='A map'><h2>Steps</h2><ol><li>Pack</li><li>Walk</li></ol></main>" +
    "<aside>Popular: other guides</aside><footer>© Acme</footer></body></html>";

  function serve(origin: string, page: string, robots = "") {
    const served = createReceiver(() => new Response(page, { headers: { "Content-Type": "text/html" } }), `${origin}/guides/field/`);
    const robotsServed = createReceiver(() => (robots ? new Response(robots) : new Response("", { status: 404 })), `${origin}/robots.txt`);
    return { served, robotsServed };
  }

  it("a URL without a name is a web page: its main content (chrome dropped, links made absolute, the title as a heading), with its metadata", async () => {
    const origin = `https://docs-${crypto.randomUUID().slice(0, 8)}.example.com`;
    const { robotsServed } = serve(origin, PAGE);
    const res = await convert({ type: "url", url: `${origin}/guides/field/` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({
      name: "field.html",
      mime_type: "text/html",
      markdown: `# The field guide\n\nStart with [the set-up](${origin}/guides/setup).\n\n![A map](${origin}/guides/field/img/map.png)\n\n## Steps\n\n1. Pack\n2. Walk`,
    });
    expect(res.body.metadata).toMatchObject({ final_url: `${origin}/guides/field/`, page: { title: "Field guide", language: "en" }, open_graph: { title: "The field guide" }, word_count: 7 });
    expect(robotsServed.deliveries).toHaveLength(1);
    expect(res.spent).toBe(1);
  });

  it("a named URL that answers HTML is read the same way", async () => {
    const origin = `https://docs-${crypto.randomUUID().slice(0, 8)}.example.com`;
    serve(origin, PAGE);
    const res = await convert({ type: "url", url: `${origin}/guides/field/`, name: "guide.html" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.name).toBe("guide.html");
    expect(res.body.data.markdown).not.toMatch(/Acme docs|Home|cookies|Popular|© Acme|Jump to/);
    expect(res.body.data.markdown).toContain("1. Pack");
    expect(res.body.metadata.final_url).toBe(`${origin}/guides/field/`);
  });

  it("an unnamed URL that robots.txt disallows is a 400 naming robots.txt, refunded", async () => {
    const origin = `https://docs-${crypto.randomUUID().slice(0, 8)}.example.com`;
    const { served } = serve(origin, PAGE, "User-agent: *\nDisallow: /guides/\n");
    const res = await convert({ type: "url", url: `${origin}/guides/field/` });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("robots.txt disallows /guides/field/");
    expect(served.deliveries).toHaveLength(0);
    expect(res.spent).toBe(0);
  });

  it("resolves links against <base href>; reads the whole page when the landmarks hold nothing; never drops the body for its class", async () => {
    const origin = `https://docs-${crypto.randomUUID().slice(0, 8)}.example.com`;
    const page = (html: string, path: string) => createReceiver(() => new Response(html, { headers: { "Content-Type": "text/html" } }), `${origin}${path}`);
    createReceiver(() => new Response("", { status: 404 }), `${origin}/robots.txt`);
    page("<html><head><base href='https://cdn.example.net/assets/'></head><body class='sidebar-layout'><main><p><a href='guide.pdf'>Guide</a></p></main></body></html>", "/a");
    page("<html><body><nav>Menu</nav><main></main><div><p>Rendered on the server after all.</p></div></body></html>", "/b");
    const based = await convert({ type: "url", url: `${origin}/a` });
    expect(based.status, JSON.stringify(based.body)).toBe(200);
    expect(based.body.data.markdown).toBe("[Guide](https://cdn.example.net/assets/guide.pdf)");
    const fallback = await convert({ type: "url", url: `${origin}/b` });
    expect(fallback.body.data.markdown).toBe("Rendered on the server after all.");
  });

  it("an HTML file keeps its header and footer but drops navigation", async () => {
    const res = await convert({ type: "base64", name: "page.html", base64: btoa(PAGE) });
    expect(res.status).toBe(200);
    expect(res.body.data.markdown).toContain("Acme docs");
    expect(res.body.data.markdown).toContain("© Acme");
    expect(res.body.data.markdown).not.toMatch(/Home|Blog|Jump to/);
    expect(res.body.metadata).toBeUndefined();
  });
});

describe("HTML quotations and inline images", () => {
  it("keeps blockquotes as quotes (nested ones deeper), and an inline data: image as its alt text only", async () => {
    const pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const html =
      `<html><body><p>The minister said:</p><blockquote><p>We will <b>not</b> raise taxes.</p><blockquote><p>Not this year.</p></blockquote></blockquote>` +
      `<p>Chart:</p><img src="${pixel}" alt="Tax revenue 2020-2024"><img src="/chart.png" alt="Linked chart"></body></html>`;
    const res = await convert({ type: "base64", name: "speech.html", base64: btoa(html) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const markdown: string = res.body.data.markdown;
    expect(markdown).toContain("> We will **not** raise taxes.");
    expect(markdown).toContain("> > Not this year.");
    expect(markdown).toMatch(/^The minister said:$/m);
    expect(markdown).toContain("![Tax revenue 2020-2024]()");
    expect(markdown).not.toContain("data:image");
    expect(markdown).not.toContain("iVBORw0KGgo");
  });
});
