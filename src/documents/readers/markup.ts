/**
 * Lightweight markup, read line by line into the document model: Markdown (and MDX, Djot), Org, reStructuredText
 * and Typst. What the syntax marks cheaply is kept: headings with their level, bulleted and numbered list items
 * nested by their indent, fenced or literal code blocks with their language, block quotes, pipe tables, pictures,
 * and inline bold, italic, code and links. Everything else is read as the text it is. Every inline pattern looks a
 * bounded distance ahead for its closing mark, so a line of unclosed marks costs linear time.
 */
import { DocumentBuilder } from "../builder";
import type { DocumentModel, Run } from "../model";

export type Markup = "markdown" | "mdx" | "djot" | "org" | "rst" | "typst";

/** An inline pattern: the runs a match stands for. */
type InlineRule = [RegExp, (match: RegExpExecArray, inline: (text: string) => Run[]) => Run[]];

const styled = (runs: Run[], format: Omit<Run, "text">) => runs.map((run) => ({ ...run, ...format }));

const MARKDOWN_INLINE: InlineRule[] = [
  [/`([^`]{1,1000})`/ys, (m) => [{ text: m[1]!, code: true }]],
  [/!\[([^\][]{0,1000})\]\([^()[\]]{0,2000}\)/ys, (m) => [{ text: m[1]! }]],
  [/\[([^\][]{1,1000})\]\(\s*<?([^()\s<>[\]]{1,2000})>?(?:\s+"[^"]{0,300}")?\s*\)/ys, (m, inline) => styled(inline(m[1]!), { link: m[2]! })],
  [/<(https?:\/\/[^>\s]{1,2000})>/ys, (m) => [{ text: m[1]!, link: m[1]! }]],
  [/(\*\*|__)(?=\S)(.{0,300}?\S)\1/ys, (m, inline) => styled(inline(m[2]!), { bold: true })],
  // A single star closes where no second one follows (`*a **b** c*` is italic around bold).
  [/\*(?=[^\s*])(.{0,300}?[^\s*])\*(?!\*)/ys, (m, inline) => styled(inline(m[1]!), { italic: true })],
  // An underscore inside a word (snake_case) is no emphasis.
  [/(?<![\w\\])_(?=\S)(.{0,300}?\S)_(?!\w)/ys, (m, inline) => styled(inline(m[1]!), { italic: true })],
];

/** Djot: `*strong*`, `_emphasis_`, `` `code` ``, `[text](url)`. */
const DJOT_INLINE: InlineRule[] = [
  MARKDOWN_INLINE[0]!, MARKDOWN_INLINE[1]!, MARKDOWN_INLINE[2]!, MARKDOWN_INLINE[3]!,
  [/\*(?=\S)(.{0,300}?\S)\*/ys, (m, inline) => styled(inline(m[1]!), { bold: true })],
  [/_(?=\S)(.{0,300}?\S)_/ys, (m, inline) => styled(inline(m[1]!), { italic: true })],
];

/** Org: `*bold*`, `/italic/`, `=verbatim=`, `~code~`, `[[url][text]]`, `[[url]]`. */
const ORG_INLINE: InlineRule[] = [
  [/\[\[([^\][]{1,2000})\]\[([^\][]{1,1000})\]\]/ys, (m, inline) => styled(inline(m[2]!), { link: m[1]! })],
  [/\[\[([^\][]{1,2000})\]\]/ys, (m) => [{ text: m[1]!, link: m[1]! }]],
  [/[=~](?=\S)([^=~]{0,300}?\S)[=~]/ys, (m) => [{ text: m[1]!, code: true }]],
  [/\*(?=\S)(.{0,300}?\S)\*/ys, (m, inline) => styled(inline(m[1]!), { bold: true })],
  [/\/(?=\S)([^/]{0,300}?\S)\/(?!\w)/ys, (m, inline) => styled(inline(m[1]!), { italic: true })],
];

/** reStructuredText: `**strong**`, `*emphasis*`, ``` ``literal`` ```, `` `text <url>`_ ``, `:role:`text``. */
const RST_INLINE: InlineRule[] = [
  [/``([^`]{1,1000})``/ys, (m) => [{ text: m[1]!, code: true }]],
  [/`([^`<]{1,1000}?)\s*<([^>\s]{1,2000})>`__?/ys, (m, inline) => styled(inline(m[1]!), { link: m[2]! })],
  [/:[\w:-]{1,40}:`([^`]{1,1000})`/ys, (m) => [{ text: m[1]! }]],
  [/`([^`]{1,1000})`_{0,2}/ys, (m) => [{ text: m[1]! }]],
  [/\*\*(?=\S)(.{0,300}?\S)\*\*/ys, (m, inline) => styled(inline(m[1]!), { bold: true })],
  [/\*(?=\S)(.{0,300}?\S)\*/ys, (m, inline) => styled(inline(m[1]!), { italic: true })],
];

/** Typst: `*strong*`, `_emphasis_`, `` `raw` ``, `#link("url")[text]`, `#emph[..]`/`#strong[..]`, labels dropped. */
const TYPST_INLINE: InlineRule[] = [
  [/`([^`]{1,1000})`/ys, (m) => [{ text: m[1]!, code: true }]],
  [/#link\("([^"]{1,2000})"\)(?:\[([^\]]{0,1000})\])?/ys, (m, inline) => (m[2] ? styled(inline(m[2]), { link: m[1]! }) : [{ text: m[1]!, link: m[1]! }])],
  [/#strong\[([^\]]{1,1000})\]/ys, (m, inline) => styled(inline(m[1]!), { bold: true })],
  [/#emph\[([^\]]{1,1000})\]/ys, (m, inline) => styled(inline(m[1]!), { italic: true })],
  [/<[\w:.-]{1,100}>/ys, () => []],
  [/\*(?=\S)(.{0,300}?\S)\*/ys, (m, inline) => styled(inline(m[1]!), { bold: true })],
  [/_(?=\S)(.{0,300}?\S)_/ys, (m, inline) => styled(inline(m[1]!), { italic: true })],
];

const INLINE: Record<Markup, InlineRule[]> = { markdown: MARKDOWN_INLINE, mdx: MARKDOWN_INLINE, djot: DJOT_INLINE, org: ORG_INLINE, rst: RST_INLINE, typst: TYPST_INLINE };

/** The runs of a line of inline markup: at each position the first rule that matches, else one plain character. */
export function inlineRuns(text: string, markup: Markup, depth = 0): Run[] {
  const rules = INLINE[markup];
  const runs: Run[] = [];
  let plain = "";
  const inline = (inner: string) => (depth < 3 ? inlineRuns(inner, markup, depth + 1) : [{ text: inner }]);
  for (let at = 0; at < text.length; ) {
    // Rules start at a mark: a plain letter goes straight to the text.
    if (/[A-Za-z0-9\s]/.test(text[at]!)) {
      plain += text[at++];
      continue;
    }
    let matched = false;
    for (const [pattern, make] of rules) {
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (!match) continue;
      // Where the match ends, read before `make` reads the inner text with the same (sticky) patterns.
      const end = pattern.lastIndex;
      if (plain) runs.push({ text: plain });
      plain = "";
      runs.push(...make(match, inline));
      at = end;
      matched = true;
      break;
    }
    if (!matched) plain += text[at++];
  }
  if (plain) runs.push({ text: plain });
  return runs.filter((run) => run.text !== "");
}

/** Collects a paragraph's lines and writes the document's blocks as they end. */
class Writer {
  private lines: string[] = [];
  private quote = false;
  private table: number | undefined;
  /** The indents of the open list items, outermost first. */
  private indents: number[] = [];

  constructor(readonly builder: DocumentBuilder, private readonly markup: Markup) {}

  runs(text: string): Run[] {
    return inlineRuns(text, this.markup);
  }

  line(text: string, quote = false): void {
    if (this.lines.length > 0 && quote !== this.quote) this.flush();
    this.table = undefined;
    this.quote = quote;
    this.lines.push(text.trim());
  }

  /**
   * The paragraph so far as one paragraph. Its lines keep their breaks: markdown joins them as a renderer would,
   * while the line view (what extraction reads) keeps a line written per field (`Total: 306,13 €`) a line.
   */
  flush(): void {
    if (this.lines.length > 0) this.builder.text(this.runs(this.lines.join("\n")), this.quote ? 1 : 0);
    this.lines = [];
    this.quote = false;
  }

  /** The paragraph so far, if it is one line: a setext or reStructuredText heading's text. */
  takeSingleLine(): string | undefined {
    if (this.lines.length !== 1 || this.quote) return undefined;
    return this.lines.pop();
  }

  heading(level: number, text: string): void {
    this.flush();
    this.indents = [];
    this.table = undefined;
    this.builder.heading(Math.min(6, Math.max(1, level)), this.runs(text.trim()));
  }

  item(indent: number, ordered: boolean, text: string, label?: string): void {
    this.flush();
    this.table = undefined;
    // An item is nested in every open item indented less than it, whatever width their markers had.
    while (this.indents.length > 0 && this.indents.at(-1)! >= indent) this.indents.pop();
    this.builder.listItem(this.runs(text), Math.min(8, this.indents.length), ordered, label);
    this.indents.push(indent);
  }

  code(text: string, language?: string): void {
    this.flush();
    this.table = undefined;
    this.builder.code(text, language);
  }

  row(cells: string[]): void {
    this.flush();
    this.table ??= this.builder.startTable();
    this.builder.row(cells.map((cell) => this.runs(cell.trim()).map((run) => run.text).join("")), this.table);
  }

  image(alt: string, src: string): void {
    this.flush();
    this.builder.image(alt, src);
  }

  end(): void {
    this.flush();
    this.table = undefined;
  }
}

const PIPE_ROW = /^\s*\|(.*)\|\s*$/;
const PIPE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*([|+]\s*:?-{2,}:?\s*)*\|?\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*\{?\s*\.?([\w+#.-]*)/;

export function readMarkup(text: string, name: string, markup: Markup): DocumentModel {
  const builder = new DocumentBuilder(name);
  const writer = new Writer(builder, markup);
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (markup === "org") readOrgLines(lines, writer);
  else if (markup === "rst") readRstLines(lines, writer);
  else if (markup === "typst") readTypstLines(lines, writer);
  else readMarkdownLines(lines, writer, markup);
  writer.end();
  return builder.finish({ detectTables: true });
}

/** Lines up to the fence that closes `fence` (or the end): a fenced block's code, and where reading goes on. */
function fenced(lines: string[], from: number, fence: string): { code: string; next: number } {
  const body: string[] = [];
  let at = from;
  for (; at < lines.length; at++) {
    if (lines[at]!.trim().startsWith(fence[0]!.repeat(fence.length)) && lines[at]!.trim().replace(/[`~]/g, "") === "") break;
    body.push(lines[at]!);
  }
  return { code: body.join("\n"), next: at + 1 };
}

function readMarkdownLines(lines: string[], writer: Writer, markup: Markup): void {
  let at = 0;
  // YAML front matter is metadata, not text.
  if (lines[0]?.trim() === "---") {
    const end = lines.findIndex((line, index) => index > 0 && /^(---|\.\.\.)\s*$/.test(line));
    if (end > 0) at = end + 1;
  }
  for (; at < lines.length; at++) {
    const raw = lines[at]!;
    const fence = FENCE.exec(raw);
    if (fence) {
      const block = fenced(lines, at + 1, fence[2]!);
      writer.code(block.code, fence[3] || undefined);
      at = block.next - 1;
      continue;
    }
    // Djot: a block's attributes (`{#id .class}`) on a line of their own.
    if (markup === "djot" && /^\s*\{[^}]*\}\s*$/.test(raw)) continue;
    // MDX: module lines and JSX tags standing alone are code, not text.
    if (markup === "mdx" && (/^(import|export)\s/.test(raw) || /^\s*<\/?[A-Z][\w.]*[^>]*>\s*$/.test(raw))) continue;
    if (!raw.trim()) {
      writer.flush();
      continue;
    }
    const pipe = PIPE_ROW.exec(raw);
    if (pipe) {
      if (!PIPE_SEPARATOR.test(raw)) writer.row(pipe[1]!.split(/(?<!\\)\|/));
      continue;
    }
    const atx = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    if (atx) {
      writer.heading(atx[1]!.length, atx[2]!);
      continue;
    }
    const setext = /^\s{0,3}(=+|-+)\s*$/.exec(raw);
    if (setext) {
      const title = writer.takeSingleLine();
      if (title !== undefined) writer.heading(setext[1]![0] === "=" ? 1 : 2, title);
      else writer.flush();
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(raw)) {
      writer.flush();
      continue;
    }
    const item = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(raw);
    if (item) {
      const numbered = /\d/.test(item[2]!);
      writer.item(item[1]!.length, numbered, item[3]!, numbered ? item[2] : undefined);
      continue;
    }
    const quote = /^\s{0,3}>\s?(.*)$/.exec(raw);
    if (quote) {
      writer.line(quote[1]!, true);
      continue;
    }
    const picture = /^\s*!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)\s*$/.exec(raw);
    if (picture) {
      writer.image(picture[1]!, picture[2]!);
      continue;
    }
    writer.line(raw);
  }
}

function readOrgLines(lines: string[], writer: Writer): void {
  for (let at = 0; at < lines.length; at++) {
    const raw = lines[at]!;
    const block = /^\s*#\+begin_(src|example|export|verse|quote|center)\b\s*([\w+#.-]*)/i.exec(raw);
    if (block) {
      const end = lines.findIndex((line, index) => index > at && new RegExp(`^\\s*#\\+end_${block[1]}\\b`, "i").test(line));
      const body = lines.slice(at + 1, end < 0 ? lines.length : end).join("\n");
      const kind = block[1]!.toLowerCase();
      if (kind === "src" || kind === "example" || kind === "export") writer.code(body, kind === "src" ? block[2] || undefined : undefined);
      else for (const line of body.split("\n")) line.trim() ? writer.line(line, kind === "quote") : writer.flush();
      at = end < 0 ? lines.length : end;
      continue;
    }
    const title = /^\s*#\+title:\s*(.*)$/i.exec(raw);
    if (title) {
      writer.heading(1, title[1]!);
      continue;
    }
    // Other keywords, comments and property drawers are settings.
    if (/^\s*#(\+|\s|$)/.test(raw)) continue;
    if (/^\s*:[A-Z_]+:\s*$/i.test(raw)) {
      if (/^\s*:PROPERTIES:\s*$/i.test(raw)) {
        // A drawer is a few lines: one left open does not send every later one searching to the end.
        const end = lines.slice(at + 1, at + 200).findIndex((line) => /^\s*:END:\s*$/i.test(line));
        if (end >= 0) at += end + 1;
      }
      continue;
    }
    if (!raw.trim()) {
      writer.flush();
      continue;
    }
    const heading = /^(\*+)\s+(.*)$/.exec(raw);
    if (heading) {
      writer.heading(heading[1]!.length, heading[2]!.replace(/\s+:[\w@#%:]+:\s*$/, ""));
      continue;
    }
    const pipe = PIPE_ROW.exec(raw);
    if (pipe) {
      if (!PIPE_SEPARATOR.test(raw)) writer.row(pipe[1]!.split("|"));
      continue;
    }
    const item = /^(\s*)([-+]|\d{1,9}[.)])\s+(.*)$/.exec(raw) ?? /^(\s+)(\*)\s+(.*)$/.exec(raw);
    if (item) {
      const numbered = /\d/.test(item[2]!);
      writer.item(item[1]!.length, numbered, item[3]!, numbered ? item[2] : undefined);
      continue;
    }
    writer.line(raw);
  }
}

/** reStructuredText's adornment characters: a line of one of them under (and over) a title makes a heading. */
const ADORNMENT = /^([=\-~^"'`#*+:.<>_!$%&(),/;?@[\\\]{|}])\1{2,}\s*$/;

function readRstLines(lines: string[], writer: Writer): void {
  /** Heading levels in the order their adornment is first met, as reStructuredText assigns them. */
  const levels: string[] = [];
  const levelOf = (style: string) => {
    if (!levels.includes(style)) levels.push(style);
    return levels.indexOf(style) + 1;
  };
  /** An indented block after `::` or a code directive is code. */
  const literal = (from: number, language?: string) => {
    let end = from;
    while (end < lines.length && (!lines[end]!.trim() || /^\s/.test(lines[end]!))) end++;
    const body = lines.slice(from, end);
    const indent = Math.min(...body.filter((line) => line.trim()).map((line) => /^\s*/.exec(line)![0].length));
    writer.code(body.map((line) => line.slice(Number.isFinite(indent) ? indent : 0)).join("\n"), language);
    return end - 1;
  };
  for (let at = 0; at < lines.length; at++) {
    const raw = lines[at]!;
    const next = lines[at + 1];
    if (SIMPLE_TABLE_BORDER.test(raw) || GRID_TABLE_BORDER.test(raw)) {
      at = rstTable(lines, at, writer);
      continue;
    }
    // An overline, the title, its underline.
    if (ADORNMENT.test(raw) && next?.trim() && lines[at + 2] !== undefined && ADORNMENT.test(lines[at + 2]!) && lines[at + 2]![0] === raw[0]) {
      writer.heading(levelOf(`over${raw[0]}`), next.trim());
      at += 2;
      continue;
    }
    if (raw.trim() && !/^\s/.test(raw) && next !== undefined && ADORNMENT.test(next) && next.trim().length >= Math.min(raw.trim().length, 3)) {
      writer.flush();
      writer.heading(levelOf(next[0]!), raw.trim());
      at += 1;
      continue;
    }
    const directive = /^\.\.\s+([\w-]+)::\s*(.*)$/.exec(raw);
    if (directive) {
      const kind = directive[1]!.toLowerCase();
      if (kind === "code-block" || kind === "code" || kind === "sourcecode") {
        let from = at + 1;
        while (from < lines.length && /^\s+:[\w-]+:/.test(lines[from]!)) from++;
        at = literal(from, directive[2]!.trim() || undefined);
      } else if (kind === "image" || kind === "figure") {
        writer.image("", directive[2]!.trim());
      } else {
        writer.flush();
      }
      continue;
    }
    // Comments and link targets.
    if (/^\.\.(\s|$)/.test(raw)) {
      writer.flush();
      while (at + 1 < lines.length && /^\s+\S/.test(lines[at + 1]!) && !/^\.\.\s+[\w-]+::/.test(raw)) at++;
      continue;
    }
    if (!raw.trim()) {
      writer.flush();
      continue;
    }
    if (ADORNMENT.test(raw)) {
      writer.flush();
      continue;
    }
    const item = /^(\s*)([-*+•]|\d{1,9}[.)]|#\.|\(\d{1,9}\))\s+(.*)$/.exec(raw);
    if (item) {
      const numbered = !/^[-*+•]$/.test(item[2]!);
      writer.item(item[1]!.length, numbered, item[3]!, numbered && /^\d/.test(item[2]!) ? item[2] : undefined);
      continue;
    }
    if (/::\s*$/.test(raw)) {
      // "Paragraph::" ends in a colon (a lone "::" in nothing) and introduces a literal block.
      const lead = raw.replace(/\s*::\s*$/, raw.trim() === "::" ? "" : ":");
      if (lead.trim()) writer.line(lead);
      writer.flush();
      let from = at + 1;
      while (from < lines.length && !lines[from]!.trim()) from++;
      if (from < lines.length && /^\s/.test(lines[from]!)) at = literal(from);
      continue;
    }
    writer.line(raw);
  }
}

const SIMPLE_TABLE_BORDER = /^\s*=+( +=+)+\s*$/;
const GRID_TABLE_BORDER = /^\s*\+(-+\+)+\s*$/;

/** A reStructuredText simple (`=== ===`) or grid (`+---+---+`) table from line `from`; returns its last line. */
function rstTable(lines: string[], from: number, writer: Writer): number {
  writer.flush();
  if (GRID_TABLE_BORDER.test(lines[from]!)) {
    let row: string[] | undefined;
    let at = from;
    for (; at < lines.length && /^\s*[+|]/.test(lines[at]!); at++) {
      const line = lines[at]!.trim();
      if (/^\+[-=+]+\+$/.test(line)) {
        if (row) writer.row(row);
        row = undefined;
        continue;
      }
      // A cell's lines join into its text.
      const cells = line.replace(/^\||\|$/g, "").split("|").map((cell) => cell.trim());
      row = row ? row.map((cell, i) => `${cell} ${cells[i] ?? ""}`.trim()) : cells;
    }
    if (row) writer.row(row);
    writer.flush();
    return at - 1;
  }
  const border = lines[from]!;
  const columns = [...border.matchAll(/=+/g)].map((match) => match.index!);
  let at = from + 1;
  for (; at < lines.length; at++) {
    const line = lines[at]!;
    if (SIMPLE_TABLE_BORDER.test(line)) {
      // The border that closes the table is followed by a blank line or the end.
      if (!lines[at + 1]?.trim()) break;
      continue;
    }
    if (!line.trim()) continue;
    writer.row(columns.map((start, i) => line.slice(start, i + 1 < columns.length ? columns[i + 1] : undefined)));
  }
  writer.flush();
  return at;
}

/**
 * The line where a Typst call that starts on line `from` ends: where its brackets balance (strings skipped), within
 * 200 lines; a call that does not close by then is its first line only. `budget.lines` bounds the lines all calls
 * of a file may scan, so a file of unclosed calls reads in linear time.
 */
function balancedEnd(lines: string[], from: number, budget: { lines: number }): number {
  let depth = 0;
  for (let at = from; at < lines.length && at < from + 200 && budget.lines-- > 0; at++) {
    const line = lines[at]!.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\/.*$/, "");
    for (const char of line) {
      if (char === "(" || char === "[" || char === "{") depth++;
      else if (char === ")" || char === "]" || char === "}") depth--;
    }
    if (depth <= 0) return at;
  }
  return from;
}

function readTypstLines(lines: string[], writer: Writer): void {
  const budget = { lines: 100_000 };
  for (let at = 0; at < lines.length; at++) {
    const raw = lines[at]!;
    const fence = FENCE.exec(raw);
    if (fence && fence[2]![0] === "`") {
      const block = fenced(lines, at + 1, fence[2]!);
      writer.code(block.code, fence[3] || undefined);
      at = block.next - 1;
      continue;
    }
    if (/^\s*\/\//.test(raw)) continue;
    // Code: settings, imports, definitions, function calls, read to where their brackets close. A figure's
    // caption is text; the rest is not.
    const call = /^\s*#([\w.-]+)/.exec(raw);
    if (call) {
      const end = balancedEnd(lines, at, budget);
      const code = lines.slice(at, end + 1).join("\n");
      if (call[1] === "figure") {
        const caption = /caption:\s*\[([^\]]*)\]/.exec(code)?.[1];
        if (caption) writer.line(caption);
        writer.flush();
      } else if (call[1] === "show" && /\btitle:\s*\[/.test(code)) {
        // A template's title and abstract, given as its arguments.
        writer.heading(1, /\btitle:\s*\[([^\]]*)\]/.exec(code)![1]!);
        const abstract = /\babstract:\s*\[([^\]]*)\]/.exec(code)?.[1];
        if (abstract) writer.line(abstract.replace(/\s+/g, " "));
        writer.flush();
      } else if (!/^(set|show|import|include|let|pagebreak|v|h|lorem|bibliography|outline)$/.test(call[1]!)) {
        writer.flush();
      }
      at = end;
      continue;
    }
    if (!raw.trim()) {
      writer.flush();
      continue;
    }
    const heading = /^\s*(=+)\s+(.*)$/.exec(raw);
    if (heading) {
      writer.heading(heading[1]!.length, heading[2]!);
      continue;
    }
    const item = /^(\s*)([-+]|\d{1,9}\.)\s+(.*)$/.exec(raw);
    if (item) {
      const numbered = item[2] !== "-";
      writer.item(item[1]!.length, numbered, item[3]!, /\d/.test(item[2]!) ? item[2] : undefined);
      continue;
    }
    const term = /^(\s*)\/\s+([^:]+):\s*(.*)$/.exec(raw);
    if (term) {
      writer.item(term[1]!.length, false, `*${term[2]!.trim()}*: ${term[3]}`);
      continue;
    }
    writer.line(raw);
  }
}
