/**
 * The binary structures of a Word 97–2003 document ([MS-DOC]) that the DOC reader needs: the FIB (where
 * everything is), the piece table (which bytes hold which characters), the paragraph properties in the FKP pages
 * (table cells and rows, list membership, style), the character runs marked deleted by tracked changes, the style sheet (heading styles) and the list tables (labels).
 * Every offset read is checked against its stream: a damaged file yields less, never a read past the end.
 */

export interface Fib {
  /** 193 and up for Word 97 and later; 101–105 for Word 6 and Word 95. */
  nFib: number;
  encrypted: boolean;
  complex: boolean;
  tableStream: "0Table" | "1Table";
  /** Character counts of the stories in order: main text, footnotes, headers, macros, comments, endnotes, text boxes, header text boxes. */
  ccp: number[];
  /** fc/lcb pairs of FibRgFcLcb, by index (1 styles, 13 paragraph FKPs, 33 piece table, 73 lists, 74 list overrides). */
  fcLcb: (index: number) => [number, number];
  /** Word 6/95: the text's first byte. */
  fcMin: number;
}

export const FC = { styles: 1, chpxBins: 12, papxBins: 13, clx: 33, lists: 73, listOverrides: 74 } as const;

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  has(at: number, length: number): boolean {
    return at >= 0 && length >= 0 && at + length <= this.bytes.length;
  }
  u8(at: number): number {
    return this.has(at, 1) ? this.bytes[at]! : 0;
  }
  u16(at: number): number {
    return this.has(at, 2) ? this.view.getUint16(at, true) : 0;
  }
  i16(at: number): number {
    return this.has(at, 2) ? this.view.getInt16(at, true) : 0;
  }
  u32(at: number): number {
    return this.has(at, 4) ? this.view.getUint32(at, true) : 0;
  }
  i32(at: number): number {
    return this.has(at, 4) ? this.view.getInt32(at, true) : 0;
  }
  utf16(at: number, chars: number): string {
    if (!this.has(at, chars * 2)) return "";
    return new TextDecoder("utf-16le").decode(this.bytes.subarray(at, at + chars * 2));
  }
}

export function readFib(wordDocument: Uint8Array): Fib | undefined {
  const r = new Reader(wordDocument);
  // Word 97 and later write 0xA5EC; Word 6 and 95 (and their Asian and Mac builds) 0xA5DC or 0xA697–0xA699.
  if (![0xa5ec, 0xa5dc, 0xa697, 0xa698, 0xa699].includes(r.u16(0))) return undefined;
  const nFib = r.u16(2);
  const flags = r.u16(10);
  const common = { nFib, encrypted: (flags & 0x0100) !== 0, complex: (flags & 0x0004) !== 0 };
  if (nFib < 193) {
    // Word 6/95: one stream; the story lengths and the piece table sit at fixed offsets.
    const ccp = [0x34, 0x38, 0x3c, 0x40, 0x44].map((at) => r.i32(at));
    return { ...common, tableStream: "0Table", ccp, fcMin: r.u32(0x18), fcLcb: (index) => (index === FC.clx ? [r.u32(0x160), r.u32(0x164)] : [0, 0]) };
  }
  const csw = r.u16(32);
  const rgLw = 34 + csw * 2 + 2;
  const cslw = r.u16(34 + csw * 2);
  const ccp = [3, 4, 5, 6, 7, 8, 9, 10].map((index) => (index < cslw ? r.i32(rgLw + index * 4) : 0));
  const cbRgFcLcb = r.u16(rgLw + cslw * 4);
  const blob = rgLw + cslw * 4 + 2;
  return {
    ...common,
    tableStream: flags & 0x0200 ? "1Table" : "0Table",
    ccp,
    fcMin: 0,
    fcLcb: (index) => (index < cbRgFcLcb ? [r.u32(blob + index * 8), r.u32(blob + index * 8 + 4)] : [0, 0]),
  };
}

interface Piece {
  cpStart: number;
  cpEnd: number;
  /** Where the piece's first character is in WordDocument. */
  fc: number;
  /** One byte a character (windows-1252) rather than UTF-16. */
  compressed: boolean;
}

export interface PieceText {
  /** The whole text, one UTF-16 unit per character position. */
  text: string;
  /** The file offset of a character position (its byte in WordDocument). */
  fcOf(cp: number): number;
}

/** The pieces of the Clx (skipping its Prc entries), or one piece for a Word 6/95 file that has none. */
function readPieces(table: Uint8Array, fib: Fib, textLength: number): Piece[] {
  const [fcClx, lcbClx] = fib.fcLcb(FC.clx);
  const r = new Reader(table);
  const wide = fib.nFib >= 193;
  if (lcbClx > 0 && r.has(fcClx, lcbClx)) {
    for (let at = fcClx; at < fcClx + lcbClx; ) {
      const kind = r.u8(at);
      if (kind === 1) {
        at += 3 + r.i16(at + 1);
        continue;
      }
      if (kind !== 2) break;
      const lcb = r.u32(at + 1);
      const start = at + 5;
      if (!r.has(start, lcb)) break;
      const count = Math.floor((lcb - 4) / 12);
      const pieces: Piece[] = [];
      for (let i = 0; i < count; i++) {
        const cpStart = r.u32(start + i * 4);
        const cpEnd = r.u32(start + (i + 1) * 4);
        const raw = r.u32(start + (count + 1) * 4 + i * 8 + 2);
        const compressed = !wide || (raw & 0x40000000) !== 0;
        const fc = wide && compressed ? (raw & 0x3fffffff) / 2 : raw;
        if (cpEnd > cpStart) pieces.push({ cpStart, cpEnd, fc, compressed });
      }
      if (!wide && looksUtf16(table, pieces)) for (const piece of pieces) piece.compressed = false;
      return pieces.sort((a, b) => a.cpStart - b.cpStart);
    }
  }
  // A file written in one go has its text in one run of bytes from fcMin.
  return [{ cpStart: 0, cpEnd: textLength, fc: fib.fcMin || 0x200, compressed: !wide }];
}

/**
 * Whether a Word 6/95 file's pieces hold UTF-16 text: their descriptors have no flag for it, yet some files with
 * that FIB (POI's Bug51944) were written in UTF-16. Read as UTF-16, such text has a zero high byte for nearly
 * every Latin character; 8-bit text almost never does.
 */
function looksUtf16(wordDocument: Uint8Array, pieces: Piece[]): boolean {
  let latin = 0;
  let zeroHigh = 0;
  for (const piece of pieces) {
    const chars = Math.min(piece.cpEnd - piece.cpStart, 256);
    for (let i = 0; i < chars; i++) {
      const at = piece.fc + i * 2;
      if (at + 1 >= wordDocument.length) break;
      if (wordDocument[at]! >= 0x20 && wordDocument[at]! < 0x7f) {
        latin++;
        if (wordDocument[at + 1] === 0) zeroHigh++;
      }
    }
  }
  return latin >= 16 && zeroHigh >= latin * 0.9;
}

export function readPieceText(wordDocument: Uint8Array, table: Uint8Array, fib: Fib, decoder: TextDecoder): PieceText {
  const total = fib.ccp.reduce((sum, count) => sum + Math.max(0, count), 0);
  const pieces = readPieces(table, fib, total);
  const wide = new TextDecoder("utf-16le");
  let text = "";
  const placed: Piece[] = [];
  for (const piece of pieces) {
    if (piece.cpStart !== text.length) {
      // A gap or an overlap in the table: the characters stay where the positions say, blanks standing in.
      if (piece.cpStart < text.length) continue;
      text += " ".repeat(piece.cpStart - text.length);
    }
    const chars = piece.cpEnd - piece.cpStart;
    const end = piece.fc + chars * (piece.compressed ? 1 : 2);
    if (end > wordDocument.length) break;
    text += (piece.compressed ? decoder : wide).decode(wordDocument.subarray(piece.fc, end));
    placed.push(piece);
  }
  return {
    text,
    fcOf(cp) {
      const piece = findRange(placed, cp, (entry) => [entry.cpStart, entry.cpEnd]);
      return piece ? piece.fc + (cp - piece.cpStart) * (piece.compressed ? 1 : 2) : -1;
    },
  };
}

/** What a paragraph's properties (its PAPX, or a style's) say that the reader uses. */
export interface ParagraphProps {
  istd?: number;
  inTable?: boolean;
  /** The paragraph mark ends a table row rather than a cell. */
  rowEnd?: boolean;
  /** Table depth: 2 and more inside a nested table. */
  depth?: number;
  ilfo?: number;
  ilvl?: number;
  outline?: number;
}

/** The operand size of a sprm, by its spra bits (variable ones read their size). */
function sprmSize(r: Reader, at: number, opcode: number): number {
  switch (opcode >> 13) {
    case 0:
    case 1:
      return 1;
    case 2:
    case 4:
    case 5:
      return 2;
    case 3:
      return 4;
    case 7:
      return 3;
    default:
      if (opcode === 0xd608 || opcode === 0xd606) return 2 + r.u16(at) - 1;
      return 1 + r.u8(at);
  }
}

/** The sprms of a grpprl applied over `props`. */
export function applySprms(bytes: Uint8Array, start: number, end: number, props: ParagraphProps): ParagraphProps {
  const r = new Reader(bytes);
  for (let at = start; at + 2 <= end; ) {
    const opcode = r.u16(at);
    const operand = at + 2;
    const size = sprmSize(r, operand, opcode);
    if (size < 0) break;
    switch (opcode) {
      case 0x2416:
        props.inTable = r.u8(operand) !== 0;
        break;
      case 0x2417:
        props.rowEnd = r.u8(operand) !== 0;
        break;
      case 0x244c:
        if (r.u8(operand)) props.rowEnd = true;
        break;
      case 0x6649:
        props.depth = r.i32(operand);
        break;
      case 0x260a:
        props.ilvl = r.u8(operand);
        break;
      case 0x460b:
        props.ilfo = r.i16(operand);
        break;
      case 0x2640:
        props.outline = r.u8(operand);
        break;
    }
    at = operand + size;
  }
  return props;
}

export interface PapxRun {
  fcStart: number;
  fcEnd: number;
  props: ParagraphProps;
}

/** Every paragraph-property run of the FKP pages, sorted by file offset. */
export function readPapxRuns(wordDocument: Uint8Array, table: Uint8Array, fib: Fib): PapxRun[] {
  const [fc, lcb] = fib.fcLcb(FC.papxBins);
  const t = new Reader(table);
  const w = new Reader(wordDocument);
  if (lcb < 12 || !t.has(fc, lcb)) return [];
  const count = Math.floor((lcb - 4) / 8);
  const runs: PapxRun[] = [];
  for (let i = 0; i < count; i++) {
    const page = (t.u32(fc + (count + 1) * 4 + i * 4) & 0x3fffff) * 512;
    if (!w.has(page, 512)) continue;
    const crun = w.u8(page + 511);
    for (let j = 0; j < crun && 4 * (crun + 1) + j * 13 < 511; j++) {
      const fcStart = w.u32(page + j * 4);
      const fcEnd = w.u32(page + (j + 1) * 4);
      const offset = w.u8(page + 4 * (crun + 1) + j * 13) * 2;
      const props: ParagraphProps = {};
      if (offset > 0 && offset < 511) {
        const cb = w.u8(page + offset);
        const start = cb === 0 ? page + offset + 2 : page + offset + 1;
        const length = cb === 0 ? w.u8(page + offset + 1) * 2 : cb * 2 - 1;
        const end = Math.min(start + length, page + 511);
        props.istd = w.u16(start);
        applySprms(wordDocument, start + 2, end, props);
      }
      runs.push({ fcStart, fcEnd, props });
    }
  }
  return runs.sort((a, b) => a.fcStart - b.fcStart);
}

/** The properties of the run holding file offset `fc` (a paragraph's mark). */
export function propsAt(runs: PapxRun[], fc: number): ParagraphProps {
  return findRange(runs, fc, (run) => [run.fcStart, run.fcEnd])?.props ?? {};
}

export interface DocStyle {
  /** The built-in style it is (1–9: heading 1–9; 62 Title). */
  sti: number;
  name: string;
  base: number;
  props: ParagraphProps;
}

/** The style sheet: each style's built-in identity, name, base and paragraph properties. */
export function readStyleSheet(table: Uint8Array, fib: Fib): DocStyle[] {
  const [fc, lcb] = fib.fcLcb(FC.styles);
  const r = new Reader(table);
  if (lcb < 4 || !r.has(fc, lcb)) return [];
  const end = fc + lcb;
  const cbStshi = r.u16(fc);
  const count = r.u16(fc + 2);
  const baseSize = r.u16(fc + 4);
  const styles: DocStyle[] = [];
  let at = fc + 2 + cbStshi;
  for (let i = 0; i < count && at + 2 <= end; i++) {
    const size = r.u16(at);
    const std = at + 2;
    at = std + size;
    if (size === 0 || at > end) {
      styles.push({ sti: 0xfff, name: "", base: 0xfff, props: {} });
      continue;
    }
    const sti = r.u16(std) & 0x0fff;
    const kind = r.u16(std + 2) & 0x000f;
    const base = r.u16(std + 2) >> 4;
    const nameAt = std + baseSize;
    const chars = r.u16(nameAt);
    const name = r.utf16(nameAt + 2, Math.min(chars, 256));
    const props: ParagraphProps = {};
    let upx = nameAt + 2 + chars * 2 + 2;
    if (upx % 2) upx++;
    if (kind === 1 && upx + 4 <= at) {
      // A paragraph style's first UPX: its istd, then its sprms.
      const cbUpx = r.u16(upx);
      applySprms(table, upx + 4, Math.min(upx + 2 + cbUpx, at), props);
    }
    styles.push({ sti, name, base, props });
  }
  return styles;
}

export interface ListLevel {
  start: number;
  /** The number format: a `numFmt` name, as DOCX spells them. */
  format: string;
  /** The label's text, each level number a placeholder character below 9 (its level). */
  template: string;
  /** The positions of the placeholders in the template (1-based). */
  placeholders: number[];
  /** Whether numbers of higher levels show as decimals (legal numbering). */
  legal: boolean;
}

export interface DocList {
  lsid: number;
  levels: ListLevel[];
}

export interface ListOverride {
  lsid: number;
  /** Start-at overrides by level. */
  starts: Map<number, number>;
}

const NUMBER_FORMATS: Record<number, string> = { 0: "decimal", 1: "upperRoman", 2: "lowerRoman", 3: "upperLetter", 4: "lowerLetter", 5: "ordinal", 22: "decimalZero", 23: "bullet", 255: "none" };

/** One LVL: its fixed part, its property grpprls (skipped) and its label text. Returns the level and where the next begins. */
function readLevel(r: Reader, at: number): [ListLevel, number] {
  const start = r.i32(at);
  const nfc = r.u8(at + 4);
  const legal = (r.u8(at + 5) & 0x04) !== 0;
  const placeholders: number[] = [];
  for (let i = 0; i < 9; i++) {
    const position = r.u8(at + 6 + i);
    if (position === 0) break;
    placeholders.push(position);
  }
  const textAt = at + 28 + r.u8(at + 24) + r.u8(at + 25);
  const chars = r.u16(textAt);
  const template = r.utf16(textAt + 2, chars);
  return [{ start, format: NUMBER_FORMATS[nfc] ?? "decimal", template, placeholders, legal }, textAt + 2 + chars * 2];
}

/** The lists (PlfLst with their levels) and the overrides paragraphs point at (PlfLfo, 1-based). */
export function readLists(table: Uint8Array, fib: Fib): { lists: Map<number, DocList>; overrides: ListOverride[] } {
  const lists = new Map<number, DocList>();
  const overrides: ListOverride[] = [];
  const r = new Reader(table);
  const [fcLst, lcbLst] = fib.fcLcb(FC.lists);
  if (lcbLst >= 2 && r.has(fcLst, lcbLst)) {
    const count = r.i16(fcLst);
    const headers: { lsid: number; simple: boolean }[] = [];
    for (let i = 0; i < count; i++) {
      const at = fcLst + 2 + i * 28;
      headers.push({ lsid: r.i32(at), simple: (r.u8(at + 26) & 1) !== 0 });
    }
    // The levels follow the table stream's PlfLst, outside its own lcb.
    let at = fcLst + 2 + count * 28;
    for (const header of headers) {
      const levels: ListLevel[] = [];
      for (let i = 0; i < (header.simple ? 1 : 9) && r.has(at, 28); i++) {
        const [level, next] = readLevel(r, at);
        levels.push(level);
        at = next;
      }
      lists.set(header.lsid, { lsid: header.lsid, levels });
    }
  }
  const [fcLfo, lcbLfo] = fib.fcLcb(FC.listOverrides);
  if (lcbLfo >= 4 && r.has(fcLfo, lcbLfo)) {
    const count = r.i32(fcLfo);
    const levelCounts: number[] = [];
    for (let i = 0; i < count && r.has(fcLfo + 4 + i * 16, 16); i++) {
      overrides.push({ lsid: r.i32(fcLfo + 4 + i * 16), starts: new Map() });
      levelCounts.push(r.u8(fcLfo + 4 + i * 16 + 12));
    }
    let at = fcLfo + 4 + count * 16;
    for (const [i, levels] of levelCounts.entries()) {
      at += 4;
      for (let j = 0; j < levels && r.has(at, 8); j++) {
        const startAt = r.i32(at);
        const flags = r.u32(at + 4);
        at += 8;
        if (flags & 0x10) overrides[i]!.starts.set(flags & 0x0f, startAt);
        if (flags & 0x20) at = readLevel(r, at)[1];
      }
    }
  }
  return { lists, overrides };
}

/**
 * The file-offset ranges of character runs that tracked changes mark deleted (sprmCFRMarkDel in the CHPX FKP
 * pages), sorted: Word shows a deletion struck through until it is accepted, and the reader drops it.
 */
export function readDeletedRuns(wordDocument: Uint8Array, table: Uint8Array, fib: Fib): [number, number][] {
  const [fc, lcb] = fib.fcLcb(FC.chpxBins);
  const t = new Reader(table);
  const w = new Reader(wordDocument);
  if (fib.nFib < 193 || lcb < 12 || !t.has(fc, lcb)) return [];
  const count = Math.floor((lcb - 4) / 8);
  const deleted: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const page = (t.u32(fc + (count + 1) * 4 + i * 4) & 0x3fffff) * 512;
    if (!w.has(page, 512)) continue;
    const crun = w.u8(page + 511);
    for (let j = 0; j < crun && 4 * (crun + 1) + j < 511; j++) {
      const offset = w.u8(page + 4 * (crun + 1) + j) * 2;
      if (offset === 0 || offset >= 511) continue;
      const size = w.u8(page + offset);
      const end = Math.min(page + offset + 1 + size, page + 511);
      for (let at = page + offset + 1; at + 2 <= end; ) {
        const opcode = w.u16(at);
        if (opcode === 0x0800 && w.u8(at + 2)) {
          deleted.push([w.u32(page + j * 4), w.u32(page + (j + 1) * 4)]);
          break;
        }
        at += 2 + sprmSize(w, at + 2, opcode);
      }
    }
  }
  return deleted.sort((a, b) => a[0] - b[0]);
}

/** Whether file offset `fc` is in one of the sorted ranges. */
export function inRanges(ranges: [number, number][], fc: number): boolean {
  return findRange(ranges, fc, (range) => range) !== undefined;
}

/** The entry of `sorted` whose [start, end) holds `at` (a binary search), or undefined. */
function findRange<T>(sorted: readonly T[], at: number, rangeOf: (entry: T) => readonly [number, number]): T | undefined {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [start, end] = rangeOf(sorted[middle]!);
    if (at < start) high = middle - 1;
    else if (at >= end) low = middle + 1;
    else return sorted[middle];
  }
  return undefined;
}
