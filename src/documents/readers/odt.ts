/**
 * OpenDocument text (ODT): a zip archive whose `content.xml` holds the body. Headings are `text:h` (their
 * outline level) or paragraphs of a Heading/Title style; bold and italic come from the styles a span or paragraph
 * names (automatic styles in content.xml, common ones in styles.xml, followed through their parents); `text:a` is
 * a link; `text:list` nests lists (numbered when the list style numbers that level); tables keep their header rows
 * and column and row spans (covered cells are the spans' and are left out); a picture is `![caption](path)` when its
 * paragraph captions it, else `![](path)`. Footnotes and endnotes are markdown footnotes
 * (`[^1]` where cited, their text after the body), annotations (comments) too (`[^c1]`, led by their author).
 * Objects embedded in the text (a chart, another document) follow it, then the master pages' headers and footers,
 * each once. Tracked changes are shown as accepted: the record of deleted text is not read.
 */
import { ApiError } from "../../errors";
import { appendRun, DocumentBuilder } from "../builder";
import { runsText, type DocumentModel, type Run } from "../model";
import { readMasterPages } from "./odf";
import { unzipParts } from "./ooxml";
import { walkXml } from "./xml";

interface Style {
  bold?: boolean;
  italic?: boolean;
  heading?: number;
  parent?: string;
}

const SKIPPED = new Set(["text:note-citation", "office:annotation-end", "dc:date", "text:tracked-changes", "text:bookmark-ref", "office:forms", "text:sequence-decls", "text:variable-decls"]);

/** `Heading_20_2`, `Heading 2`, `Title` → the heading level. */
function headingOfStyleName(name: string): number | undefined {
  if (/^title$/i.test(name)) return 1;
  const match = /^heading(?:_20_|\s)?(\d)$/i.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** The text and paragraph styles of content.xml and styles.xml, and which list styles number which levels. */
function readStyles(xmls: string[], name: string) {
  const styles = new Map<string, Style>();
  const numberedLevels = new Map<string, Set<number>>();
  for (const xml of xmls) {
    let current: Style | undefined;
    let listStyle: string | undefined;
    walkXml(
      xml,
      {
        open(tag, attributes) {
          if (tag === "style:style" && attributes["style:name"]) {
            const outline = Number(attributes["style:default-outline-level"]);
            const heading =
              Number.isInteger(outline) && outline >= 1 && outline <= 6
                ? outline
                : (headingOfStyleName(attributes["style:display-name"] ?? "") ?? headingOfStyleName(attributes["style:name"]));
            current = {
              ...(attributes["style:parent-style-name"] ? { parent: attributes["style:parent-style-name"] } : {}),
              ...(heading ? { heading } : {}),
            };
            styles.set(attributes["style:name"], current);
          } else if (tag === "style:text-properties" && current) {
            if (attributes["fo:font-weight"]) current.bold = /^(bold|[6-9]00)$/.test(attributes["fo:font-weight"]);
            if (attributes["fo:font-style"]) current.italic = attributes["fo:font-style"] === "italic" || attributes["fo:font-style"] === "oblique";
          } else if (tag === "text:list-style" && attributes["style:name"]) {
            listStyle = attributes["style:name"];
            numberedLevels.set(listStyle, new Set());
          } else if (tag === "text:list-level-style-number" && listStyle) {
            numberedLevels.get(listStyle)!.add(Number(attributes["text:level"]) || 1);
          }
        },
        close(tag) {
          if (tag === "style:style") current = undefined;
          if (tag === "text:list-style") listStyle = undefined;
        },
      },
      { name },
    );
  }
  /** A style's own properties over its parents' (a parent chain is followed at most 10 deep). */
  const resolve = (styleName: string | undefined): Style => {
    const chain: Style[] = [];
    for (let next = styleName, hops = 0; next && hops < 10; hops++) {
      const style = styles.get(next);
      if (!style) {
        // A common style styles.xml does not define (or was not sent): its name still says a heading.
        const heading = headingOfStyleName(next);
        if (heading) chain.unshift({ heading });
        break;
      }
      chain.unshift(style);
      next = style.parent;
    }
    return Object.assign({}, ...chain.map(({ parent: _parent, ...own }) => own)) as Style;
  };
  return { resolve, numberedLevels };
}

interface OpenParagraph {
  runs: Run[];
  heading?: number;
  /** The list depth and numbering of the item it opens, when it is a list item's paragraph. */
  list?: { depth: number; ordered: boolean };
  /** The pictures it holds: their path and their own alt text. */
  images: { src: string; alt: string }[];
  /** The label of the note whose text it begins (a footnote's, or a comment's with its author). */
  note?: { label: string; author?: string };
}

interface OpenTable {
  id: number;
  row: { cells: string[]; runs: Run[][]; spans: { colSpan?: number; rowSpan?: number }[] } | null;
  header: boolean;
}

type Styles = ReturnType<typeof readStyles>;

/** The bodies read: the document's text, and an embedded object's chart or sheet. */
const BODIES = new Set(["office:text", "office:chart", "office:spreadsheet"]);

export function readOdt(bytes: Uint8Array, name: string): DocumentModel {
  const parts = unzipParts(bytes, name, (path) => /^(content|styles)\.xml$|^Object [^/]+\/content\.xml$/.test(path), "OpenDocument text");
  const xml = parts["content.xml"];
  if (xml === undefined) throw new ApiError(422, `${name}: the file is not a readable OpenDocument text (content.xml is missing)`);
  const styles = readStyles([parts["styles.xml"] ?? "", xml], name);
  const builder = new DocumentBuilder(name);
  const notes = new DocumentBuilder(name);
  const reader = new BodyReader(name, styles, builder, notes);
  reader.read(xml);
  for (const object of reader.objects) {
    const content = parts[`${object.replace(/^\.\//, "")}/content.xml`];
    if (content !== undefined) new BodyReader(name, readStyles([content], name), builder, notes, reader.labels).read(content);
  }
  builder.append(notes.finish().pages[0]!.blocks);
  const { headers, footers } = readMasterPages(parts["styles.xml"], name);
  for (const text of new Set([...headers, ...footers])) builder.text(text);
  return builder.finish();
}

/** The body of a content.xml (the document's, or an embedded object's: a text, a chart) walked into a builder. */
class BodyReader {
  private readonly paragraphs: OpenParagraph[] = [];
  /** Open spans' formats and links, innermost last. */
  private readonly formats: { bold?: boolean; italic?: boolean; link?: string }[] = [];
  private readonly lists: string[] = [];
  private readonly tables: OpenTable[] = [];
  private skipping = 0;
  private inBody = false;
  private listItemOpen = false;
  /** The note or annotation being read: its label, where its text goes, and a comment's author as it is read. */
  private note: { label: string; author?: string; inAuthor?: boolean; started: boolean; outer: DocumentBuilder } | undefined;
  private out: DocumentBuilder;
  /** Embedded objects (`./Object 1`), read after the body. */
  readonly objects: string[] = [];

  constructor(
    private readonly name: string,
    private readonly styles: Styles,
    builder: DocumentBuilder,
    private readonly notes: DocumentBuilder,
    /** The notes and comments labelled so far (footnotes and endnotes share one count), shared with embedded objects' readers. */
    readonly labels = { comments: 0, notes: 0 },
  ) {
    this.out = builder;
  }

  read(xml: string): void {
    walkXml(xml, { open: (tag, attributes) => this.open(tag, attributes), text: (text) => this.text(text), close: (tag) => this.close(tag) }, { name: this.name });
  }

  private format(): Omit<Run, "text"> {
    const merged: Omit<Run, "text"> = {};
    for (const entry of this.formats) {
      if (entry.bold !== undefined) merged.bold = entry.bold || undefined;
      if (entry.italic !== undefined) merged.italic = entry.italic || undefined;
      if (entry.link) merged.link = entry.link;
    }
    return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as Omit<Run, "text">;
  }

  private append(text: string): void {
    const paragraph = this.paragraphs.at(-1);
    if (paragraph) appendRun(paragraph.runs, text, this.format());
  }

  /** The outermost table's open row: where text of a cell goes (tables inside it are text of its cell). */
  private openCell() {
    const table = this.tables[0];
    return table?.row && table.row.cells.length > 0 ? table.row : undefined;
  }

  private open(tag: string, attributes: Record<string, string>): void {
    if (BODIES.has(tag)) this.inBody = true;
    if (!this.inBody) return;
    if (SKIPPED.has(tag)) this.skipping++;
    if (this.skipping) return;
    const { resolve, numberedLevels } = this.styles;
    switch (tag) {
      case "text:h":
      case "text:p": {
        const style = resolve(attributes["text:style-name"]);
        const level = tag === "text:h" ? Number(attributes["text:outline-level"]) || 1 : style.heading;
        const lists = this.lists;
        const list = this.listItemOpen && lists.length > 0 ? { depth: lists.length - 1, ordered: numberedLevels.get(lists[0]!)?.has(lists.length) ?? false } : undefined;
        this.listItemOpen = false;
        const note = this.note && !this.note.started ? { label: this.note.label, ...(this.note.author ? { author: this.note.author } : {}) } : undefined;
        if (this.note) this.note.started = true;
        this.paragraphs.push({ runs: [], images: [], ...(level && !note ? { heading: level } : {}), ...(list && !note ? { list } : {}), ...(note ? { note } : {}) });
        this.formats.push({ ...(style.bold !== undefined ? { bold: style.bold } : {}), ...(style.italic !== undefined ? { italic: style.italic } : {}) });
        break;
      }
      case "text:span": {
        const style = resolve(attributes["text:style-name"]);
        this.formats.push({ ...(style.bold !== undefined ? { bold: style.bold } : {}), ...(style.italic !== undefined ? { italic: style.italic } : {}) });
        break;
      }
      case "text:a":
        this.formats.push(attributes["xlink:href"] ? { link: attributes["xlink:href"] } : {});
        break;
      case "text:s":
        this.append(" ".repeat(Math.min(100, Math.max(1, Number(attributes["text:c"]) || 1))));
        break;
      case "text:tab":
        this.append(" ");
        break;
      case "text:line-break":
        this.append("\n");
        break;
      case "text:note":
        this.startNote(String(++this.labels.notes));
        break;
      case "office:annotation":
        this.startNote(`c${++this.labels.comments}`);
        break;
      case "dc:creator":
        if (this.note) this.note.inAuthor = true;
        break;
      case "draw:image": {
        const href = attributes["xlink:href"];
        // An embedded object's stand-in picture is not a picture of the document.
        if (href && !/ObjectReplacements\//.test(href)) this.paragraphs.at(-1)?.images.push({ src: href, alt: "" });
        break;
      }
      case "draw:object":
        if (attributes["xlink:href"] && !this.objects.includes(attributes["xlink:href"])) this.objects.push(attributes["xlink:href"]);
        break;
      case "text:list":
        // A nested list without a style of its own numbers as its outermost list says.
        this.lists.push(attributes["text:style-name"] ?? this.lists[0] ?? "");
        break;
      case "text:list-item":
      case "text:list-header":
        this.listItemOpen = true;
        break;
      default:
        this.openTable(tag, attributes);
    }
  }

  private openTable(tag: string, attributes: Record<string, string>): void {
    const tables = this.tables;
    if (tag === "table:table") {
      tables.push({ id: tables.length === 0 ? this.out.startTable() : 0, row: null, header: false });
    } else if (tag === "table:table-header-rows" && tables.length === 1) {
      tables[0]!.header = true;
    } else if (tag === "table:table-row" && tables.length === 1) {
      tables[0]!.row = { cells: [], runs: [], spans: [] };
    } else if (tag === "table:table-cell") {
      const row = tables.length === 1 ? tables[0]!.row : null;
      if (!row) return;
      const colSpan = Number(attributes["table:number-columns-spanned"]);
      const rowSpan = Number(attributes["table:number-rows-spanned"]);
      row.cells.push("");
      row.runs.push([]);
      row.spans.push({ ...(colSpan > 1 ? { colSpan: Math.min(colSpan, 1000) } : {}), ...(rowSpan > 1 ? { rowSpan: Math.min(rowSpan, 1000) } : {}) });
    }
  }

  /** A note's mark goes where it is cited; its paragraphs go to the notes, after the body. */
  private startNote(label: string): void {
    this.paragraphs.at(-1)?.runs.push({ text: label, note: "reference" });
    this.note = { label, started: false, outer: this.out };
    this.out = this.notes;
  }

  private endNote(): void {
    if (!this.note) return;
    if (!this.note.started) this.notes.text([{ text: this.note.label, note: "definition" }]);
    this.out = this.note.outer;
    this.note = undefined;
  }

  private text(text: string): void {
    if (!this.inBody || this.skipping) return;
    if (this.note?.inAuthor) {
      this.note.author = (this.note.author ?? "") + text;
      return;
    }
    const row = this.openCell();
    if (row && this.paragraphs.length > 0) {
      row.cells[row.cells.length - 1] += text;
      appendRun(row.runs[row.runs.length - 1]!, text, this.format());
      return;
    }
    this.append(text);
  }

  private close(tag: string): void {
    if (BODIES.has(tag)) this.inBody = false;
    if (!this.inBody) return;
    if (SKIPPED.has(tag)) {
      this.skipping--;
      return;
    }
    if (this.skipping) return;
    switch (tag) {
      case "text:h":
      case "text:p":
        this.formats.pop();
        this.closeParagraph();
        break;
      case "text:span":
      case "text:a":
        this.formats.pop();
        break;
      case "dc:creator":
        if (this.note) this.note.inAuthor = false;
        break;
      case "text:note":
      case "office:annotation":
        this.endNote();
        break;
      case "text:list":
        this.lists.pop();
        break;
      case "table:table-row": {
        const table = this.tables.length === 1 ? this.tables[0]! : undefined;
        if (table?.row) {
          this.out.row(table.row.cells, table.id, { header: table.header, cells: table.row.spans.map((span, i) => ({ ...span, runs: table.row!.runs[i]! })) });
          table.row = null;
        }
        break;
      }
      case "table:table-header-rows":
        if (this.tables.length === 1) this.tables[0]!.header = false;
        break;
      case "table:table":
        this.tables.pop();
        break;
    }
  }

  private closeParagraph(): void {
    const paragraph = this.paragraphs.pop();
    const row = this.openCell();
    if (!paragraph) return;
    const out = this.out;
    // A paragraph that holds one picture and some text is a captioned figure: the text is the picture's alt.
    const caption = paragraph.images.length === 1 && !paragraph.note ? runsText(paragraph.runs.filter((run) => !run.note)).trim() : "";
    if (caption) {
      out.image(caption, paragraph.images[0]!.src);
      return;
    }
    if (row) {
      // A cell's paragraphs are lines of its text.
      row.cells[row.cells.length - 1] += " ";
      appendRun(row.runs[row.runs.length - 1]!, " ", {});
    } else if (paragraph.note) {
      const lead: Run[] = [{ text: paragraph.note.label, note: "definition" }, ...(paragraph.note.author ? [{ text: `${paragraph.note.author.trim()}: `, bold: true }] : [])];
      out.text([...lead, ...paragraph.runs]);
    } else if (paragraph.heading) {
      out.heading(paragraph.heading, paragraph.runs);
    } else if (paragraph.list) {
      out.listItem(paragraph.runs, paragraph.list.depth, paragraph.list.ordered);
    } else {
      out.text(paragraph.runs);
    }
    for (const image of paragraph.images) out.image(image.alt, image.src);
  }
}
