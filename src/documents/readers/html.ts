/**
 * HTML: block elements end lines, `<br>` breaks them, tables keep rows and columns, definition terms and their
 * definitions become label and value lines, checkboxes become `[x]`/`[ ]`, and script, style, head and template
 * content is skipped. A table that contains tables is layout (an e-mail's or a letterhead's grid): its cells
 * are blocks of text, and only the tables inside it are read as tables. htmlparser2 reads the markup as browsers
 * do (implied end tags, entities).
 */
import { LineBuilder, type ParsedDocument } from "../lines";
import { walkXml } from "./ooxml";

const BLOCKS = new Set([
  "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
  "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
  "ol", "p", "pre", "section", "summary", "ul", "tbody", "thead", "tfoot",
]);
const SKIPPED = new Set(["script", "style", "head", "template", "noscript", "svg"]);

/** The document-order numbers of the tables that contain other tables. */
function layoutTables(html: string): Set<number> {
  const layout = new Set<number>();
  const open: number[] = [];
  let count = 0;
  walkXml(
    html,
    {
      open(tag) {
        if (tag !== "table") return;
        for (const ancestor of open) layout.add(ancestor);
        open.push(count++);
      },
      close(tag) {
        if (tag === "table") open.pop();
      },
    },
    false,
  );
  return layout;
}

interface OpenTable {
  layout: boolean;
  id: number;
  row: string[] | null;
}

export function readHtml(html: string, name: string): ParsedDocument {
  const layout = layoutTables(html);
  const builder = new LineBuilder();
  const tables: OpenTable[] = [];
  let tableCount = 0;
  let skipping = 0;
  let line = "";

  /** The data table whose cell is being read, if any. */
  const cell = () => {
    const top = tables.at(-1);
    return top && !top.layout && top.row && top.row.length > 0 ? top : undefined;
  };
  const flush = () => {
    if (cell()) return;
    builder.text(line);
    line = "";
  };
  const append = (text: string) => {
    const table = cell();
    if (table) table.row![table.row!.length - 1] += text;
    else line += text;
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
        if (tag === "table") {
          flush();
          const isLayout = layout.has(tableCount++);
          tables.push({ layout: isLayout, id: isLayout ? 0 : builder.startTable(), row: null });
        } else if ((tag === "tr" || tag === "td" || tag === "th") && top?.layout) {
          flush();
        } else if (tag === "tr" && top) {
          top.row = [];
        } else if ((tag === "td" || tag === "th") && top?.row) {
          top.row.push("");
        } else if (tag === "input" && (attributes.type === "checkbox" || attributes.type === "radio")) {
          append("checked" in attributes ? " [x] " : " [ ] ");
        } else if (tag === "br" || BLOCKS.has(tag)) {
          breakLine();
        }
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
        } else if (tag === "tr" && top?.row) {
          builder.row(top.row, top.id);
          top.row = null;
        } else if (BLOCKS.has(tag) && !cell()) {
          flush();
        }
      },
    },
    false,
  );
  flush();
  return { name, pages: 1, lines: builder.groupLooseRows(), needsOcr: false };
}
