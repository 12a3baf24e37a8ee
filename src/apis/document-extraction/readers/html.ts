/**
 * HTML: block elements end lines, `<br>` breaks them, tables keep rows and columns (nested tables are read as
 * cell text), definition terms and their definitions become label and value lines, and script, style, head and template content is
 * skipped. htmlparser2 reads it as browsers do (implied end tags, entities).
 */
import { LineBuilder, type ParsedDocument } from "../document";
import { walkXml } from "./ooxml";

const BLOCKS = new Set([
  "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
  "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
  "ol", "p", "pre", "section", "summary", "ul", "table", "tbody", "thead", "tfoot",
]);
const SKIPPED = new Set(["script", "style", "head", "template", "noscript", "svg"]);

export function readHtml(html: string, name: string): ParsedDocument {
  const builder = new LineBuilder();
  let skipping = 0;
  let line = "";
  let tableDepth = 0;
  let table = 0;
  let row: string[] | null = null;

  const flush = () => {
    if (tableDepth > 0 && row) {
      return;
    }
    builder.text(line);
    line = "";
  };
  const append = (text: string) => {
    if (tableDepth > 0 && row && row.length > 0) {
      row[row.length - 1] += text;
    } else {
      line += text;
    }
  };

  walkXml(
    html,
    {
      open(tag, attributes) {
        if (SKIPPED.has(tag)) {
          skipping++;
          return;
        }
        if (skipping) return;
        if (tag === "table") {
          tableDepth++;
          if (tableDepth === 1) {
            flush();
            table = builder.startTable();
          }
          return;
        }
        if (tableDepth === 1 && tag === "tr") {
          row = [];
          return;
        }
        if (tableDepth === 1 && (tag === "td" || tag === "th") && row) {
          row.push("");
          return;
        }
        if (tag === "input" && (attributes.type === "checkbox" || attributes.type === "radio")) {
          append("checked" in attributes ? " [x] " : " [ ] ");
          return;
        }
        if (tag === "br") {
          if (tableDepth > 0) append(" ");
          else flush();
          return;
        }
        if (BLOCKS.has(tag)) {
          if (tableDepth > 0) append(" ");
          else flush();
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
        if (tag === "table") {
          tableDepth = Math.max(0, tableDepth - 1);
          return;
        }
        if (tableDepth === 1 && tag === "tr" && row) {
          builder.row(row, table);
          row = null;
          return;
        }
        if (BLOCKS.has(tag) && tableDepth === 0) {
          flush();
        }
      },
    },
    false,
  );
  flush();
  return { name, pages: 1, lines: builder.groupLooseRows(), needsOcr: false };
}
