/**
 * PowerPoint 97–2003 presentations (.ppt), read as PPTX is: one section a slide, in the order the presentation
 * lists them, its title a level-2 heading (`Slide N` when it has none), its body text as list items, the text of
 * its other shapes as paragraphs. The live version of each slide is found through the current user's edit chain
 * and persist directory ([MS-PPT]), so the older copies an incremental save leaves in the file are not read.
 * A slide's speaker notes follow it under `Notes:`; the footers set for the slides come once at the end.
 */
import { ApiError } from "../../errors";
import { DocumentBuilder } from "../builder";
import type { DocumentModel } from "../model";
import { openCompoundFile } from "./compound";

const LABEL = "PowerPoint 97–2003 presentation";

const RT = {
  document: 0x03e8,
  slide: 0x03ee,
  slideAtom: 0x03ef,
  notes: 0x03f0,
  slidePersist: 0x03f3,
  slideList: 0x0ff0,
  userEdit: 0x0ff5,
  persistDirectory: 0x1772,
  textHeader: 0x0f9f,
  textChars: 0x0fa0,
  textBytes: 0x0fa8,
  outlineTextRef: 0x0f9e,
  headersFooters: 0x0fd9,
  cString: 0x0fba,
} as const;

/** Text header types ([MS-PPT] TextTypeEnum) that are a slide's title. */
const TITLE_TYPES = new Set([0, 6]);
/** The body placeholder types, whose paragraphs PowerPoint bullets. */
const BODY_TYPES = new Set([1, 5]);
/** Recursion into containers stops here: a file nests a handful of levels, a hostile one any number. */
const MAX_DEPTH = 32;

interface Record {
  type: number;
  instance: number;
  /** Where the record's body starts and ends in the stream. */
  start: number;
  end: number;
  container: boolean;
}

class Stream {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u32(at: number): number {
    return at >= 0 && at + 4 <= this.bytes.length ? this.view.getUint32(at, true) : 0;
  }
  /** The record whose header is at `at`, or undefined when it does not fit the stream. */
  record(at: number): Record | undefined {
    if (at < 0 || at + 8 > this.bytes.length) return undefined;
    const verInstance = this.view.getUint16(at, true);
    const end = at + 8 + this.view.getUint32(at + 4, true);
    if (end > this.bytes.length) return undefined;
    return { type: this.view.getUint16(at + 2, true), instance: verInstance >> 4, start: at + 8, end, container: (verInstance & 0xf) === 0xf };
  }
  /** The records directly inside `parent`. */
  *children(parent: Record): Generator<Record> {
    for (let at = parent.start; at < parent.end; ) {
      const child = this.record(at);
      if (!child || child.end > parent.end) return;
      yield child;
      at = child.end;
    }
  }
  /** Every record under `parent`, depth first, in file order. */
  *walk(parent: Record, depth = 0): Generator<Record> {
    if (depth > MAX_DEPTH) return;
    for (const child of this.children(parent)) {
      yield child;
      if (child.container) yield* this.walk(child, depth + 1);
    }
  }
  text(record: Record): string {
    const bytes = this.bytes.subarray(record.start, record.end);
    return record.type === RT.textChars ? new TextDecoder("utf-16le").decode(bytes) : new TextDecoder("windows-1252").decode(bytes);
  }
}

/** Persist id → stream offset, the newest edit's entries over older ones. */
function persistDirectory(stream: Stream, currentUser: Uint8Array | undefined): { offsets: Map<number, number>; documentRef: number } {
  const offsets = new Map<number, number>();
  const user = currentUser && new Stream(currentUser);
  let edit = user ? user.u32(16) : 0;
  let documentRef = 0;
  const visited = new Set<number>();
  while (!visited.has(edit) && visited.size < 1000) {
    visited.add(edit);
    const atom = stream.record(edit);
    if (!atom || atom.type !== RT.userEdit) break;
    documentRef ||= stream.u32(atom.start + 16);
    const directory = stream.record(stream.u32(atom.start + 12));
    if (directory?.type === RT.persistDirectory) {
      for (let at = directory.start; at + 4 <= directory.end; ) {
        const entry = stream.u32(at);
        const first = entry & 0xfffff;
        const count = entry >>> 20;
        at += 4;
        for (let i = 0; i < count && at + 4 <= directory.end; i++, at += 4) {
          if (!offsets.has(first + i)) offsets.set(first + i, stream.u32(at));
        }
      }
    }
    const previous = stream.u32(atom.start + 8);
    if (previous === 0) break;
    edit = previous;
  }
  return { offsets, documentRef };
}

interface TextBlock {
  type: number;
  text: string;
}

/** The text atoms under a record, each with the text type its header gave (4, "other", without one). */
function textBlocks(stream: Stream, parent: Record): TextBlock[] {
  const blocks: TextBlock[] = [];
  let type = 4;
  for (const record of stream.walk(parent)) {
    if (record.type === RT.textHeader) type = stream.u32(record.start);
    else if (record.type === RT.textChars || record.type === RT.textBytes) blocks.push({ type, text: stream.text(record) });
  }
  return blocks;
}

interface SlideEntry {
  persistRef: number;
  slideId: number;
  /** The placeholder text the slide list holds for it (title and body). */
  text: TextBlock[];
}

/** The slides (instance 0) or notes (instance 2) the document's slide lists name, in order. */
function slideList(stream: Stream, document: Record, instance: number): SlideEntry[] {
  const entries: SlideEntry[] = [];
  for (const list of stream.children(document)) {
    if (list.type !== RT.slideList || list.instance !== instance) continue;
    let type = 4;
    for (const record of stream.children(list)) {
      if (record.type === RT.slidePersist) entries.push({ persistRef: stream.u32(record.start), slideId: stream.u32(record.start + 12), text: [] });
      else if (record.type === RT.textHeader) type = stream.u32(record.start);
      else if ((record.type === RT.textChars || record.type === RT.textBytes) && entries.length > 0) entries.at(-1)!.text.push({ type, text: stream.text(record) });
    }
  }
  return entries;
}

/** Lines of a text atom: PowerPoint ends paragraphs with CR and breaks lines with a vertical tab. */
const paragraphsOf = (text: string) => text.split(/[\r\n]+/).map((line) => line.replace(/\v/g, " ").replace(/[\x00-\x08\x0e-\x1f]/g, "").trim()).filter(Boolean);

export async function readPpt(bytes: Uint8Array, name: string): Promise<DocumentModel> {
  const file = await openCompoundFile(bytes, name, LABEL);
  const data = file.stream("/PowerPoint Document");
  if (!data) throw new ApiError(422, `${name}: the file is not a readable ${LABEL} (no PowerPoint Document stream)`);
  if (file.stream("/EncryptedSummary")) throw new ApiError(422, `${name}: the presentation is password-protected`);
  const stream = new Stream(data);
  const { offsets, documentRef } = persistDirectory(stream, file.stream("/Current User"));
  const document = stream.record(offsets.get(documentRef) ?? -1);
  if (!document || document.type !== RT.document) throw new ApiError(422, `${name}: the file is not a readable ${LABEL} (its document record is missing)`);
  const notesById = new Map(slideList(stream, document, 2).map((entry) => [entry.slideId, entry.persistRef]));
  const builder = new DocumentBuilder(name);
  for (const [index, entry] of slideList(stream, document, 0).entries()) {
    const slide = stream.record(offsets.get(entry.persistRef) ?? -1);
    const own = slide?.type === RT.slide ? textBlocks(stream, slide) : [];
    const blocks = [...entry.text, ...own];
    const title = blocks.filter((block) => TITLE_TYPES.has(block.type)).flatMap((block) => paragraphsOf(block.text));
    builder.heading(2, [{ text: title.length > 0 ? title.join(" ") : `Slide ${index + 1}` }]);
    for (const block of blocks) {
      if (TITLE_TYPES.has(block.type)) continue;
      for (const paragraph of paragraphsOf(block.text)) {
        if (BODY_TYPES.has(block.type)) builder.listItem([{ text: paragraph }], 0, false);
        else builder.text(paragraph);
      }
    }
    const notesRef = slide && slideNotesRef(stream, slide);
    const notes = notesRef ? stream.record(offsets.get(notesById.get(notesRef) ?? -1) ?? -1) : undefined;
    if (notes?.type === RT.notes) {
      const lines = textBlocks(stream, notes).flatMap((block) => paragraphsOf(block.text));
      if (lines.length > 0) builder.text([{ text: "Notes:", bold: true }]);
      for (const line of lines) builder.text(line);
    }
  }
  for (const footer of footers(stream, document)) builder.text(footer);
  return builder.finish();
}

/** The notes id a slide's SlideAtom names (0 when it has none). */
function slideNotesRef(stream: Stream, slide: Record): number {
  for (const child of stream.children(slide)) if (child.type === RT.slideAtom) return stream.u32(child.start + 16);
  return 0;
}

/** The header and footer texts set for slides and notes, each once. */
function footers(stream: Stream, document: Record): string[] {
  const texts = new Set<string>();
  for (const record of stream.walk(document)) {
    if (record.type !== RT.headersFooters) continue;
    for (const child of stream.children(record)) {
      if (child.type === RT.cString && child.instance !== 0) {
        const text = new TextDecoder("utf-16le").decode(stream.bytes.subarray(child.start, child.end)).trim();
        if (text) texts.add(text);
      }
    }
  }
  return [...texts];
}
