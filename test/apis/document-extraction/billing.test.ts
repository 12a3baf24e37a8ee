/**
 * Page billing counts what a file carries: an e-mail costs its own page plus the pages of its attachments. A PDF
 * past the page budget (2,000 pages) is never read nor charged: a 400 when it is in the request, a 422 refunded
 * when it came by URL (a 10,000-page PDF once took 30–40 s to read, and cost 10,000 credits).
 */
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, jobsOf } from "../../helpers/http";
import { createReceiver } from "../../helpers/webhook-receiver";

const b64 = (bytes: Uint8Array) => {
  let binary = "";
  bytes.forEach((byte) => (binary += String.fromCharCode(byte)));
  return btoa(binary);
};

async function pdf(pages: number): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) document.addPage([300, 300]).drawText(`Page ${i + 1} Total: 1.00`, { x: 20, y: 250, size: 12, font });
  return document.save();
}

function eml(attachments: { name: string; type: string; bytes: Uint8Array }[]): string {
  const crlf = "\r\n";
  const parts = attachments.map((attachment) =>
    [
      "--b1",
      `Content-Type: ${attachment.type}; name="${attachment.name}"`,
      `Content-Disposition: attachment; filename="${attachment.name}"`,
      "Content-Transfer-Encoding: base64",
      "",
      ...(b64(attachment.bytes).match(/.{1,76}/g) ?? []),
    ].join(crlf),
  );
  return [
    "From: billing@acme.example",
    "To: ap@globex.example",
    "Subject: Invoices",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain",
    "",
    "Two invoices attached.",
    ...parts,
    "--b1--",
    "",
  ].join(crlf);
}

describe("page billing", () => {
  it("charges an e-mail 1 page plus the pages of its attached PDFs; pictures cost nothing", async () => {
    const account = await createAccount(20);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const mail = eml([
      { name: "a.pdf", type: "application/pdf", bytes: await pdf(3) },
      { name: "b.pdf", type: "application/pdf", bytes: await pdf(2) },
      { name: "logo.png", type: "image/png", bytes: png },
    ]);
    const res = await callJson("/document-extraction/v1/extract", {
      key: account.apiKey,
      body: { files: [{ type: "base64", name: "invoices.eml", base64: b64(new TextEncoder().encode(mail)) }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await balanceOf(account.accountId)).toBe(20 - (1 + 3 + 2));
  });

  it("still charges 1 page for an e-mail without attachments", async () => {
    const account = await createAccount(5);
    const mail = "From: a@b.example\r\nSubject: Hi\r\n\r\nTotal: 2.00\r\n";
    const res = await callJson("/document-extraction/v1/extract", {
      key: account.apiKey,
      body: { files: [{ type: "base64", name: "m.eml", base64: btoa(mail) }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] } },
    });
    expect(res.status).toBe(200);
    expect(await balanceOf(account.accountId)).toBe(4);
  });

  it("refuses a PDF of 2,001 pages at accept with a 400 naming the file, charging nothing", async () => {
    const account = await createAccount(5000);
    const res = await callJson("/document-to-markdown/v1/convert", { key: account.apiKey, body: { file: { type: "base64", name: "long.pdf", base64: b64(await pdf(2_001)) } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("file: long.pdf: the PDF has 2,001 pages; at most 2,000 are read (split it)");
    expect(await balanceOf(account.accountId)).toBe(5000);
    expect(await jobsOf(account.accountId)).toHaveLength(0);
  });

  it("refuses the same PDF by URL once fetched with a 422, refunded; one of 2,000 pages is read and charged 2,000", async () => {
    const long = await pdf(2_001);
    const origin = createReceiver(() => new Response(long, { headers: { "Content-Type": "application/pdf" } }));
    const account = await createAccount(5000);
    const res = await callJson("/document-to-markdown/v1/convert", { key: account.apiKey, body: { file: { type: "url", url: origin.url, name: "long.pdf" } } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("long.pdf: the PDF has 2,001 pages; at most 2,000 are read (split it)");
    expect(await balanceOf(account.accountId)).toBe(5000);
    const read = await callJson("/document-to-markdown/v1/convert", { key: account.apiKey, body: { file: { type: "base64", name: "ok.pdf", base64: b64(await pdf(2_000)) } } });
    expect(read.status, JSON.stringify(read.body).slice(0, 200)).toBe(200);
    expect(read.body.data.markdown).toContain("Page 2000 Total: 1.00");
    expect(await balanceOf(account.accountId)).toBe(3000);
  });
});
