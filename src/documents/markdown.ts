/**
 * The markdown view of a document (document to markdown, website extraction): headings as `#`, runs as
 * `**bold**`, `*italic*`, `` `code` `` and `[links](url)`, nested lists, tables as pipe tables (the first row is
 * the header; a spanned cell leaves the columns and rows it covers empty), images as `![alt](src)`, code as
 * fenced blocks with their language, laid-out lines as text. Pages are separated by a horizontal rule.
 */
import { cleanText } from "./builder";
import { noteText, type Block, type DocumentModel, type Run, type Table } from "./model";

/** Characters that would start markup inside running text. */
const escapeInline = (text: string) => text.replace(/([\\`*_[\]<>|])/g, "\\$1");

function inline(runs: readonly Run[]): string {
  let out = "";
  for (const run of runs) {
    if (run.note) {
      out += noteText({ ...run, text: run.text.replace(/[^\p{L}\p{N}_-]/gu, "") });
      continue;
    }
    const text = run.text.replace(/\s+/g, " ");
    if (text.trim() === "") {
      out += text;
      continue;
    }
    // Markers go around the words, not around the spaces next to them ("** bold**" is not bold).
    const [, before, core, after] = /^(\s*)(.*?)(\s*)$/s.exec(text)!;
    let piece = run.code ? `\`${core!.replace(/`/g, "'")}\`` : escapeInline(core!);
    if (run.italic && !run.code) piece = `*${piece}*`;
    if (run.bold && !run.code) piece = `**${piece}**`;
    if (run.link) piece = `[${piece}](${run.link.replace(/[()\s]/g, encodeURIComponent)})`;
    out += before + piece + after;
  }
  return cleanText(out);
}

function table(block: Table): string {
  const width = block.rows.reduce((widest, row) => Math.max(widest, row.cells.reduce((sum, cell) => sum + (cell.colSpan ?? 1), 0)), 0);
  // Row spans carry down: the rows below leave the spanned columns empty.
  const carried: number[] = Array(width).fill(0);
  const grid = block.rows.map((row) => {
    const out: string[] = Array(width).fill("");
    let column = 0;
    // Columns a cell above still covers stay empty, wherever in the row they are.
    const skipCovered = () => {
      while (column < width && carried[column]! > 0) carried[column++]!--;
    };
    for (const cell of row.cells) {
      skipCovered();
      const span = cell.colSpan ?? 1;
      if (column < width) out[column] = inline(cell.runs ?? [{ text: cell.text }]);
      if ((cell.rowSpan ?? 1) > 1) carried.fill((cell.rowSpan ?? 1) - 1, column, column + span);
      column += span;
    }
    skipCovered();
    for (; column < width; column++) if (carried[column]! > 0) carried[column]!--;
    return out;
  });
  // A pipe table has exactly one header row: the first row is it (extra header rows read as body rows).
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(grid[0]!), line(Array(width).fill("---")), ...grid.slice(1).map(line)].join("\n");
}

function blocks(list: readonly Block[], indent = ""): string[] {
  const out: string[] = [];
  for (const block of list) {
    switch (block.type) {
      case "heading":
        out.push(`${"#".repeat(block.level)} ${inline(block.runs)}`);
        break;
      case "paragraph": {
        const text = block.columns ? block.columns.map((column) => escapeInline(column.text)).filter(Boolean).join("   ") : inline(block.runs);
        out.push(block.quote ? text.split("\n").map((line) => `${"> ".repeat(block.quote!)}${line}`).join("\n") : text);
        break;
      }
      case "list": {
        const items = block.items.map((item, index) => {
          // A label markdown can say (`3.`, `3)`) is the marker; any other (`a)`, `iv.`, `1.2`) leads the text.
          const numeric = item.label !== undefined && /^\d{1,9}[.)]$/.test(item.label);
          const marker = numeric ? item.label! : block.ordered && item.label === undefined ? `${index + 1}.` : "-";
          const lead = item.label !== undefined && !numeric ? `${escapeInline(item.label)} ` : "";
          const [first = "", ...rest] = blocks(item.blocks, `${indent}${" ".repeat(marker.length + 1)}`);
          return [`${indent}${marker} ${lead}${first.trimStart()}`, ...rest].join("\n");
        });
        out.push(items.join("\n"));
        break;
      }
      case "table":
        out.push(table(block));
        break;
      case "image":
        out.push(`![${escapeInline(block.alt)}](${block.src ?? ""})`);
        break;
      case "code": {
        // A fence longer than any run of backticks inside the code.
        const fence = "`".repeat(Math.max(3, ...[...block.text.matchAll(/`+/g)].map((match) => match[0].length + 1)));
        out.push(`${fence}${block.language?.replace(/[^\w+#.-]/g, "") ?? ""}\n${block.text}\n${fence}`);
        break;
      }
    }
  }
  // Inside a list item every block is indented to the item's text.
  return out.filter((text) => text.trim() !== "").map((text) => (text.startsWith(indent) ? text : indent + text));
}

export function toMarkdown(document: DocumentModel): string {
  return document.pages
    .map((page) => blocks(page.blocks).join("\n\n"))
    .filter(Boolean)
    .join("\n\n---\n\n");
}
