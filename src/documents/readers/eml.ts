/**
 * E-mail (EML, RFC 822/MIME) through postal-mime: the headers as label/value rows, then the body (the HTML
 * part read as HTML when there is one, else the text part). Attachments are read as documents of their own,
 * named `mail.eml/attachment.pdf`, by the same readers.
 */
import PostalMime from "postal-mime";
import { ApiError } from "../../errors";
import { LineBuilder, type ParsedDocument } from "../lines";
import { readHtml } from "./html";
import { readPlainText } from "./text";

export interface MailAttachment {
  name: string;
  bytes: Uint8Array;
}

export async function readEml(bytes: Uint8Array, name: string): Promise<{ document: ParsedDocument; attachments: MailAttachment[] }> {
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    email = await PostalMime.parse(bytes, { attachmentEncoding: "arraybuffer" });
  } catch {
    throw new ApiError(422, `${name}: the file is not a readable e-mail message`);
  }
  const builder = new LineBuilder();
  const address = (entry: { name?: string; address?: string } | undefined) =>
    entry ? [entry.name, entry.address ? `<${entry.address}>` : ""].filter(Boolean).join(" ") : "";
  const headers: [string, string][] = [
    ["From", address(email.from as { name?: string; address?: string } | undefined)],
    ["To", (email.to ?? []).map((entry) => address(entry as { name?: string; address?: string })).join(", ")],
    ["Cc", (email.cc ?? []).map((entry) => address(entry as { name?: string; address?: string })).join(", ")],
    ["Subject", email.subject ?? ""],
    ["Date", email.date ?? ""],
  ];
  for (const [label, value] of headers) {
    if (value) builder.row([`${label}:`, value]);
  }
  const body = email.html ? readHtml(email.html, name) : readPlainText(email.text ?? "", name);
  const lines = [...builder.lines, ...body.lines.map((line) => ({ ...line, ...(line.table !== undefined ? { table: line.table + 10_000 } : {}) }))];
  const attachments = email.attachments.map((attachment, index) => ({
    name: `${name}/${attachment.filename ?? `attachment-${index + 1}`}`,
    bytes: new Uint8Array(attachment.content as ArrayBuffer),
  }));
  return { document: { name, pages: 1, lines, needsOcr: false }, attachments };
}
