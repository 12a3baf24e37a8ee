// Hostile inputs for `npm run test:abuse` (scripts/abuse.mjs), made the way an attacker would make them: real
// encoders and zlib, then the bytes that lie (declared sizes, headers, nesting) patched by hand.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { constants, createBrotliCompress, createGzip, deflateRawSync } from "node:zlib";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { PDFDocument, PDFName, StandardFonts } from "pdf-lib";
import { strToU8, zipSync, zlibSync } from "fflate";
import { ROOT } from "./stack.mjs";

export const MiB = 1024 * 1024;
export const b64 = (bytes) => Buffer.from(bytes).toString("base64");
export const fixture = (path) => new Uint8Array(readFileSync(join(ROOT, "test/fixtures", path)));

/** Pseudo-random bytes (xorshift): images that do not compress, the same every run. */
export function noise(length, seed = 7) {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const noisePng = (width, height) => encodePng({ width, height, data: noise(width * height * 4), channels: 4 });
export const flatPng = (width, height) => encodePng({ width, height, data: new Uint8Array(width * height * 4).fill(180), channels: 4 });

/** A PNG whose header claims `width` × `height` over one real pixel. */
export function claimedPng(width, height) {
  const png = encodePng({ width: 1, height: 1, data: new Uint8Array(4), channels: 4 });
  const view = new DataView(png.buffer, png.byteOffset);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return png;
}

/** A 16 × 16 JPEG (jpeg-js) with one 0xFF fill byte after SOI and a frame that claims `side` × `side`. */
export function jpegFillBomb(side) {
  const plain = new Uint8Array(jpeg.encode({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(120) }, 80).data);
  const out = new Uint8Array(plain.length + 1);
  out.set(plain.subarray(0, 2));
  out[2] = 0xff;
  out.set(plain.subarray(2), 3);
  const sof = out.findIndex((byte, i) => byte === 0xff && out[i + 1] === 0xc0);
  const view = new DataView(out.buffer);
  view.setUint16(sof + 5, side);
  view.setUint16(sof + 7, side);
  return out;
}

/**
 * A raw deflate stream that inflates to `mebibytes` MiB of zeros, built without holding them: 1 MiB deflated with a
 * full flush (byte-aligned, no history needed after it), repeated, and a final empty block.
 */
export function deflateBomb(mebibytes) {
  const block = deflateRawSync(Buffer.alloc(MiB), { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  const end = deflateRawSync(Buffer.alloc(0));
  const out = new Uint8Array(block.length * mebibytes + end.length);
  for (let i = 0; i < mebibytes; i++) out.set(block, i * block.length);
  out.set(end, block.length * mebibytes);
  return out;
}

/**
 * A zip of `entries` ({ name, data, declared? }): `data` is the text or bytes stored deflated, or `{ deflated, size }`
 * already deflated; `declared` is the size the headers say it inflates to (its true size unless given).
 */
export function zipOf(entries) {
  const encoder = new TextEncoder();
  const parts = [];
  const directory = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = typeof entry.data === "string" ? encoder.encode(entry.data) : entry.data;
    const deflated = raw.deflated ?? deflateRawSync(raw);
    const declared = entry.declared ?? raw.size ?? raw.length;
    const name = encoder.encode(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, deflated);
    directory.push(central, name);
    offset += 30 + name.length + deflated.length;
  }
  const size = directory.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, ...directory, end]));
}

/** An entry whose headers declare 1,000 bytes and that inflates to `mebibytes` MiB. */
export const lyingEntry = (name, mebibytes) => ({ name, data: { deflated: deflateBomb(mebibytes), size: 1000 }, declared: 1000 });

export function epubOf(chapters) {
  const ids = Object.keys(chapters);
  return zipSync({
    mimetype: [strToU8("application/epub+zip"), { level: 0 }],
    "META-INF/container.xml": strToU8(`<?xml version="1.0"?><container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>`),
    "OEBPS/content.opf": strToU8(
      `<?xml version="1.0"?><package><manifest>${ids.map((id) => `<item id="${id}" href="${id}.xhtml" media-type="application/xhtml+xml"/>`).join("")}</manifest><spine>${ids.map((id) => `<itemref idref="${id}"/>`).join("")}</spine></package>`,
    ),
    ...Object.fromEntries(ids.map((id) => [`OEBPS/${id}.xhtml`, strToU8(chapters[id])])),
  });
}

export function docxOf(bodyXml) {
  return zipSync({
    "[Content_Types].xml": strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    "word/document.xml": strToU8(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${bodyXml}</w:body></w:document>`),
  });
}

/** A PDF of `pages` small pages, each with a line of text (pdf-lib). */
export async function pdfOfPages(pages) {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) document.addPage([300, 300]).drawText(`Page ${i + 1}. Total: 1.00`, { x: 20, y: 250, size: 12, font });
  return document.save();
}

/** A one-page PDF with a second content stream that inflates to `bytes` bytes of spaces. */
export async function pdfInflatingTo(bytes) {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const page = document.addPage([600, 800]);
  page.drawText("Invoice total: 123.45", { x: 50, y: 700, size: 14, font });
  const compressed = zlibSync(new Uint8Array(bytes).fill(0x20), { level: 6 });
  const raw = document.context.stream(compressed, { Filter: "FlateDecode", Length: compressed.length });
  const existing = page.node.get(PDFName.of("Contents"));
  page.node.set(PDFName.of("Contents"), document.context.obj([existing, document.context.register(raw)]));
  return document.save({ useObjectStreams: false });
}

/** `mebibytes` MiB of zeros through a compressing stream (gzip or brotli), kept only compressed. */
export async function compressedZeros(kind, mebibytes) {
  const stream = kind === "gzip" ? createGzip({ level: 9 }) : createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  const chunks = [];
  stream.on("data", (chunk) => chunks.push(chunk));
  const done = new Promise((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < mebibytes; i++) {
    if (!stream.write(zeros)) await new Promise((resolve) => stream.once("drain", resolve));
  }
  stream.end();
  await done;
  return Buffer.concat(chunks);
}
