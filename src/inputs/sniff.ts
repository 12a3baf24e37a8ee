/**
 * The one format sniffer for every file Lamina reads: images, SVG, documents and fonts. Binary signatures
 * first (a PDF named `.txt` is a PDF), then the name's extension, then the shape of the text (JSON, HTML, XML,
 * SVG, e-mail). Unsupported formats named by their extension are a 422 that says which.
 */
import { unzipSync } from "fflate";
import { ApiError } from "../errors";
import { rootEntryNames } from "./compound-directory";
import { isobmffImageSize } from "./isobmff";

export const IMAGE_FORMATS = ["png", "jpeg", "gif", "webp", "bmp", "tiff", "avif", "heic", "jxl", "jp2", "pnm"] as const;
export const FONT_FORMATS = ["ttf", "otf", "woff", "woff2"] as const;
export const DOCUMENT_FORMATS = ["pdf", "docx", "doc", "xlsx", "xls", "xlsb", "ods", "pptx", "ppt", "odt", "rtf", "epub", "html", "markdown", "mdx", "djot", "org", "rst", "typst", "latex", "bibtex", "text", "csv", "tsv", "json", "ipynb", "xml", "yaml", "toml", "eml", "msg", "zip"] as const;

export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export type FontFormat = (typeof FONT_FORMATS)[number];
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];
export type FileFormat = ImageFormat | FontFormat | DocumentFormat | "svg";

const EXTENSIONS: Record<string, FileFormat> = {
  pdf: "pdf", docx: "docx", doc: "doc", dot: "doc", xlsx: "xlsx", xlsm: "xlsx", xls: "xls", xlsb: "xlsb", ods: "ods", pptx: "pptx", ppt: "ppt", pps: "ppt", pot: "ppt", odt: "odt", rtf: "rtf", epub: "epub", htm: "html", html: "html", xhtml: "html", md: "markdown",
  markdown: "markdown", mdx: "mdx", dj: "djot", djot: "djot", org: "org", rst: "rst", typ: "typst", tex: "latex", latex: "latex", ltx: "latex",
  bib: "bibtex", ipynb: "ipynb", toml: "toml", rss: "xml", atom: "xml", zip: "zip", txt: "text", text: "text", log: "text", csv: "csv", tsv: "tsv", tab: "tsv",
  json: "json", xml: "xml", yaml: "yaml", yml: "yaml", eml: "eml", msg: "msg", png: "png", jpg: "jpeg", jpeg: "jpeg",
  gif: "gif", webp: "webp", bmp: "bmp", tif: "tiff", tiff: "tiff", avif: "avif", heic: "heic", heif: "heic",
  jxl: "jxl", jp2: "jp2", j2k: "jp2", jpf: "jp2", jpx: "jp2", pnm: "pnm", pbm: "pnm", pgm: "pnm", ppm: "pnm", svg: "svg", ttf: "ttf", otf: "otf", woff: "woff", woff2: "woff2",
};

const SUPPORTED = "PDF, DOCX, DOC, XLSX, XLS, XLSB, ODS, PPTX, PPT, ODT, RTF, EPUB, HTML, Markdown, MDX, Djot, Org, reStructuredText, Typst, LaTeX, BibTeX, text, CSV, TSV, JSON, Jupyter notebooks, XML, RSS, Atom, YAML, TOML, EML, MSG or a ZIP of them";

/** Extensions we do not read (yet); named in the 422 so the caller knows why. */
const UNSUPPORTED = new Set(["odp", "pages", "numbers", "key"]);

export const MIME_TYPES: Record<FileFormat, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  doc: "application/msword",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ppt: "application/vnd.ms-powerpoint",
  odt: "application/vnd.oasis.opendocument.text", rtf: "application/rtf", epub: "application/epub+zip",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  xls: "application/vnd.ms-excel", xlsb: "application/vnd.ms-excel.sheet.binary.macroEnabled.12", ods: "application/vnd.oasis.opendocument.spreadsheet",
  html: "text/html", markdown: "text/markdown", text: "text/plain", csv: "text/csv", tsv: "text/tab-separated-values",
  mdx: "text/mdx", djot: "text/x-djot", org: "text/x-org", rst: "text/x-rst", typst: "text/x-typst", latex: "application/x-latex",
  bibtex: "application/x-bibtex", ipynb: "application/x-ipynb+json", toml: "application/toml",
  json: "application/json", xml: "application/xml", yaml: "application/yaml", eml: "message/rfc822", msg: "application/vnd.ms-outlook", zip: "application/zip",
  png: "image/png", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp", bmp: "image/bmp", tiff: "image/tiff",
  avif: "image/avif", heic: "image/heic", jxl: "image/jxl", jp2: "image/jp2", pnm: "image/x-portable-anymap", svg: "image/svg+xml",
  ttf: "font/ttf", otf: "font/otf", woff: "font/woff", woff2: "font/woff2",
};

function startsWith(bytes: Uint8Array, ...signature: number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** The format a binary signature says, or undefined for text and unknown bytes. Zips are looked into. */
function formatFromSignature(bytes: Uint8Array): FileFormat | "zip" | "cfb" | undefined {
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46)) return "pdf";
  if (isCompoundFile(bytes)) return "cfb";
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) return "zip";
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47)) return "png";
  if (startsWith(bytes, 0xff, 0xd8, 0xff)) return "jpeg";
  if (startsWith(bytes, 0x47, 0x49, 0x46, 0x38)) return "gif";
  if (startsWith(bytes, 0x52, 0x49, 0x46, 0x46) && ascii(bytes, 8, 12) === "WEBP") return "webp";
  // "BM", the file size, then four reserved zero bytes: text that starts with "BM" has no NULs there.
  if (startsWith(bytes, 0x42, 0x4d) && bytes.length >= 26 && bytes[6] === 0 && bytes[7] === 0 && bytes[8] === 0 && bytes[9] === 0) return "bmp";
  if (startsWith(bytes, 0x49, 0x49, 0x2a, 0x00) || startsWith(bytes, 0x4d, 0x4d, 0x00, 0x2a)) return "tiff";
  // JPEG XL: a bare codestream, or the ISO BMFF container whose first box is `JXL ` (ISO/IEC 18181-2).
  if (startsWith(bytes, 0xff, 0x0a) || startsWith(bytes, 0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a)) return "jxl";
  // JPEG 2000: the JP2 signature box, or a bare codestream (SOC then SIZ).
  if (startsWith(bytes, 0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a) || startsWith(bytes, 0xff, 0x4f, 0xff, 0x51)) return "jp2";
  // PBM, PGM, PPM: the magic number, then the width and height (comments between) as digits.
  if (/^P[1-6]\s+(#[^\n]*\n\s*)*\d+\s+(#[^\n]*\n\s*)*\d+\s/.test(ascii(bytes, 0, Math.min(bytes.length, 256)))) return "pnm";
  if (ascii(bytes, 4, 8) === "ftyp") {
    const brand = ascii(bytes, 8, 12);
    if (brand === "avif" || brand === "avis") return "avif";
    if (["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].includes(brand)) return "heic";
  }
  // An sfnt version is followed by a table count below 256, so its next byte is NUL: text ("true story") has none.
  const tag = ascii(bytes, 0, 4);
  if (tag === "\x00\x01\x00\x00" || (tag === "true" && bytes[4] === 0)) return "ttf";
  if (tag === "OTTO") return "otf";
  if (tag === "wOFF") return "woff";
  if (tag === "wOF2") return "woff2";
  return undefined;
}

/** The format the file name's extension says, or undefined when it says none we know (unsupported ones throw). */
export function formatFromName(name: string): FileFormat | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension && EXTENSIONS[extension]) {
    return EXTENSIONS[extension];
  }
  if (extension && UNSUPPORTED.has(extension)) {
    throw new ApiError(422, `${name}: .${extension} files are not supported; send ${SUPPORTED}`);
  }
  return undefined;
}

/** What a text file is, from its first 2 KB. */
function formatFromText(bytes: Uint8Array): FileFormat {
  const head = new TextDecoder().decode(bytes.subarray(0, 2048)).replace(/^\uFEFF/, "").trimStart();
  if (/^[{[]/.test(head)) return "json";
  if (/^<!doctype html|^<html|^<(body|div|table|p)[\s>]/i.test(head)) return "html";
  if (/^<svg[\s>]/i.test(head) || (/^<\?xml/i.test(head) && /<svg[\s>]/i.test(head))) return "svg";
  if (/^<\?xml|^<[A-Za-z]/.test(head)) return "xml";
  if (/^\\(documentclass|documentstyle)\b/m.test(head)) return "latex";
  if (/^(received|return-path|from|message-id|mime-version|delivered-to):/im.test(head.split("\n\n")[0] ?? "") && /^subject:/im.test(head)) return "eml";
  return "text";
}

/** What a file no reader here knows is, from its signature (media, executables, archives, databases). */
function foreignKind(bytes: Uint8Array): string | undefined {
  const at = (offset: number, ...signature: number[]) => signature.every((byte, index) => bytes[offset + index] === byte);
  if (ascii(bytes, 4, 8) === "ftyp") return ["M4A ", "M4B ", "M4P "].includes(ascii(bytes, 8, 12)) ? "an MPEG-4 audio file" : "an MP4 or QuickTime video";
  if (ascii(bytes, 0, 3) === "ID3" || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe6) === 0xe2)) return "an MP3 audio file";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WAVE") return "a WAV audio file";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "AVI ") return "an AVI video";
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return "a Matroska or WebM video";
  if (ascii(bytes, 0, 4) === "OggS") return "an Ogg audio or video file";
  if (ascii(bytes, 0, 4) === "fLaC") return "a FLAC audio file";
  if (ascii(bytes, 0, 2) === "MZ" && bytes.length >= 64 && bytes.subarray(2, 64).includes(0)) return "a Windows executable";
  if (at(0, 0x7f, 0x45, 0x4c, 0x46)) return "an ELF executable";
  if (at(0, 0xcf, 0xfa, 0xed, 0xfe) || at(0, 0xfe, 0xed, 0xfa, 0xcf)) return "a Mach-O executable";
  if (at(0, 0xca, 0xfe, 0xba, 0xbe)) return "a Java class or Mach-O universal binary";
  if (at(0, 0x00, 0x61, 0x73, 0x6d)) return "a WebAssembly module";
  if (at(0, 0x1f, 0x8b)) return "a gzip archive";
  if (at(0, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "an xz archive";
  if (at(0, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return "a 7-Zip archive";
  if (ascii(bytes, 0, 6) === "Rar!\x1a\x07") return "a RAR archive";
  if (ascii(bytes, 257, 262) === "ustar") return "a tar archive";
  if (ascii(bytes, 0, 16) === "SQLite format 3\x00") return "an SQLite database";
  return undefined;
}

/**
 * Whether bytes that claim (or seem) to be text are binary: more than one byte in twenty of the first 4 KB a NUL or
 * another control character (random bytes have one in ten; real pages with a few stray NULs, far fewer). UTF-16
 * without a byte-order mark, whose NULs alternate, is text.
 */
function looksBinary(bytes: Uint8Array): boolean {
  if (startsWith(bytes, 0xef, 0xbb, 0xbf) || startsWith(bytes, 0xff, 0xfe) || startsWith(bytes, 0xfe, 0xff)) return false;
  const sample = bytes.subarray(0, 4096);
  let controls = 0;
  const nulls = [0, 0];
  for (let i = 0; i < sample.length; i++) {
    const byte = sample[i]!;
    if (byte === 0) nulls[i % 2]!++;
    else if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) controls++;
  }
  const utf16 = Math.max(nulls[0]!, nulls[1]!) > sample.length * 0.3 && Math.min(nulls[0]!, nulls[1]!) === 0;
  return !utf16 && controls + nulls[0]! + nulls[1]! > sample.length * 0.05;
}

/** The formats read as text, in which binary bytes mean the file is something else (RTF and e-mail may hold binary parts). */
const TEXT_LIKE: ReadonlySet<FileFormat> = new Set(["text", "markdown", "mdx", "djot", "org", "rst", "typst", "latex", "bibtex", "csv", "tsv", "json", "ipynb", "xml", "yaml", "toml", "html", "svg"]);

export const isTextLike = (format: FileFormat | undefined) => format !== undefined && TEXT_LIKE.has(format);

/**
 * Refuses a file that is no document, image or font at all (a video, an executable, an archive, random bytes),
 * naming what it is: 422 (a 400 at accept, where the caller knows the file then).
 */
export function refuseForeign(bytes: Uint8Array, name: string, textLike = true): void {
  const kind = foreignKind(bytes) ?? (textLike && looksBinary(bytes) ? "binary data of no format Lamina reads" : undefined);
  if (kind) throw new ApiError(422, `${name}: the file is ${kind}, not a document Lamina reads; send ${SUPPORTED}`);
}

export function sniffFormat(bytes: Uint8Array, name: string): FileFormat {
  const format = sniffKnownFormat(bytes, name);
  if (TEXT_LIKE.has(format)) refuseForeign(bytes, name);
  return format;
}

/** The format the bytes and name say, without refusing what only looks like text (sniffFormat does that too). */
export function sniffKnownFormat(bytes: Uint8Array, name: string): FileFormat {
  const signature = formatFromSignature(bytes);
  if (signature === "zip") {
    const entries = zipEntryNames(bytes);
    if (entries.includes("word/document.xml")) return "docx";
    if (entries.includes("xl/workbook.xml")) return "xlsx";
    if (entries.includes("xl/workbook.bin")) return "xlsb";
    if (entries.includes("ppt/presentation.xml")) return "pptx";
    // OpenDocument and EPUB name themselves in a stored `mimetype` entry, first in the archive.
    const mimetype = zipMimetype(bytes);
    if (mimetype === MIME_TYPES.odt) return "odt";
    if (mimetype === MIME_TYPES.ods) return "ods";
    if (mimetype === MIME_TYPES.epub || entries.includes("META-INF/container.xml")) return "epub";
    const byName = formatFromName(name);
    if (byName === "docx" || byName === "xlsx" || byName === "xlsb" || byName === "pptx" || byName === "odt" || byName === "ods" || byName === "epub") return byName; // a damaged one: its reader says what is wrong
    // Any other zip is an archive of files, read one by one (readers/archive.ts).
    return "zip";
  }
  if (signature === "cfb") return compoundFileFormat(bytes, name);
  if (signature) return signature;
  if (ascii(bytes, 0, 5) === "{\\rtf") return "rtf";
  return formatFromName(name) ?? formatFromText(bytes);
}

/** How a format is called in messages: JPEG XL, not JXL. */
export function formatLabel(format: FileFormat): string {
  return format === "jxl" ? "JPEG XL" : format === "jp2" ? "JPEG 2000" : format.toUpperCase();
}

export function isImageFormat(format: FileFormat): format is ImageFormat {
  return (IMAGE_FORMATS as readonly string[]).includes(format);
}

/** The `mimetype` entry of an OpenDocument or EPUB archive: stored uncompressed as the first entry (ODF 1.2 §3.3). */
function zipMimetype(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 38 || view.getUint16(8, true) !== 0) return undefined;
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  if (ascii(bytes, 30, 30 + nameLength) !== "mimetype") return undefined;
  const size = Math.min(view.getUint32(18, true), 100);
  const start = 30 + nameLength + extraLength;
  return ascii(bytes, start, start + size).trim();
}

/** The entry names of a zip archive, read from its directory: nothing is inflated. */
function zipEntryNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (file) => {
        names.push(file.name);
        return false;
      },
    });
  } catch {
    // Not a readable archive: no names, and the readers say why.
  }
  return names;
}

/**
 * A raster image's size read from its header (PNG IHDR, JPEG SOF, GIF screen, WebP VP8/VP8L/VP8X, BMP, the boxes
 * of AVIF and HEIF), so budgets can refuse it before anything decodes it; undefined when the header does not say.
 */
export function imageDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const has = (length: number) => bytes.length >= length;
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47) && has(24)) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (startsWith(bytes, 0x47, 0x49, 0x46, 0x38) && has(10)) return gifSize(bytes, view);
  if (startsWith(bytes, 0x42, 0x4d) && has(26)) {
    return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  }
  if (startsWith(bytes, 0x52, 0x49, 0x46, 0x46) && ascii(bytes, 8, 12) === "WEBP" && has(30)) {
    const chunk = ascii(bytes, 12, 16);
    if (chunk === "VP8X") return { width: 1 + (view.getUint32(24, true) & 0xffffff), height: 1 + (view.getUint32(27, true) & 0xffffff) };
    if (chunk === "VP8L") {
      const bits = view.getUint32(21, true);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
    if (chunk === "VP8 ") return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    return undefined;
  }
  if (ascii(bytes, 4, 8) === "ftyp") return isobmffImageSize(bytes);
  if (startsWith(bytes, 0x49, 0x49, 0x2a, 0x00) || startsWith(bytes, 0x4d, 0x4d, 0x00, 0x2a)) return tiffSize(bytes, view);
  if (startsWith(bytes, 0xff, 0xd8)) return jpegFrameSize(bytes, view);
  return undefined;
}

const STANDALONE_MARKER = (marker: number) => marker === 0x01 || marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7);
const START_OF_FRAME = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * The size in a JPEG's first start-of-frame marker, found as libjpeg finds it: any bytes before a 0xFF are skipped,
 * any number of 0xFF fill bytes may precede a marker (ITU T.81 B.1.1.2), and a scan before a frame ends the search.
 */
function jpegFrameSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset < bytes.length) {
    while (offset < bytes.length && bytes[offset] !== 0xff) offset++;
    while (offset < bytes.length && bytes[offset] === 0xff) offset++;
    const marker = bytes[offset];
    if (marker === undefined) return undefined;
    offset++;
    if (marker === 0x00 || STANDALONE_MARKER(marker)) continue;
    if (marker === 0xd9 || marker === 0xda || offset + 7 > bytes.length) return undefined;
    if (START_OF_FRAME(marker)) return { width: view.getUint16(offset + 5), height: view.getUint16(offset + 3) };
    offset += view.getUint16(offset);
  }
  return undefined;
}

/**
 * A GIF's size: its logical screen, or its first frame where that reaches further (a decoder allocates the frame
 * as the frame's descriptor says, whatever the screen claims).
 */
function gifSize(bytes: Uint8Array, view: DataView): { width: number; height: number } {
  const screen = { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  let at = 13 + (bytes[10]! & 0x80 ? 3 * 2 ** ((bytes[10]! & 0x07) + 1) : 0);
  while (at < bytes.length) {
    const block = bytes[at]!;
    if (block === 0x2c && at + 9 < bytes.length) {
      const left = view.getUint16(at + 1, true);
      const top = view.getUint16(at + 3, true);
      return { width: Math.max(screen.width, left + view.getUint16(at + 5, true)), height: Math.max(screen.height, top + view.getUint16(at + 7, true)) };
    }
    if (block !== 0x21) break;
    // An extension: its label, then sub-blocks until a zero length.
    at += 2;
    while (at < bytes.length && bytes[at] !== 0) at += bytes[at]! + 1;
    at++;
  }
  return screen;
}

/** A TIFF's size from the ImageWidth and ImageLength tags of its first image file directory (TIFF 6.0, section 2). */
function tiffSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  const little = bytes[0] === 0x49;
  if (bytes.length < 8) return undefined;
  const directory = view.getUint32(4, little);
  if (directory + 2 > bytes.length) return undefined;
  const entries = view.getUint16(directory, little);
  let width: number | undefined;
  let height: number | undefined;
  for (let i = 0; i < entries; i++) {
    const at = directory + 2 + i * 12;
    if (at + 12 > bytes.length) break;
    const tag = view.getUint16(at, little);
    if (tag !== 256 && tag !== 257) continue;
    // SHORT (3) or LONG (4), held in the entry itself.
    const value = view.getUint16(at + 2, little) === 3 ? view.getUint16(at + 8, little) : view.getUint32(at + 8, little);
    if (tag === 256) width = value;
    else height = value;
  }
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}

/** An OLE2 compound file (Office 97–2003, Outlook messages): its signature. */
export function isCompoundFile(bytes: Uint8Array): boolean {
  return startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);
}

/** A stream name as an OLE2 directory entry holds it: UTF-16LE. */
const utf16 = (text: string) => new Uint8Array([...text].flatMap((char) => [char.charCodeAt(0), 0]));
/**
 * In the order they are looked for: an Outlook message first, as the Office files attached to it bring their own
 * stream names along; "Book" (Excel 5's stream) last, as it is also a word other files may hold.
 */
const COMPOUND_STREAMS: [string, string][] = [
  ["__substg1.0_", "msg"],
  ["EncryptedPackage", "a password-protected Office file"],
  ["Workbook", "xls"],
  ["WordDocument", "doc"],
  ["PowerPoint Document", "ppt"],
  ["Book", "xls"],
];
const COMPOUND_NAMES = COMPOUND_STREAMS.map(([stream, kind]) => [utf16(stream), kind] as const);

/**
 * What an OLE2 compound file (Office 97–2003, Outlook) holds, by the streams at the root of its directory (an
 * embedded object's, a workbook inside a Word document, sit a storage down). When the directory cannot be read,
 * by the stream names found anywhere in the file: then, as a file may hold another, the one the file's extension
 * says wins, else the first in the order above. Kinds that are not read are refused naming them.
 */
function compoundFileFormat(bytes: Uint8Array, name: string): FileFormat {
  const root = rootEntryNames(bytes);
  const kinds = root?.length
    ? COMPOUND_STREAMS.filter(([stream]) => root.some((entry) => entry === stream || (stream.endsWith("_") && entry.startsWith(stream)))).map(([, kind]) => kind)
    : COMPOUND_NAMES.filter(([stream]) => findBytes(bytes, stream) >= 0).map(([, kind]) => kind);
  const byName = formatFromName(name);
  // A damaged file whose directory names nothing is left to the reader its name says, which says what is wrong.
  const kind = kinds.find((candidate) => candidate === byName) ?? kinds[0] ?? (byName === "doc" || byName === "ppt" || byName === "msg" || byName === "xls" ? byName : undefined);
  if (kind === undefined) throw new ApiError(422, `${name}: an OLE2 compound file that is no Office 97–2003 document or Outlook message is not supported; send ${SUPPORTED}`);
  if (kind === "xls" || kind === "doc" || kind === "ppt" || kind === "msg") return kind;
  throw new ApiError(422, `${name}: ${kind} is not supported; send ${SUPPORTED}`);
}

/** Where `pattern` next occurs in `bytes` from `from`, or -1 (native indexOf for the first byte, then compare). */
export function findBytes(bytes: Uint8Array, pattern: Uint8Array, from = 0): number {
  for (let at = bytes.indexOf(pattern[0]!, from); at >= 0 && at + pattern.length <= bytes.length; at = bytes.indexOf(pattern[0]!, at + 1)) {
    let matches = true;
    for (let i = 1; i < pattern.length && matches; i++) matches = bytes[at + i] === pattern[i];
    if (matches) return at;
  }
  return -1;
}
