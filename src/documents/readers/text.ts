/**
 * Plain text, Markdown and delimited files. Text keeps fixed-width columns (tabs or two or more spaces split
 * cells, with their character spans); Markdown drops its markup and reads pipe tables as tables; CSV and TSV
 * are one table each, parsed by Papa Parse (quotes, embedded separators and newlines).
 */
import Papa from "papaparse";
import { DocumentBuilder, splitColumns } from "../builder";
import type { DocumentModel } from "../model";

/** A line of text as cells split at its column gaps; an empty one marks a blank line. */
function addColumnsLine(builder: DocumentBuilder, line: string): void {
  const { cells, spans } = splitColumns(line);
  if (cells.length > 0) {
    builder.row(cells, undefined, { spans });
  } else {
    builder.blank();
  }
}

/** `-----`, `=====`, `+----+----+`: rules drawn with characters, not content. */
const RULE_LINE = /^[\s\-=_+|*~.]{3,}$/;

export function readPlainText(text: string, name: string): DocumentModel {
  const builder = new DocumentBuilder(name);
  for (const raw of text.split(/\r?\n/)) {
    if (RULE_LINE.test(raw)) continue;
    addColumnsLine(builder, raw);
  }
  return builder.finish({ detectTables: true });
}

const PIPE_ROW = /^\s*\|(.*)\|\s*$/;
const PIPE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/**
 * Markdown emphasis, links, headings, list markers and code ticks → their text. Every pattern looks a bounded
 * distance ahead for its closing mark, so a line of unclosed marks (`*a *a *a …`) costs linear time, not
 * quadratic: emphasis and link texts longer than that are left as written.
 */
function stripMarkdown(line: string): string {
  return line
    .replace(/^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+(\[[ xX]\]\s+)?|\d+[.)]\s+)/, (marker) => (/\[[xX]\]/.test(marker) ? "[x] " : /\[ \]/.test(marker) ? "[ ] " : ""))
    .replace(/!?\[([^\]]{0,1000})\]\([^)]{0,2000}\)/g, "$1")
    .replace(/(\*\*|__)(.{1,300}?)\1/g, "$2")
    .replace(/(\*|_)(\S(?:.{0,300}?\S)?)\1/g, "$2")
    .replace(/`([^`]{0,1000})`/g, "$1");
}

export function readMarkdown(text: string, name: string): DocumentModel {
  const builder = new DocumentBuilder(name);
  let table: number | undefined;
  let inFence = false;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(raw)) {
      inFence = !inFence;
      continue;
    }
    const pipe = inFence ? null : PIPE_ROW.exec(raw);
    if (pipe) {
      if (PIPE_SEPARATOR.test(raw)) {
        continue;
      }
      table ??= builder.startTable();
      builder.row(pipe[1]!.split(/(?<!\\)\|/).map((cell) => stripMarkdown(cell.trim())), table);
      continue;
    }
    table = undefined;
    if (!inFence && RULE_LINE.test(raw)) continue;
    addColumnsLine(builder, inFence ? raw : stripMarkdown(raw));
  }
  return builder.finish({ detectTables: true });
}

export function readDelimited(text: string, name: string, delimiter?: string): DocumentModel {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { delimiter: delimiter ?? "", skipEmptyLines: "greedy" });
  const builder = new DocumentBuilder(name);
  const table = builder.startTable();
  parsed.data.forEach((row, index) => builder.row(row, table, { header: index === 0 }));
  return builder.finish();
}
