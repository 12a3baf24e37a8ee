/**
 * Word 97–2003 documents (.doc), and the text of Word 6 and 95 ones. The text comes through the piece table;
 * each paragraph's properties (from its mark's FKP run and its style) say whether it is a heading (a built-in
 * heading style, a style named so, or an outline level), a list item (with its label counted as Word counts it)
 * or a table cell or row end. Tracked changes are shown as accepted: insertions kept, deletions dropped. Fields keep their result (a HYPERLINK becomes a link); pictures and drawn objects
 * leave no text. After the body come the other stories, as Word keeps them: footnotes, comments, endnotes, text
 * boxes, then the page headers and footers (each distinct text once).
 */
import { ApiError } from "../../errors";
import { DocumentBuilder } from "../builder";
import type { DocumentModel, Run } from "../model";
import { openCompoundFile, type CompoundFile } from "./compound";
import { inRanges, propsAt, readDeletedRuns, readFib, readLists, readPapxRuns, readPieceText, readStyleSheet, type DocList, type DocStyle, type ListOverride, type ParagraphProps } from "./doc-format";
import { formatNumber } from "./list-labels";

const LABEL = "Word 97–2003 document";

export async function readDoc(bytes: Uint8Array, name: string): Promise<DocumentModel> {
  const file = await openCompoundFile(bytes, name, LABEL);
  const builder = new DocumentBuilder(name);
  readWordDocument(file, "", name, builder);
  // Word documents embedded as objects (a document made only of them shows nothing else), one level deep.
  const embedded = file.paths.filter((path) => /^\/ObjectPool\/[^/]+\/WordDocument$/i.test(path));
  for (const path of embedded) readWordDocument(file, path.slice(0, -"WordDocument".length), name, builder, true);
  return builder.finish();
}

/** One Word document of the file (the file itself, or an object embedded under `prefix`) into `builder`. */
function readWordDocument(file: CompoundFile, prefix: string, name: string, builder: DocumentBuilder, embedded = false): void {
  const wordDocument = file.stream(`${prefix}/WordDocument`.replace("//", "/"));
  const fib = wordDocument && readFib(wordDocument);
  if (!wordDocument || !fib || fib.nFib < 101 || fib.encrypted) {
    if (embedded) return;
    if (!wordDocument || !fib) throw new ApiError(422, `${name}: the file is not a readable ${LABEL} (no WordDocument stream)`);
    if (fib.encrypted) throw new ApiError(422, `${name}: the document is password-protected`);
    throw new ApiError(422, `${name}: Word documents older than Word 6 are not supported; save it as DOCX`);
  }
  const table = fib.nFib >= 193 ? file.stream(`${prefix}/${fib.tableStream}`.replace("//", "/")) : wordDocument;
  if (!table) {
    if (embedded) return;
    throw new ApiError(422, `${name}: the file is not a readable ${LABEL} (its table stream is missing)`);
  }
  const pieces = readPieceText(wordDocument, table, fib, new TextDecoder("windows-1252"));
  const deleted = readDeletedRuns(wordDocument, table, fib);
  const text = deleted.length === 0 ? pieces.text : withoutDeletions(pieces.text, deleted, pieces.fcOf);
  const reader = new ParagraphReader(builder, {
    runs: readPapxRuns(wordDocument, table, fib),
    styles: readStyleSheet(table, fib),
    ...readLists(table, fib),
    fcOf: pieces.fcOf,
  });
  const [main = 0, footnotes = 0, headers = 0, macros = 0, comments = 0, endnotes = 0, boxes = 0, headerBoxes = 0] = fib.ccp.map((count) => Math.max(0, count));
  let at = 0;
  const story = (length: number) => {
    const part = text.slice(at, at + length);
    const start = at;
    at += length;
    return { text: part, start };
  };
  reader.read(story(main));
  const afterBody = [story(footnotes)];
  const headerStory = story(headers);
  story(macros);
  afterBody.push(story(comments), story(endnotes), story(boxes));
  for (const part of afterBody) reader.read(part);
  reader.read(headerStory, true);
  reader.read(story(headerBoxes), true);
}

/**
 * The text with the characters tracked changes deleted blanked out (NUL, which no reader keeps), so every
 * character keeps its position for the paragraph properties. Paragraph and cell marks stay.
 */
function withoutDeletions(text: string, deleted: [number, number][], fcOf: (cp: number) => number): string {
  const chars = text.split("");
  for (let cp = 0; cp < chars.length; cp++) {
    if (chars[cp] !== "\r" && chars[cp] !== "\x07" && inRanges(deleted, fcOf(cp))) chars[cp] = "\x00";
  }
  return chars.join("");
}

interface Context {
  runs: ReturnType<typeof readPapxRuns>;
  styles: DocStyle[];
  lists: Map<number, DocList>;
  overrides: ListOverride[];
  fcOf(cp: number): number;
}

/** A field being read: its code until the separator, then its result. */
interface Field {
  code: string;
  inResult: boolean;
  result: Run[];
}

class ParagraphReader {
  private readonly counters = new Map<number, number[]>();
  private readonly started = new Set<number>();
  private table: number | undefined;
  private row: string[] = [];
  private cell: string[] = [];
  private header = true;
  private readonly seen = new Set<string>();

  constructor(
    private readonly builder: DocumentBuilder,
    private readonly context: Context,
  ) {}

  /** One story: paragraph by paragraph, each ended by a paragraph mark, a cell mark or a page break. */
  read({ text, start }: { text: string; start: number }, once = false): void {
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (char !== "\r" && char !== "\x07" && char !== "\x0c") continue;
      const props = this.propsOf(start + i);
      this.paragraph(text.slice(from, i), char, props, once);
      from = i + 1;
    }
    if (from < text.length) this.paragraph(text.slice(from), "\r", {}, once);
    this.closeTable();
  }

  /** A paragraph's own properties over its style's (and the styles it is based on). */
  private propsOf(cp: number): ParagraphProps {
    const own = propsAt(this.context.runs, this.context.fcOf(cp));
    const merged: ParagraphProps = {};
    const chain: ParagraphProps[] = [];
    for (let istd = own.istd ?? 0, hop = 0; hop < 10; hop++) {
      const style = this.context.styles[istd];
      if (!style) break;
      chain.unshift(style.props);
      if (style.base === 0xfff || style.base === istd) break;
      istd = style.base;
    }
    for (const props of [...chain, own]) Object.assign(merged, props);
    return merged;
  }

  private paragraph(raw: string, mark: string, props: ParagraphProps, once: boolean): void {
    const runs = fieldRuns(raw);
    if (props.inTable || mark === "\x07") {
      this.tableParagraph(runs, mark, props);
      return;
    }
    this.closeTable();
    const plain = runs.map((run) => run.text).join("");
    if (once) {
      const key = plain.trim();
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    const label = this.listLabel(props);
    const level = this.headingLevel(props);
    if (level !== undefined) {
      this.builder.heading(level, label?.text ? [{ text: `${label.text} ` }, ...runs] : runs);
    } else if (label) {
      this.builder.listItem(runs, props.ilvl ?? 0, label.ordered, label.text);
    } else {
      this.builder.text(runs);
    }
  }

  private tableParagraph(runs: Run[], mark: string, props: ParagraphProps): void {
    const plain = runs.map((run) => run.text).join("").trim();
    // A numbered paragraph in a cell keeps its label, leading its text.
    const label = plain && !props.rowEnd ? this.listLabel(props)?.text : undefined;
    const text = label ? `${label} ${plain}` : plain;
    if (mark !== "\x07" || (props.depth ?? 1) > 1) {
      // A paragraph inside a cell, or a nested table's cell: part of the current cell's text.
      if (text) this.cell.push(text);
      return;
    }
    if (props.rowEnd) {
      this.table ??= this.builder.startTable();
      this.builder.row(this.row, this.table, { header: this.header });
      this.header = false;
      this.row = [];
      this.cell = [];
      return;
    }
    if (text) this.cell.push(text);
    this.row.push(this.cell.join(" "));
    this.cell = [];
  }

  private closeTable(): void {
    if (this.row.length > 0 && this.table !== undefined) this.builder.row(this.row, this.table, { header: this.header });
    this.table = undefined;
    this.row = [];
    this.cell = [];
    this.header = true;
  }

  private headingLevel(props: ParagraphProps): number | undefined {
    const style = this.context.styles[props.istd ?? 0];
    if (style && style.sti >= 1 && style.sti <= 9) return Math.min(6, style.sti);
    if (style?.sti === 62) return 1;
    const named = /^heading\s?(\d)$/i.exec(style?.name ?? "");
    if (named) return Math.min(6, Number(named[1]));
    if (props.outline !== undefined && props.outline < 9) return Math.min(6, props.outline + 1);
    return undefined;
  }

  /** The label of a list paragraph, its counters advanced; undefined when the paragraph is in no list. */
  private listLabel(props: ParagraphProps): { ordered: boolean; text?: string } | undefined {
    const ilfo = props.ilfo ?? 0;
    if (ilfo <= 0 || ilfo > this.context.overrides.length) return undefined;
    const override = this.context.overrides[ilfo - 1]!;
    const list = this.context.lists.get(override.lsid);
    const ilvl = Math.min(props.ilvl ?? 0, 8);
    const level = list?.levels[ilvl] ?? list?.levels[0];
    if (!list || !level) return undefined;
    if (level.format === "bullet") return { ordered: false };
    const startOf = (at: number) => override.starts.get(at) ?? list.levels[at]?.start ?? 1;
    const counters = this.counters.get(list.lsid) ?? [];
    this.counters.set(list.lsid, counters);
    if (!this.started.has(ilfo)) {
      // An override that restarts numbering takes effect where its first paragraph is.
      this.started.add(ilfo);
      for (const [at, value] of override.starts) if (at >= ilvl) counters[at] = value - 1;
    }
    for (let at = 0; at < ilvl; at++) counters[at] ??= startOf(at);
    counters[ilvl] = counters[ilvl] === undefined ? startOf(ilvl) : counters[ilvl]! + 1;
    counters.length = ilvl + 1;
    let label = "";
    const placeholders = new Set(level.placeholders.map((position) => position - 1));
    for (const [index, char] of [...level.template].entries()) {
      const at = char.charCodeAt(0);
      if (placeholders.has(index) && at < 9) {
        const format = level.legal && at < ilvl ? "decimal" : (list.levels[at]?.format ?? "decimal");
        // A bullet level inside a numbered label adds nothing.
        if (format !== "bullet") label += formatNumber(counters[at] ?? startOf(at), format);
      } else {
        label += char;
      }
    }
    label = label.trim();
    return { ordered: true, ...(label ? { text: label } : {}) };
  }
}

/** A paragraph's characters as runs: fields resolved to their results, Word's marks for objects and breaks mapped. */
function fieldRuns(raw: string): Run[] {
  const runs: Run[] = [{ text: "" }];
  const fields: Field[] = [];
  const emit = (text: string) => {
    const field = fields.at(-1);
    if (field && !field.inResult) field.code += text;
    else if (field) appendText(field.result, text);
    else appendText(runs, text);
  };
  for (const char of raw) {
    switch (char) {
      case "\x13":
        fields.push({ code: "", inResult: false, result: [] });
        break;
      case "\x14":
        if (fields.at(-1)) fields.at(-1)!.inResult = true;
        break;
      case "\x15": {
        const field = fields.pop();
        if (!field) break;
        if (!field.inResult) field.result = equationText(field.code);
        const link = /^\s*HYPERLINK\s+(?:\\[a-z]\s+)*"([^"]+)"/i.exec(field.code)?.[1];
        const result = field.result.filter((run) => run.text);
        const target = fields.at(-1) ? (fields.at(-1)!.inResult ? fields.at(-1)!.result : undefined) : runs;
        if (!target) {
          fields.at(-1)!.code += result.map((run) => run.text).join("");
          break;
        }
        for (const run of result) target.push(link && /^(https?|mailto):/i.test(link) ? { ...run, link } : run);
        target.push({ text: "" });
        break;
      }
      case "\x0b":
        emit("\n");
        break;
      case "\x1e":
        emit("-");
        break;
      case "\t":
        emit("\t");
        break;
      default:
        // Picture, footnote and comment reference marks and the other control characters hold no text.
        if (char >= " " && char !== "\x1f") emit(char);
    }
  }
  // An unclosed field shows what it has.
  for (const field of fields) runs.push(...field.result);
  return runs.filter((run) => run.text);
}

function appendText(runs: Run[], text: string): void {
  const last = runs.at(-1);
  if (last && !last.link) last.text += text;
  else runs.push({ text });
}

/**
 * The text an EQ field shows when it has no stored result: phonetic guides (`\\o\\ad(\\s\\up 10(とうきょう),東京)`)
 * as `東京 (とうきょう)`; other equations show nothing.
 */
function equationText(code: string): Run[] {
  if (!/^\s*EQ\b/i.test(code)) return [];
  const ruby = /\\s\\up\s*-?\d+\(([^)]*)\),([^)]*)\)/i.exec(code);
  return ruby ? [{ text: `${ruby[2]} (${ruby[1]})` }] : [];
}
