/**
 * DOCX: the body of `word/document.xml`, then the stories Word keeps beside it, each read the same way.
 * Paragraphs become paragraphs (headings by their style's name or outline level, list items numbered as
 * numbering.xml says, bold, italic and hyperlinked runs kept: docx-parts.ts reads those parts), tabs split a line
 * into columns, tables keep their rows, header rows and column spans. Pictures are `![alt text](media path)` after
 * their paragraph, charts a table of their data; text boxes are read where they are anchored.
 *
 * Footnotes, endnotes and comments are markdown footnotes: `[^1]` where the body refers to one (footnotes and
 * endnotes numbered together, comments `[^c1]` at the end of their paragraph), their text after the body, a
 * comment led by its author. Headers and footers come last, each distinct text once. Tracked changes are shown as
 * accepted: insertions are read, deletions and moved-away text are not. Fields show their result; a HYPERLINK is a link, and a field that pulls in an outside file
 * (INCLUDEPICTURE, INCLUDETEXT, IMPORT, LINK) shows that file's URL when it shows no text of its own.
 */
import { ApiError } from "../../errors";
import { appendRun, DocumentBuilder } from "../builder";
import type { Block, DocumentModel, Run } from "../model";
import { readChart, writeChart } from "./chart";
import { Numbering, readStyles, styleHeadingLevel, styleNumbering, type Styles } from "./docx-parts";
import { readRelationships, relationshipsPath, resolveTarget, unzipParts, type Relationships } from "./ooxml";
import { walkXml } from "./xml";

const STORY_PARTS = /^word\/(document|styles|numbering|footnotes|endnotes|comments|header\d*|footer\d*)\.xml$|^word\/(charts\/)?_rels\/[^/]+\.rels$|^word\/charts\/chart\d+\.xml$/;
const NOTE_PARTS = [["word/footnotes.xml", "footnote"], ["word/endnotes.xml", "endnote"], ["word/comments.xml", "comment"]] as const;

type NoteKind = "footnote" | "endnote" | "comment";

/** What every story of one file shares. */
interface DocxFile {
  name: string;
  parts: Record<string, string>;
  styles: Styles;
  numbering: Numbering;
  notes: NoteLabels;
}

/** The label each note is shown with, in the order they are met: footnotes and endnotes `1, 2, …` (one count), comments `c1, c2, …`. */
class NoteLabels {
  private readonly labels = new Map<string, string>();
  private notes = 0;
  private comments = 0;

  of(kind: NoteKind, id: string): string {
    const key = `${kind}:${id}`;
    let label = this.labels.get(key);
    if (label === undefined) {
      label = kind === "comment" ? `c${++this.comments}` : String(++this.notes);
      this.labels.set(key, label);
    }
    return label;
  }
}

export function readDocx(bytes: Uint8Array, name: string): DocumentModel {
  const parts = unzipParts(bytes, name, (path) => STORY_PARTS.test(path));
  if (parts["word/document.xml"] === undefined) {
    throw new ApiError(422, `${name}: the file is not a readable DOCX document (word/document.xml is missing)`);
  }
  const file: DocxFile = {
    name,
    parts,
    styles: readStyles(parts["word/styles.xml"], name),
    numbering: new Numbering(parts["word/numbering.xml"], name),
    notes: new NoteLabels(),
  };
  const builder = new DocumentBuilder(name);
  new Story(file, "word/document.xml", builder).read();
  for (const [path, kind] of NOTE_PARTS) if (parts[path]) new Story(file, path, builder, kind).read();
  builder.append(headersAndFooters(file));
  return builder.finish({ detectTables: true });
}

/** The headers' and footers' blocks, each distinct one once (sections and odd, even and first pages repeat them). */
function headersAndFooters(file: DocxFile): Block[] {
  const paths = Object.keys(file.parts)
    .filter((path) => /^word\/(header|footer)\d*\.xml$/.test(path))
    .sort((a, b) => (a.includes("footer") === b.includes("footer") ? Number(/\d*(?=\.xml)/.exec(a)![0]) - Number(/\d*(?=\.xml)/.exec(b)![0]) : a.includes("footer") ? 1 : -1));
  const seen = new Set<string>();
  const blocks: Block[] = [];
  for (const path of paths) {
    const builder = new DocumentBuilder(file.name);
    new Story(file, path, builder).read();
    for (const block of builder.finish().pages[0]!.blocks) {
      const key = JSON.stringify(block);
      if (!seen.has(key)) blocks.push(block);
      seen.add(key);
    }
  }
  return blocks;
}

const external = (target: string | undefined) => (target && /^(https?|mailto|ftp):/i.test(target) ? target : undefined);
const on = (attributes: Record<string, string>) => attributes["w:val"] !== "0" && attributes["w:val"] !== "false";
/** Elements whose content is not read: a markup-compatibility fallback repeats its choice; deleted text is gone. */
const SKIPPED = new Set(["mc:Fallback", "w:del", "w:moveFrom"]);
/** Fields that pull an outside file into the document. */
const EXTERNAL_FIELDS = new Set(["INCLUDEPICTURE", "INCLUDETEXT", "IMPORT", "LINK"]);

interface Paragraph {
  /** The text between tabs: more than one makes the line a row of columns. */
  cells: string[];
  runs: Run[];
  style: { styleId?: string; numId?: string; listLevel?: number };
  /** Pictures and charts the paragraph holds, written after it. */
  after: ((builder: DocumentBuilder) => void)[];
  /** The marks of the comments on it. */
  comments: Run[];
}

interface Field {
  instruction: string;
  showing: boolean;
  kind?: string;
  target?: string;
  shown: boolean;
}

interface TableState {
  id: number;
  row: string[] | null;
  colSpans: (number | undefined)[];
  header: boolean;
}

const newParagraph = (): Paragraph => ({ cells: [""], runs: [], style: {}, after: [], comments: [] });

/** One story (the body, the notes of a notes part, a header) walked into a builder. */
class Story {
  private readonly relationships: Relationships;
  /** Nested tables are read as text of the outer cell: only the outermost table (the last entry) keeps rows. */
  private readonly tables: TableState[] = [];
  private paragraph = newParagraph();
  /** Paragraphs a text box interrupts, resumed when it closes. */
  private readonly outer: Paragraph[] = [];
  private format: Omit<Run, "text"> = {};
  private inRunProperties = false;
  /** Inside `w:pPr`, where `w:tab` is a tab stop, not a tab. */
  private inParagraphProperties = false;
  private inText = false;
  private inInstruction = false;
  /** The target of the `w:hyperlink` the runs stand in. */
  private link: string | undefined;
  private readonly fields: Field[] = [];
  /** Depth inside an element whose content is skipped (SKIPPED, a separator note). */
  private skipping = 0;
  /** The label (and a comment's author) of the note whose first paragraph comes next. */
  private note: { label: string; author?: string } | undefined;
  /** The phonetic guide (`w:rt`) of the ruby being read, shown after its base text: `東京 (とうきょう)`. */
  private ruby: { text: string; inGuide: boolean } | undefined;
  /** The alt text of the drawing being read (`wp:docPr`), given to the picture it holds. */
  private drawingAlt: string | undefined;

  constructor(
    private readonly file: DocxFile,
    private readonly path: string,
    private readonly builder: DocumentBuilder,
    private readonly noteKind?: NoteKind,
  ) {
    this.relationships = readRelationships(file.parts[relationshipsPath(path)], file.name);
  }

  read(): void {
    walkXml(
      this.file.parts[this.path]!,
      {
        open: (tag, attributes) => {
          if (this.skipping > 0 || SKIPPED.has(tag) || this.isSeparator(tag, attributes)) this.skipping++;
          else this.open(tag, attributes);
        },
        text: (text) => {
          if (this.skipping === 0) this.text(text);
        },
        close: (tag) => {
          if (this.skipping > 0) this.skipping--;
          else this.close(tag);
        },
      },
      { name: this.file.name },
    );
  }

  /** A note part's separator lines are not notes. */
  private isSeparator(tag: string, attributes: Record<string, string>): boolean {
    return (tag === "w:footnote" || tag === "w:endnote") && attributes["w:type"] !== undefined && attributes["w:type"] !== "normal";
  }

  private open(tag: string, attributes: Record<string, string>): void {
    const paragraph = this.paragraph;
    switch (tag) {
      case "w:t":
        this.inText = true;
        break;
      case "w:tab":
        if (this.inParagraphProperties) break;
        paragraph.cells.push("");
        appendRun(paragraph.runs, " ", this.format);
        break;
      case "w:br":
      case "w:cr":
        this.flushParagraph();
        break;
      case "w:p":
        paragraph.style = {};
        break;
      case "w:pPr":
        this.inParagraphProperties = true;
        break;
      case "w:pStyle":
        paragraph.style.styleId = attributes["w:val"];
        break;
      case "w:ilvl":
        paragraph.style.listLevel = Math.min(8, Number(attributes["w:val"]) || 0);
        break;
      case "w:numId":
        paragraph.style.numId = attributes["w:val"];
        break;
      case "w:numPr":
        paragraph.style.listLevel ??= 0;
        break;
      case "w:hyperlink":
        this.link = external(this.relationships.get(attributes["r:id"] ?? "")?.target);
        break;
      case "w:fldChar":
        this.fieldChar(attributes["w:fldCharType"]);
        break;
      case "w:fldSimple":
        this.fields.push(parseField(attributes["w:instr"] ?? "", true));
        break;
      case "w:instrText":
        this.inInstruction = true;
        break;
      case "w:r":
        this.format = {};
        break;
      case "w:rPr":
        this.inRunProperties = true;
        break;
      case "w:b":
        if (this.inRunProperties && on(attributes)) this.format.bold = true;
        break;
      case "w:i":
        if (this.inRunProperties && on(attributes)) this.format.italic = true;
        break;
      case "w:footnoteReference":
      case "w:endnoteReference":
      case "w:commentReference":
        this.reference(tag.slice(2, -9) as NoteKind, attributes["w:id"] ?? "");
        break;
      case "w:footnote":
      case "w:endnote":
      case "w:comment":
        this.startNote(tag.slice(2) as NoteKind, attributes);
        break;
      case "w:ruby":
        this.ruby = { text: "", inGuide: false };
        break;
      case "w:rt":
        if (this.ruby) this.ruby.inGuide = true;
        break;
      case "w:txbxContent":
        this.outer.push(this.paragraph);
        this.paragraph = newParagraph();
        break;
      case "wp:docPr":
        this.drawingAlt = (attributes.descr || attributes.title || "").trim();
        break;
      case "a:blip":
        this.picture(this.drawingAlt ?? "", attributes["r:embed"] ?? attributes["r:link"]);
        break;
      case "v:imagedata":
        this.picture(attributes["o:title"] ?? this.drawingAlt ?? "", attributes["r:id"]);
        break;
      case "c:chart":
        this.chart(attributes["r:id"]);
        break;
      default:
        this.openTable(tag, attributes);
    }
  }

  private openTable(tag: string, attributes: Record<string, string>): void {
    const outermost = this.tables.length === 1 ? this.tables[0]! : undefined;
    if (tag === "w:tbl") {
      this.tables.unshift({ id: this.builder.startTable(), row: null, colSpans: [], header: false });
    } else if (!outermost) {
      return;
    } else if (tag === "w:tr") {
      Object.assign(outermost, { row: [], colSpans: [], header: false });
    } else if (tag === "w:tblHeader") {
      outermost.header = on(attributes);
    } else if (tag === "w:tc") {
      outermost.row?.push("");
      outermost.colSpans.push(undefined);
    } else if (tag === "w:gridSpan") {
      const span = Number(attributes["w:val"]);
      if (Number.isInteger(span) && span > 1) outermost.colSpans[outermost.colSpans.length - 1] = Math.min(span, 1000);
    }
  }

  private text(text: string): void {
    const field = this.fields.at(-1);
    if (this.inText && this.ruby?.inGuide) {
      this.ruby.text += text;
    } else if (this.inText) {
      this.paragraph.cells[this.paragraph.cells.length - 1] += text;
      const target = this.link ?? this.fields.findLast((one) => one.showing && one.target)?.target;
      appendRun(this.paragraph.runs, text, target ? { ...this.format, link: target } : this.format);
      if (field?.showing && text.trim()) field.shown = true;
    } else if (this.inInstruction && field && !field.showing) {
      Object.assign(field, parseField(field.instruction + text, false));
    }
  }

  private close(tag: string): void {
    switch (tag) {
      case "w:t":
        this.inText = false;
        break;
      case "w:instrText":
        this.inInstruction = false;
        break;
      case "w:hyperlink":
        this.link = undefined;
        break;
      case "w:rPr":
        this.inRunProperties = false;
        break;
      case "w:pPr":
        this.inParagraphProperties = false;
        break;
      case "w:fldSimple":
        this.endField();
        break;
      case "w:p":
        this.flushParagraph();
        break;
      case "w:rt":
        if (this.ruby) this.ruby.inGuide = false;
        break;
      case "w:ruby":
        if (this.ruby?.text.trim()) this.addText(` (${this.ruby.text.trim()})`);
        this.ruby = undefined;
        break;
      case "w:txbxContent":
        this.flushParagraph();
        this.paragraph = this.outer.pop() ?? newParagraph();
        break;
      case "wp:inline":
      case "wp:anchor":
        this.drawingAlt = undefined;
        break;
      case "w:footnote":
      case "w:endnote":
      case "w:comment":
        this.note = undefined;
        break;
      case "w:tr":
        this.closeRow();
        break;
      case "w:tbl":
        this.tables.shift();
        break;
    }
  }

  private fieldChar(type: string | undefined): void {
    if (type === "begin") this.fields.push({ instruction: "", showing: false, shown: false });
    else if (type === "separate" && this.fields.length > 0) this.fields.at(-1)!.showing = true;
    else if (type === "end") this.endField();
  }

  /** A field that pulls in an outside file and shows no text of its own shows the file's URL. */
  private endField(): void {
    const field = this.fields.pop();
    if (field?.target && !field.shown && EXTERNAL_FIELDS.has(field.kind ?? "")) this.addText(` ${field.target} `, { link: field.target });
  }

  private addText(text: string, format: Omit<Run, "text"> = {}): void {
    appendRun(this.paragraph.runs, text, format);
    this.paragraph.cells[this.paragraph.cells.length - 1] += text;
  }

  /** A note's mark where the text refers to it; a comment's, which covers a stretch of text, at the paragraph's end. */
  private reference(kind: NoteKind, id: string): void {
    const run: Run = { text: this.file.notes.of(kind, id), note: "reference" };
    if (kind === "comment") this.paragraph.comments.push(run);
    else this.paragraph.runs.push(run);
  }

  private startNote(kind: NoteKind, attributes: Record<string, string>): void {
    if (kind !== this.noteKind) return;
    const author = attributes["w:author"]?.trim();
    this.note = { label: this.file.notes.of(kind, attributes["w:id"] ?? ""), ...(author ? { author } : {}) };
  }

  private picture(alt: string, id: string | undefined): void {
    const target = id === undefined ? undefined : this.relationships.get(id)?.target;
    const src = target === undefined ? undefined : external(target) ?? resolveTarget(this.path, target).replace(/^word\//, "");
    this.paragraph.after.push((builder) => builder.image(alt, src));
  }

  private chart(id: string | undefined): void {
    const target = id === undefined ? undefined : this.relationships.get(id)?.target;
    const xml = target === undefined ? undefined : this.file.parts[resolveTarget(this.path, target)];
    const chart = xml === undefined ? undefined : readChart(xml, this.file.name);
    if (!chart) return;
    this.paragraph.after.push((builder) => writeChart(builder, chart));
  }

  private flushParagraph(): void {
    const { cells: raw, after, comments } = this.paragraph;
    const runs = [...this.paragraph.runs, ...comments];
    const cells = raw.map((cell) => cell.trim());
    const style = this.paragraph.style;
    this.paragraph = { ...newParagraph(), style };
    const table = this.tables.at(-1);
    if (table?.row) {
      const joined = [this.cellLabel(style, cells), cells.filter(Boolean).join(" "), ...runs.filter((run) => run.note).map((run) => `[^${run.text}]`)].filter(Boolean).join(" ");
      const last = table.row.length - 1;
      table.row[last] = table.row[last] ? `${table.row[last]}\n${joined}` : joined;
    } else if (this.note) {
      const lead: Run[] = [{ text: this.note.label, note: "definition" }, ...(this.note.author ? [{ text: `${this.note.author}: `, bold: true }] : [])];
      this.note = undefined;
      this.builder.text([...lead, ...runs]);
    } else if (cells.length > 1) {
      this.builder.row(cells);
    } else {
      this.writeParagraph(runs, style);
    }
    for (const write of after) write(this.builder);
  }

  /** A numbered paragraph's label inside a table cell, where it leads the cell's text. */
  private cellLabel(style: Paragraph["style"], cells: string[]): string {
    const numId = style.numId ?? styleNumbering(this.file.styles, style.styleId)?.numId;
    if (numId === undefined || numId === "0" || !cells.some(Boolean)) return "";
    return this.file.numbering.next(numId, style.listLevel ?? styleNumbering(this.file.styles, style.styleId)?.ilvl ?? 0)?.label ?? "";
  }

  /** A paragraph outside tables: a heading by its style, a list item by its numbering (direct or its style's), or text. */
  private writeParagraph(runs: Run[], style: Paragraph["style"]): void {
    const { styles, numbering } = this.file;
    const heading = styleHeadingLevel(styles, style.styleId);
    const styled = styleNumbering(styles, style.styleId);
    const numId = style.numId ?? styled?.numId;
    const level = style.listLevel ?? (style.numId === undefined ? styled?.ilvl : undefined) ?? 0;
    if (heading !== undefined) {
      this.builder.heading(heading, runs);
    } else if (numId === "0") {
      // Numbering switched off on this paragraph (`w:numId w:val="0"`): plain text.
      this.builder.text(runs);
    } else if (numId !== undefined) {
      const item = numbering.next(numId, level);
      // A list the numbering part does not define is still a list (bulleted).
      this.builder.listItem(runs, level, item?.ordered ?? false, item?.label);
    } else if (style.listLevel !== undefined) {
      this.builder.listItem(runs, style.listLevel, false);
    } else {
      this.builder.text(runs);
    }
  }

  private closeRow(): void {
    const table = this.tables.length === 1 ? this.tables[0]! : undefined;
    if (table?.row) {
      this.builder.row(
        table.row.map((cell) => cell.replace(/\n/g, " ")),
        table.id,
        { header: table.header, cells: table.colSpans.map((colSpan) => (colSpan ? { colSpan } : {})) },
      );
    }
    if (table) table.row = null;
  }
}

/** A field's kind and, for HYPERLINK and the outside-file fields, its URL. */
function parseField(instruction: string, showing: boolean): Field {
  const match = /^\s*([A-Z]+)\b[^"]*"([^"]+)"/i.exec(instruction);
  const kind = /^\s*([A-Z]+)/i.exec(instruction)?.[1]?.toUpperCase();
  const target = match && (kind === "HYPERLINK" || EXTERNAL_FIELDS.has(kind ?? "")) ? external(match[2]) : undefined;
  return { instruction, showing, shown: false, ...(kind ? { kind } : {}), ...(target ? { target } : {}) };
}
