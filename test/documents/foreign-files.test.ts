/**
 * Files that are no document at all (a video, an executable, an archive, random bytes) are refused naming what they
 * are: a 400 at accept that charges nothing and makes no job when the file is in the request, a 422 refunded when
 * it came by URL. An MP4 was answered as text/plain for a credit.
 */
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, jobsOf } from "../helpers/http";
import { base64Of } from "../helpers/images";
import { createReceiver } from "../helpers/webhook-receiver";

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** The first boxes of an MP4 as encoders write them: ftyp (isom), then a free box and the start of mdat. */
const mp4 = new Uint8Array([0, 0, 0, 0x20, ...ascii("ftypisom"), 0, 0, 2, 0, ...ascii("isomiso2avc1mp41"), 0, 0, 0, 8, ...ascii("free"), 0, 0x10, 0, 0, ...ascii("mdat"), ...Array(64).fill(0x21)]);
const elf = new Uint8Array([0x7f, ...ascii("ELF"), 2, 1, 1, 0, ...Array(56).fill(0)]);
const noise = () => crypto.getRandomValues(new Uint8Array(4096));

async function convert(file: Record<string, unknown>) {
  const account = await createAccount(5);
  const res = await callJson("/document-to-markdown/v1/convert", { key: account.apiKey, body: { file } });
  return { ...res, balance: await balanceOf(account.accountId), jobs: await jobsOf(account.accountId) };
}

describe("files that are no document", () => {
  it.each([
    ["clip.mp4", mp4, "an MP4 or QuickTime video"],
    ["notes.txt", mp4, "an MP4 or QuickTime video"],
    ["tool", elf, "an ELF executable"],
    ["data.bin", noise(), "binary data of no format Lamina reads"],
    ["data.csv", noise(), "binary data of no format Lamina reads"],
  ])("refuses %s at accept, naming it as %s, charging nothing", async (name, bytes, kind) => {
    const res = await convert({ type: "base64", name, base64: base64Of(bytes) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(new RegExp(`^file: ${name.replace(".", "\\.")}: the file is ${kind}, not a document Lamina reads; send PDF, DOCX`));
    expect(res.balance).toBe(5);
    expect(res.jobs).toHaveLength(0);
  });

  it("refuses random bytes fetched from a URL with a 422, refunded, and in document extraction too", async () => {
    const origin = createReceiver(() => new Response(noise(), { headers: { "Content-Type": "application/octet-stream" } }));
    const fetched = await convert({ type: "url", url: origin.url, name: "blob.txt" });
    expect(fetched.status).toBe(422);
    expect(fetched.body.error).toMatch(/^blob\.txt: the file is binary data of no format Lamina reads/);
    expect(fetched.balance).toBe(5);
    const account = await createAccount(5);
    const extracted = await callJson("/document-extraction/v1/extract", {
      key: account.apiKey,
      body: { files: [{ type: "base64", name: "clip.mp4", base64: base64Of(mp4) }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] } },
    });
    expect(extracted.status).toBe(400);
    expect(extracted.body.error).toMatch(/^files\.0: clip\.mp4: the file is an MP4 or QuickTime video/);
  });

  it("still reads a real saved page with stray NUL and control bytes in it (Tika's test_ignore_IBM420.html)", async () => {
    const pages = import.meta.glob<string>("../fixtures/html/*.html", { query: "?inline", import: "default", eager: true });
    const base64 = pages["../fixtures/html/test_ignore_IBM420.html"]!.replace(/^data:[^,]*,/, "");
    expect(atob(base64)).toContain("\u0000");
    const res = await convert({ type: "base64", name: "test_ignore_IBM420.html", base64 });
    expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(200);
    expect(res.body.data.mime_type).toBe("text/html");
  });

  it("still reads text with a form feed, a tab and an escape sequence in it", async () => {
    const text = new TextEncoder().encode("Invoice\tNo. 7\fPage 2\nTotal: 12.00 \u001b[1mEUR\u001b[0m\n");
    const res = await convert({ type: "base64", name: "report.txt", base64: base64Of(text) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.markdown).toContain("Total: 12.00");
  });
});
