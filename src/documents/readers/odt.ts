/**
 * OpenDocument text (ODT): a zip archive whose `content.xml` holds the body. Headings are `text:h` (their
 * outline level) or paragraphs of a Heading/Title style; bold and italic come from the styles a span or paragraph
 * names (automatic styles in content.xml, common ones in styles.xml, followed through their parents); `text:a` is
 * a link; `text:list` nests lists (numbered when the list style numbers that level); tables keep their header rows
 * and column and row spans (covered cells are the spans' and are left out). Notes, annotations and tracked changes
 * are not part of the text.
 */
import { ApiError } from "../../errors";
import { appendRun, DocumentBuilder } from "../builder";
import type { DocumentModel, Run } from "../model";
import { unzipParts } from "./ooxml";
import { walkXml } from "./xml";

interface Style {
  bold?: boolean;
  italic?: boolean;
  heading?: number;
  parent?: string;
}

const SKIPPED = new Set(["office:annotation", "text:note", "text:tracked-changes", "text:bookmark-ref", "office:forms", "text:sequence-decls"]);

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
}

interface OpenTable {
  id: number;
  row: { cells: string[]; runs: Run[][]; spans: { colSpan?: number; rowSpan?: number }[] } | null;
  header: boolean;
}

export function readOdt(bytes: Uint8Array, name: string): DocumentModel {
  const parts = unzipParts(bytes, name, (path) => path === "content.xml" || path === "styles.xml", "OpenDocument text");
  const xml = parts["content.xml"];
  if (xml === undefined) throw new ApiError(422, `${name}: the file is not a readable OpenDocument text (content.xml is missing)`);
  const { resolve, numberedLevels } = readStyles([parts["styles.xml"] ?? "", xml], name);
  const builder = new DocumentBuilder(name);
  const paragraphs: OpenParagraph[] = [];
  /** Open spans' formats and links, innermost last. */
  const formats: { bold?: boolean; italic?: boolean; link?: string }[] = [];
  const lists: string[] = [];
  const tables: OpenTable[] = [];
  let skipping = 0;
  let inBody = false;
  let listItemOpen = false;

  const format = () => {
    const merged: Omit<Run, "text"> = {};
    for (const entry of formats) {
      if (entry.bold !== undefined) merged.bold = entry.bold || undefined;
      if (entry.italic !== undefined) merged.italic = entry.italic || undefined;
      if (entry.link) merged.link = entry.link;
    }
    return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as Omit<Run, "text">;
  };
  const append = (text: string) => {
    const paragraph = paragraphs.at(-1);
    if (paragraph) appendRun(paragraph.runs, text, format());
  };
  /** The outermost table's open row: where text of a cell goes (tables inside it are text of its cell). */
  const openCell = () => (tables.length > 0 && tables[0]!.row && tables[0]!.row.cells.length > 0 ? tables[0]!.row : undefined);

  walkXml(
    xml,
    {
      open(tag, attributes) {
        if (tag === "office:text") inBody = true;
        if (!inBody) return;
        if (SKIPPED.has(tag)) skipping++;
        if (skipping) return;
        switch (tag) {
          case "text:h":
          case "text:p": {
            const style = resolve(attributes["text:style-name"]);
            const level = tag === "text:h" ? Number(attributes["text:outline-level"]) || 1 : style.heading;
            const list = listItemOpen && lists.length > 0 ? { depth: lists.length - 1, ordered: numberedLevels.get(lists[0]!)?.has(lists.length) ?? false } : undefined;
            listItemOpen = false;
            paragraphs.push({ runs: [], ...(level ? { heading: level } : {}), ...(list ? { list } : {}) });
            formats.push({ ...(style.bold !== undefined ? { bold: style.bold } : {}), ...(style.italic !== undefined ? { italic: style.italic } : {}) });
            break;
          }
          case "text:span": {
            const style = resolve(attributes["text:style-name"]);
            formats.push({ ...(style.bold !== undefined ? { bold: style.bold } : {}), ...(style.italic !== undefined ? { italic: style.italic } : {}) });
            break;
          }
          case "text:a":
            formats.push(attributes["xlink:href"] ? { link: attributes["xlink:href"] } : {});
            break;
          case "text:s":
            append(" ".repeat(Math.min(100, Math.max(1, Number(attributes["text:c"]) || 1))));
            break;
          case "text:tab":
            append(" ");
            break;
          case "text:line-break":
            append("\n");
            break;
          case "text:list":
            // A nested list without a style of its own numbers as its outermost list says.
            lists.push(attributes["text:style-name"] ?? lists[0] ?? "");
            break;
          case "text:list-item":
          case "text:list-header":
            listItemOpen = true;
            break;
          case "table:table":
            tables.push({ id: tables.length === 0 ? builder.startTable() : 0, row: null, header: false });
            break;
          case "table:table-header-rows":
            if (tables.length === 1) tables[0]!.header = true;
            break;
          case "table:table-row":
            if (tables.length === 1) tables[0]!.row = { cells: [], runs: [], spans: [] };
            break;
          case "table:table-cell": {
            const row = tables.length === 1 ? tables[0]!.row : null;
            if (!row) break;
            const colSpan = Number(attributes["table:number-columns-spanned"]);
            const rowSpan = Number(attributes["table:number-rows-spanned"]);
            row.cells.push("");
            row.runs.push([]);
            row.spans.push({ ...(colSpan > 1 ? { colSpan: Math.min(colSpan, 1000) } : {}), ...(rowSpan > 1 ? { rowSpan: Math.min(rowSpan, 1000) } : {}) });
            break;
          }
        }
      },
      text(text) {
        if (!inBody || skipping) return;
        const row = openCell();
        if (row && paragraphs.length > 0) {
          row.cells[row.cells.length - 1] += text;
          appendRun(row.runs[row.runs.length - 1]!, text, format());
          return;
        }
        append(text);
      },
      close(tag) {
        if (tag === "office:text") inBody = false;
        if (!inBody) return;
        if (SKIPPED.has(tag)) {
          skipping--;
          return;
        }
        if (skipping) return;
        switch (tag) {
          case "text:h":
          case "text:p": {
            formats.pop();
            const paragraph = paragraphs.pop();
            const row = openCell();
            if (!paragraph) break;
            if (row) {
              // A cell's paragraphs are lines of its text.
              row.cells[row.cells.length - 1] += " ";
              appendRun(row.runs[row.runs.length - 1]!, " ", {});
            } else if (paragraph.heading) {
              builder.heading(paragraph.heading, paragraph.runs);
            } else if (paragraph.list) {
              builder.listItem(paragraph.runs, paragraph.list.depth, paragraph.list.ordered);
            } else {
              builder.text(paragraph.runs);
            }
            break;
          }
          case "text:span":
          case "text:a":
            formats.pop();
            break;
          case "text:list":
            lists.pop();
            break;
          case "table:table-row": {
            const table = tables.length === 1 ? tables[0]! : undefined;
            if (table?.row) {
              builder.row(table.row.cells, table.id, { header: table.header, cells: table.row.spans.map((span, i) => ({ ...span, runs: table.row!.runs[i]! })) });
              table.row = null;
            }
            break;
          }
          case "table:table-header-rows":
            if (tables.length === 1) tables[0]!.header = false;
            break;
          case "table:table":
            tables.pop();
            break;
        }
      },
    },
    { name },
  );
  return builder.finish();
}
