/**
 * Plain text and delimited files (Markdown and other markup: readers/markup.ts). Text keeps fixed-width columns
 * (tabs or two or more spaces split cells, with their character spans); CSV and TSV are one table each, parsed by
 * Papa Parse (quotes, embedded separators and newlines).
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

export function readDelimited(text: string, name: string, delimiter?: string): DocumentModel {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { delimiter: delimiter ?? "", skipEmptyLines: "greedy" });
  const builder = new DocumentBuilder(name);
  const table = builder.startTable();
  parsed.data.forEach((row, index) => builder.row(row, table, { header: index === 0 }));
  return builder.finish();
}
