/**
 * Outlook messages (.msg) through msgreader, read as an e-mail is: the headers as label/value rows (From, To, Cc,
 * Subject, Date), then the body (the HTML body when the message has one, else the plain text, else its RTF body
 * decompressed), and the attachments as documents of their own named `message.msg/attachment.pdf`, read by the same
 * readers. A message attached to a message is read as a message. Strings a message stores in its 8-bit code page
 * (older Outlook, PR_INTERNET_CPID) are decoded in that code page.
 */
import * as msgreader from "@kenjiuno/msgreader";
import { decompressRTF } from "@kenjiuno/decompressrtf";
import { ApiError } from "../../errors";
import { codePageDecoder } from "../charset";
import { openCompoundFile } from "./compound";
import type { DocumentModel } from "../model";
import { headerBlocks, type MailAttachment } from "./eml";
import { readHtml } from "./html";
import { readRtf } from "./rtf";
import { readPlainText } from "./text";

const LABEL = "Outlook message";

type MsgReader = msgreader.default;
/** The class, whether the bundler hands over the CommonJS module's exports or their `default` (it is type: module here). */
const MsgReader: typeof msgreader.default = (msgreader.default as unknown as { default?: typeof msgreader.default }).default ?? msgreader.default;

type Fields = ReturnType<MsgReader["getFileData"]>;

/** The message's fields, with 8-bit strings read again in the code page it names. */
function parse(bytes: Uint8Array, name: string): { reader: MsgReader; fields: Fields } {
  const open = (encoding?: string) => {
    const reader = new MsgReader(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    if (encoding) reader.parserConfig = { ansiEncoding: encoding };
    return { reader, fields: reader.getFileData() };
  };
  let parsed: ReturnType<typeof open>;
  try {
    parsed = open();
  } catch {
    throw new ApiError(422, `${name}: the file is not a readable ${LABEL}`);
  }
  if (parsed.fields.error) throw new ApiError(422, `${name}: the file is not a readable ${LABEL} (${parsed.fields.error})`);
  const codePage = parsed.fields.internetCodepage ?? parsed.fields.messageCodepage;
  const encoding = codePage && codePage !== 1252 && codePage !== 20127 ? codePageDecoder(codePage)?.encoding : undefined;
  return encoding ? open(encoding) : parsed;
}

/** `Name <address>`; an Exchange-internal address (`/O=…/CN=…`) is no address a reader can use and is left out. */
const address = (nameOf?: string, email?: string) => [nameOf, email && email !== nameOf && email.includes("@") ? `<${email}>` : ""].filter(Boolean).join(" ");

export async function readMsg(bytes: Uint8Array, name: string): Promise<{ document: DocumentModel; attachments: MailAttachment[] }> {
  const file = await openCompoundFile(bytes, name, LABEL);
  const { reader, fields } = parse(file.rewritten(), name);
  const recipients = (kind: string) =>
    (fields.recipients ?? [])
      .filter((recipient) => (recipient.recipType ?? "to") === kind)
      .map((recipient) => address(recipient.name, recipient.smtpAddress ?? recipient.email))
      .join(", ");
  const date = fields.clientSubmitTime ?? fields.messageDeliveryTime ?? fields.creationTime;
  const headers = headerBlocks(name, [
    ["From", address(fields.senderName, fields.senderSmtpAddress ?? fields.senderEmail)],
    ["To", recipients("to")],
    ["Cc", recipients("cc")],
    ["Subject", fields.subject ?? ""],
    ["Date", date ? new Date(date).toUTCString() : ""],
  ]);
  const body = bodyOf(fields, name);
  const attachments: MailAttachment[] = [];
  for (const [index, attachment] of (fields.attachments ?? []).entries()) {
    if (attachment.attachmentHidden) continue;
    try {
      const file = reader.getAttachment(attachment);
      const fileName = file.fileName || attachment.fileName || attachment.name || `attachment-${index + 1}`;
      if (file.content?.length) attachments.push({ name: `${name}/${fileName}`, bytes: file.content });
    } catch {
      // An attachment msgreader cannot take out does not spoil the message.
    }
  }
  const blocks = [...headers, ...body.pages.flatMap((page) => page.blocks)];
  return { document: { name, pages: [{ blocks }], needsOcr: false }, attachments };
}

function bodyOf(fields: Fields, name: string): DocumentModel {
  const html = fields.bodyHtml ?? (fields.html ? new TextDecoder().decode(fields.html) : undefined);
  if (html) return readHtml(html, name);
  if (fields.body) return readPlainText(fields.body, name);
  if (fields.compressedRtf) {
    try {
      return readRtf(Uint8Array.from(decompressRTF(Array.from(fields.compressedRtf))), name);
    } catch {
      // A damaged RTF body leaves the message its headers.
    }
  }
  return readPlainText("", name);
}
