/**
 * E-mail (EML, RFC 822/MIME) through postal-mime: the headers as label/value rows, then the body (the HTML
 * part read as HTML when there is one, else the text part). Attachments are read as documents of their own,
 * named `mail.eml/attachment.pdf`, by the same readers.
 */
import PostalMime from "postal-mime";
import { ApiError } from "../../errors";
import { DocumentBuilder } from "../builder";
import type { Block, DocumentModel } from "../model";
import { readHtml } from "./html";
import { readPlainText } from "./text";

export interface MailAttachment {
  name: string;
  bytes: Uint8Array;
}

export async function readEml(bytes: Uint8Array, name: string): Promise<{ document: DocumentModel; attachments: MailAttachment[] }> {
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    email = await PostalMime.parse(bytes, { attachmentEncoding: "arraybuffer" });
  } catch {
    throw new ApiError(422, `${name}: the file is not a readable e-mail message`);
  }
  const address = (entry: { name?: string; address?: string } | undefined) =>
    entry ? [entry.name, entry.address ? `<${entry.address}>` : ""].filter(Boolean).join(" ") : "";
  const headers = headerBlocks(name, [
    ["From", address(email.from as { name?: string; address?: string } | undefined)],
    ["To", (email.to ?? []).map((entry) => address(entry as { name?: string; address?: string })).join(", ")],
    ["Cc", (email.cc ?? []).map((entry) => address(entry as { name?: string; address?: string })).join(", ")],
    ["Subject", email.subject ?? ""],
    ["Date", email.date ?? ""],
  ]);
  const body = email.html ? readHtml(email.html, name) : readPlainText(email.text ?? "", name);
  const attachments = email.attachments.map((attachment, index) => ({
    name: `${name}/${attachment.filename ?? `attachment-${index + 1}`}`,
    bytes: new Uint8Array(attachment.content as ArrayBuffer),
  }));
  const blocks = [...headers, ...body.pages.flatMap((page) => page.blocks)];
  return { document: { name, pages: [{ blocks }], needsOcr: false }, attachments };
}

/** A message's headers as blocks: `**From:** Ada <ada@example.com>` in markdown, one `From: …` line in the line view. */
export function headerBlocks(name: string, headers: [string, string][]): Block[] {
  const builder = new DocumentBuilder(name);
  for (const [label, value] of headers) {
    if (value) builder.text([{ text: `${label}:`, bold: true }, { text: ` ${value}` }]);
  }
  return builder.finish().pages.flatMap((page) => page.blocks);
}
