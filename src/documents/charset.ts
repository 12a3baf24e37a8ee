/**
 * Text from bytes, in the encoding its writer used. In order: a byte-order mark (UTF-8, UTF-16 LE or BE); the
 * charset the transport declares (an HTTP `Content-Type`, an e-mail part's `charset`); the one the file declares
 * itself (`<meta charset>`, `<meta http-equiv>`, an XML declaration); UTF-8 when the bytes are valid UTF-8; else the
 * encoding chardet (ICU's detector: Shift-JIS, EUC-JP, GB18030, Big5, EUC-KR, windows-125x, KOI8-R, ISO-8859-x,
 * UTF-16 without a mark) finds most likely (among the Cyrillic single-byte encodings, which it confuses, the one
 * that reads most as Cyrillic prose); windows-1252 when it finds none the runtime decodes. A declared charset
 * the runtime does not know is passed over. Valid UTF-8 is never decoded a second time.
 */
import { analyse } from "chardet";

/** Where the declaration of an HTML or XML file must stand: its first 1,024 bytes (HTML's prescan reads that far). */
const PRESCAN_BYTES = 1024;

function decoderFor(label: string | undefined): TextDecoder | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label.trim());
  } catch {
    return undefined;
  }
}

function byteOrderMark(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/** The charset an HTML `<meta>` or an XML declaration names in the file's first bytes, read as ASCII. */
export function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, PRESCAN_BYTES));
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) return xml[1];
  const meta = /<meta\b[^>]*\bcharset\s*=\s*["']?\s*([-\w.:]+)/i.exec(head);
  return meta?.[1];
}

/** Valid UTF-8 decoded, or undefined when the bytes are not. */
function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Bytes chardet weighs: its statistics settle well within the first 64 KB, and a 5 MB file costs no more. */
const DETECTION_SAMPLE = 64 * 1024;

/** The single-byte Cyrillic encodings, which share most letters' statistics and differ in where the capitals are. */
const CYRILLIC = ["windows-1251", "koi8-r", "x-mac-cyrillic", "iso-8859-5"];

/**
 * How much a decoding reads as Cyrillic prose: letters from the bytes past ASCII count for it; symbols, and capitals
 * inside a word (`составлЯли`, what Mac Cyrillic's `я` reads as in windows-1251), against it.
 */
function cyrillicScore(text: string): number {
  let score = 0;
  let previousLower = false;
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) {
      previousLower = false;
      continue;
    }
    const letter = /\p{L}/u.test(char);
    const upper = letter && char !== char.toLowerCase();
    score += !letter ? -2 : upper && previousLower ? -1 : 1;
    previousLower = letter && !upper;
  }
  return score;
}

/**
 * The decoder of the most likely legacy encoding chardet finds that the runtime decodes, if any. chardet does not
 * know Mac Cyrillic and takes it (and at times KOI8-R) for windows-1251: when it names a Cyrillic encoding, the one
 * of the four whose decoding reads most as Cyrillic prose is taken.
 */
function detected(bytes: Uint8Array): TextDecoder | undefined {
  const sample = bytes.subarray(0, DETECTION_SAMPLE);
  for (const candidate of analyse(sample)) {
    // ISO-8859-1 text is windows-1252 in practice (and as WHATWG decodes it): curly quotes and dashes included.
    const label = candidate.name === "ISO-8859-1" ? "windows-1252" : candidate.name;
    const decoder = decoderFor(label);
    if (!decoder || candidate.confidence < 10) continue;
    if (!CYRILLIC.includes(decoder.encoding)) return decoder;
    const scored = CYRILLIC.map((encoding) => ({ encoding, score: cyrillicScore(new TextDecoder(encoding).decode(sample)) }));
    const best = scored.reduce((a, b) => (b.score > a.score ? b : a), scored.find((one) => one.encoding === decoder.encoding)!);
    return new TextDecoder(best.encoding);
  }
  return undefined;
}

/**
 * The text of `bytes`. `transportCharset` is what the bytes came with (HTTP, e-mail); `selfDeclared` says whether
 * the format may name its own charset (HTML and XML do, in their first bytes).
 */
export function decodeText(bytes: Uint8Array, transportCharset?: string, selfDeclared = false): string {
  const mark = byteOrderMark(bytes);
  if (mark) return new TextDecoder(mark).decode(bytes);
  const declared = decoderFor(transportCharset) ?? (selfDeclared ? decoderFor(declaredCharset(bytes)) : undefined);
  if (declared) return declared.decode(bytes);
  const utf8 = strictUtf8(bytes);
  if (utf8 !== undefined) return utf8;
  return (detected(bytes) ?? new TextDecoder("windows-1252")).decode(bytes);
}

/** Windows code page numbers (RTF's `\ansicpg`, an Outlook message's PR_INTERNET_CPID) → WHATWG encoding labels. */
const CODE_PAGES: Record<number, string> = {
  874: "windows-874", 932: "shift_jis", 936: "gbk", 949: "euc-kr", 950: "big5", 1200: "utf-16le", 1201: "utf-16be",
  10000: "macintosh", 10007: "x-mac-cyrillic", 20866: "koi8-r", 21866: "koi8-u", 20932: "euc-jp", 51932: "euc-jp",
  50220: "iso-2022-jp", 50221: "iso-2022-jp", 50222: "iso-2022-jp", 51936: "gbk", 51949: "euc-kr", 54936: "gb18030",
  65001: "utf-8",
};

/** The decoder of a Windows code page, or undefined when the runtime has none for it. */
export function codePageDecoder(codePage: number): TextDecoder | undefined {
  if (codePage >= 1250 && codePage <= 1258) return decoderFor(`windows-${codePage}`);
  if (codePage >= 28591 && codePage <= 28606) return decoderFor(`iso-8859-${codePage - 28590}`);
  return decoderFor(CODE_PAGES[codePage]);
}
