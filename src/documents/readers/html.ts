/**
 * HTML: block elements end lines, `<br>` breaks them, tables keep rows and columns, definition terms and their
 * definitions become label and value lines, checkboxes become `[x]`/`[ ]`, and script, style, head and template
 * content is skipped. A table that contains tables is layout (an e-mail's or a letterhead's grid): its cells
 * are blocks of text, and only the tables inside it are read as tables. htmlparser2 reads the markup as browsers
 * do (implied end tags, entities). Headings, list items (nested), bold/italic/code/link runs, header rows,
 * column and row spans and images are kept in the model; the line view reads them as before.
 */
import { appendRun, DocumentBuilder } from "../builder";
import type { DocumentModel, Run } from "../model";
import { walkXml } from "./ooxml";

const BLOCKS = new Set([
  "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
  "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
  "ol", "p", "pre", "section", "summary", "ul", "tbody", "thead", "tfoot",
]);
const SKIPPED = new Set(["script", "style", "head", "template", "noscript", "svg"]);

/** The document-order numbers of the tables that contain other tables. */
function layoutTables(html: string, name: string): Set<number> {
  const layout = new Set<number>();
  const open: number[] = [];
  let count = 0;
  walkXml(
    html,
    {
      open(tag) {
        if (tag !== "table") return;
        // Marking the parent is enough: every table above it has a child table on the way down (and the walk stays
        // linear however deep tables nest).
        if (open.length > 0) layout.add(open.at(-1)!);
        open.push(count++);
      },
      close(tag) {
        if (tag === "table") open.pop();
      },
    },
    { name, xmlMode: false },
  );
  return layout;
}

interface OpenTable {
  layout: boolean;
  id: number;
  row: string[] | null;
  /** Per cell of the open row: its spans, and whether it is a header cell. */
  cells: { colSpan?: number; rowSpan?: number; header: boolean }[];
  inHead: boolean;
}

const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const BOLD = new Set(["b", "strong"]);
const ITALIC = new Set(["i", "em", "cite"]);

const spanAttribute = (value: string | undefined) => {
  const number = Number(value);
  return Number.isInteger(number) && number > 1 && number <= 1000 ? number : undefined;
};

export function readHtml(html: string, name: string): DocumentModel {
  const layout = layoutTables(html, name);
  const builder = new DocumentBuilder(name);
  const tables: OpenTable[] = [];
  let tableCount = 0;
  let skipping = 0;
  let runs: Run[] = [];
  const style = { bold: 0, italic: 0, code: 0, links: [] as string[] };
  /** Open headings and list items, innermost last (what the text being read is part of), and open lists. */
  const context: string[] = [];
  const lists: string[] = [];
  const pendingImages: { alt: string; src?: string }[] = [];

  /** The data table whose cell is being read, if any. */
  const cell = () => {
    const top = tables.at(-1);
    return top && !top.layout && top.row && top.row.length > 0 ? top : undefined;
  };
  const flush = () => {
    if (cell()) return;
    const kind = context.at(-1);
    if (kind && kind in HEADINGS) {
      builder.heading(HEADINGS[kind]!, runs);
    } else if (kind === "li") {
      builder.listItem(runs, Math.max(0, lists.length - 1), lists.at(-1) === "ol");
    } else {
      builder.text(runs);
    }
    runs = [];
    for (const image of pendingImages.splice(0)) builder.image(image.alt, image.src);
  };
  const append = (text: string) => {
    const table = cell();
    if (table) {
      table.row![table.row!.length - 1] += text;
      return;
    }
    const format: Omit<Run, "text"> = {
      ...(style.bold ? { bold: true } : {}),
      ...(style.italic ? { italic: true } : {}),
      ...(style.code ? { code: true } : {}),
      ...(style.links.length ? { link: style.links.at(-1)! } : {}),
    };
    appendRun(runs, text, format);
  };
  const breakLine = () => (cell() ? append(" ") : flush());

  walkXml(
    html,
    {
      open(tag, attributes) {
        if (SKIPPED.has(tag)) {
          skipping++;
          return;
        }
        if (skipping) return;
        const top = tables.at(-1);
        if (BOLD.has(tag)) style.bold++;
        if (ITALIC.has(tag)) style.italic++;
        if (tag === "code") style.code++;
        if (tag === "a") style.links.push(attributes.href ?? "");
        if (tag === "img" && !cell()) pendingImages.push({ alt: attributes.alt ?? "", ...(attributes.src ? { src: attributes.src } : {}) });
        if (tag === "table") {
          flush();
          const isLayout = layout.has(tableCount++);
          tables.push({ layout: isLayout, id: isLayout ? 0 : builder.startTable(), row: null, cells: [], inHead: false });
        } else if ((tag === "tr" || tag === "td" || tag === "th") && top?.layout) {
          flush();
        } else if (tag === "thead" && top) {
          top.inHead = true;
        } else if (tag === "tr" && top) {
          top.row = [];
          top.cells = [];
        } else if ((tag === "td" || tag === "th") && top?.row) {
          top.row.push("");
          const colSpan = spanAttribute(attributes.colspan);
          const rowSpan = spanAttribute(attributes.rowspan);
          top.cells.push({ ...(colSpan ? { colSpan } : {}), ...(rowSpan ? { rowSpan } : {}), header: tag === "th" });
        } else if (tag === "input" && (attributes.type === "checkbox" || attributes.type === "radio")) {
          append("checked" in attributes ? " [x] " : " [ ] ");
        } else if (tag === "br" || BLOCKS.has(tag)) {
          breakLine();
        }
        if (tag in HEADINGS || tag === "li") context.push(tag);
        if (tag === "ul" || tag === "ol") lists.push(tag);
      },
      text(text) {
        if (!skipping) append(text);
      },
      close(tag) {
        if (SKIPPED.has(tag)) {
          skipping = Math.max(0, skipping - 1);
          return;
        }
        if (skipping) return;
        const top = tables.at(-1);
        if (tag === "table" && top) {
          if (top.layout) flush();
          tables.pop();
        } else if ((tag === "tr" || tag === "td" || tag === "th") && top?.layout) {
          flush();
        } else if (tag === "thead" && top) {
          top.inHead = false;
        } else if (tag === "tr" && top?.row) {
          const header = top.inHead || (top.cells.length > 0 && top.cells.every((cell) => cell.header));
          builder.row(top.row, top.id, { header, cells: top.cells.map(({ colSpan, rowSpan }) => ({ ...(colSpan ? { colSpan } : {}), ...(rowSpan ? { rowSpan } : {}) })) });
          top.row = null;
        } else if (BLOCKS.has(tag) && !cell()) {
          flush();
        }
        if (tag in HEADINGS || tag === "li") {
          const at = context.lastIndexOf(tag);
          if (at >= 0) context.splice(at, 1);
        }
        if ((tag === "ul" || tag === "ol") && lists.length > 0) lists.pop();
        if (BOLD.has(tag)) style.bold = Math.max(0, style.bold - 1);
        if (ITALIC.has(tag)) style.italic = Math.max(0, style.italic - 1);
        if (tag === "code") style.code = Math.max(0, style.code - 1);
        if (tag === "a") style.links.pop();
      },
    },
    { name, xmlMode: false },
  );
  flush();
  return builder.finish({ detectTables: true });
}
