/**
 * LaTeX and BibTeX, read as the text they typeset. LaTeX: the title, `\part`/`\chapter`/`\section`… as headings,
 * `itemize`/`enumerate`/`description` as lists, `verbatim`/`lstlisting`/`minted` as code, display math as `latex`
 * code, `tabular` as a table; `\textbf`, `\emph`, `\texttt`, `\href` and `\url` as bold, italic, code and links;
 * other commands give their last argument's text, or nothing. The preamble is settings, except the title and
 * author. BibTeX: an entry a section, headed by its key, with a table of its fields.
 */
import { DocumentBuilder } from "../builder";
import type { DocumentModel, Run } from "../model";

const SECTIONS: Record<string, number> = { part: 1, chapter: 1, section: 2, subsection: 3, subsubsection: 4, paragraph: 5, subparagraph: 6 };
const LISTS = new Set(["itemize", "enumerate", "description"]);
const VERBATIM = new Set(["verbatim", "verbatim*", "lstlisting", "minted", "Verbatim", "alltt", "comment", "Highlighting"]);
const MATH = new Set(["equation", "equation*", "align", "align*", "gather", "gather*", "multline", "multline*", "eqnarray", "eqnarray*", "displaymath", "math"]);
/** Commands whose arguments are not text. */
const SILENT = new Set(["label", "ref", "pageref", "eqref", "cite", "citep", "citet", "usepackage", "documentclass", "bibliographystyle", "bibliography", "includegraphics", "input", "include", "newcommand", "renewcommand", "setlength", "vspace", "hspace", "newpage", "clearpage", "maketitle", "tableofcontents", "centering", "noindent", "small", "large", "Large", "footnotesize", "hline", "cline", "toprule", "midrule", "bottomrule", "item", "caption", "index", "title", "author", "date", "thanks", "tightlist", "def"]);
const ESCAPES: Record<string, string> = { "&": "&", "%": "%", $: "$", "#": "#", _: "_", "{": "{", "}": "}", " ": " ", ",": " ", ";": " ", "\\": "\n", "-": "" };
const SYMBOLS: Record<string, string> = { ldots: "…", dots: "…", textendash: "–", textemdash: "—", LaTeX: "LaTeX", TeX: "TeX", today: "", quad: " ", qquad: " ", ss: "ß", copyright: "©", textregistered: "®", textbackslash: "\\" };

/** The text of a `{…}` group starting at `at` (nested groups kept), and the index after it. */
function group(text: string, at: number): { body: string; end: number } | undefined {
  if (text[at] !== "{") return undefined;
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    if (text[i] === "\\") {
      i++;
      continue;
    }
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return { body: text.slice(at + 1, i), end: i + 1 };
  }
  return { body: text.slice(at + 1), end: text.length };
}

/** Inline LaTeX as runs: formatting commands kept, others reduced to their text. */
export function latexRuns(text: string, depth = 0): Run[] {
  const runs: Run[] = [];
  let plain = "";
  const push = (extra: Run[]) => {
    if (plain) runs.push({ text: plain });
    plain = "";
    runs.push(...extra);
  };
  const inner = (body: string) => (depth < 8 ? latexRuns(body, depth + 1) : [{ text: body }]);
  for (let at = 0; at < text.length; ) {
    const char = text[at]!;
    if (char === "~") {
      plain += " ";
      at++;
    } else if (char === "{" || char === "}") {
      at++;
    } else if (char === "`" && text[at + 1] === "`") {
      plain += "“";
      at += 2;
    } else if (char === "'" && text[at + 1] === "'") {
      plain += "”";
      at += 2;
    } else if (char !== "\\") {
      plain += char;
      at++;
    } else {
      const command = /^\\([A-Za-z]+\*?|.)/.exec(text.slice(at, at + 40));
      if (!command) {
        at++;
        continue;
      }
      const name = command[1]!;
      at += command[0].length;
      // `\def\name{…}` and `\verb|…|` take what follows them their own way.
      if (name === "def") {
        const body = text.indexOf("{", at);
        at = body < 0 ? text.length : (group(text, body)?.end ?? text.length);
        continue;
      }
      if (name === "verb" && at < text.length) {
        const close = text.indexOf(text[at]!, at + 1);
        push([{ text: text.slice(at + 1, close < 0 ? text.length : close), code: true }]);
        at = close < 0 ? text.length : close + 1;
        continue;
      }
      if (name.length === 1 && !/[A-Za-z]/.test(name)) {
        plain += ESCAPES[name] ?? name;
        continue;
      }
      // Optional arguments, then the arguments in braces.
      while (text[at] === " " && text[at + 1] === "[") at++;
      if (text[at] === "[") {
        const close = text.indexOf("]", at);
        at = close < 0 ? text.length : close + 1;
      }
      const args: string[] = [];
      for (let next = group(text, at); next && args.length < 3; next = group(text, at)) {
        args.push(next.body);
        at = next.end;
      }
      if (name === "textbf" || name === "bf" || name === "mathbf") push(inner(args[0] ?? "").map((run) => ({ ...run, bold: true })));
      else if (name === "emph" || name === "textit" || name === "it" || name === "textsl") push(inner(args[0] ?? "").map((run) => ({ ...run, italic: true })));
      else if (name === "texttt") push([{ text: latexRuns(args[0] ?? "", depth + 1).map((run) => run.text).join(""), code: true }]);
      else if (name === "href") push(inner(args[1] ?? args[0] ?? "").map((run) => ({ ...run, link: args[0] ?? "" })));
      else if (name === "url") push([{ text: args[0] ?? "", link: args[0] ?? "" }]);
      else if (name === "footnote") push([{ text: " (" }, ...inner(args[0] ?? ""), { text: ")" }]);
      else if (SYMBOLS[name] !== undefined) plain += SYMBOLS[name];
      else if (!SILENT.has(name) && args.length > 0) push(inner(args.at(-1)!));
    }
  }
  if (plain) runs.push({ text: plain });
  return runs.filter((run) => run.text !== "");
}

/** The text with `%` comments taken out (an escaped `\%` stays). */
const uncommented = (text: string) => text.replace(/(^|[^\\])%.*$/gm, "$1");

export function readLatex(text: string, name: string): DocumentModel {
  const builder = new DocumentBuilder(name);
  const source = uncommented(text.replace(/^\uFEFF/, ""));
  const begin = source.indexOf("\\begin{document}");
  const preamble = begin < 0 ? "" : source.slice(0, begin);
  const body = begin < 0 ? source : source.slice(begin + "\\begin{document}".length).replace(/\\end\{document\}[\s\S]*$/, "");
  const metaOf = (command: string, from: string) => {
    const at = from.search(new RegExp(`\\\\${command}\\s*(\\[[^\\]]*\\])?\\s*\\{`));
    return at < 0 ? undefined : group(from, from.indexOf("{", at))?.body;
  };
  const title = metaOf("title", preamble) ?? metaOf("title", body);
  const author = metaOf("author", preamble) ?? metaOf("author", body);
  if (title) builder.heading(1, latexRuns(title));
  if (author) builder.text(latexRuns(author.replace(/\\and\b/g, ", ")));
  new LatexBody(builder).read(body);
  return builder.finish();
}

/** The document body, environment by environment and paragraph by paragraph. */
class LatexBody {
  private paragraph = "";
  /** Open lists: whether each is numbered, and whether its first item has come. */
  private readonly lists: { numbered: boolean; started: boolean }[] = [];
  private table: { id: number; cells: string } | undefined;

  constructor(private readonly builder: DocumentBuilder) {}

  read(body: string): void {
    const token = /\\begin\{([^}]+)\}|\\end\{([^}]+)\}|\\(part|chapter|section|subsection|subsubsection|paragraph|subparagraph)\*?\s*(?:\[[^\]]*\])?\s*\{|\\item\b\s*(?:\[([^\]]*)\])?|\\\[|\n\s*\n/g;
    let at = 0;
    for (let match = token.exec(body); match; match = token.exec(body)) {
      this.add(body.slice(at, match.index));
      at = token.lastIndex;
      if (match[1] !== undefined) at = this.begin(match[1], body, at, token);
      else if (match[2] !== undefined) this.end(match[2]);
      else if (match[3] !== undefined) {
        const heading = group(body, token.lastIndex - 1);
        this.flush();
        this.builder.heading(SECTIONS[match[3]]!, latexRuns(heading?.body ?? ""));
        at = token.lastIndex = heading?.end ?? at;
      } else if (match[0].startsWith("\\item")) {
        this.flush();
        const list = this.lists.at(-1);
        if (list) list.started = true;
        this.paragraph = match[4] ? `\\textbf{${match[4]}} ` : "";
      } else if (match[0] === "\\[") {
        const close = body.indexOf("\\]", at);
        this.flush();
        this.builder.code(body.slice(at, close < 0 ? body.length : close).trim(), "latex");
        at = token.lastIndex = close < 0 ? body.length : close + 2;
      } else {
        this.flush();
      }
    }
    this.add(body.slice(at));
    this.flush();
  }

  private add(text: string): void {
    if (this.table) this.table.cells += text;
    else this.paragraph += text;
  }

  /** An environment opens: verbatim and math are taken whole; lists and tables change how text is written. */
  private begin(environment: string, body: string, at: number, token: RegExp): number {
    if (VERBATIM.has(environment) || MATH.has(environment)) {
      const close = body.indexOf(`\\end{${environment}}`, at);
      const end = close < 0 ? body.length : close;
      let code = body.slice(at, end);
      let language: string | undefined = MATH.has(environment) ? "latex" : undefined;
      if (environment === "minted") {
        const lang = group(code.trimStart(), 0);
        if (lang) [language, code] = [lang.body, code.trimStart().slice(lang.end)];
      } else if (environment === "Highlighting") {
        // Pandoc's highlighted code: each token a command whose argument is the token's text.
        code = latexRuns(code.replace(/^\s*\[[^\]]*\]/, "")).map((run) => run.text).join("");
      } else if (environment === "lstlisting") {
        language = /language\s*=\s*\{?([\w+#-]+)/i.exec(/^\s*\[([^\]]*)\]/.exec(code)?.[1] ?? "")?.[1];
        code = code.replace(/^\s*\[[^\]]*\]/, "");
      }
      this.flush();
      if (environment !== "comment") this.builder.code(code.replace(/^\n/, ""), language);
      token.lastIndex = close < 0 ? body.length : close + `\\end{${environment}}`.length;
      return token.lastIndex;
    }
    if (LISTS.has(environment)) {
      this.flush();
      this.lists.push({ numbered: environment === "enumerate", started: false });
    } else if (/^(tabular|tabularx|longtable|array)\*?$/.test(environment)) {
      this.flush();
      // The position and column specification (and tabularx's width) are no text.
      let next = at + (/^\s*\[[^\]]*\]/.exec(body.slice(at, at + 200))?.[0].length ?? 0);
      for (let count = environment.startsWith("tabularx") ? 2 : 1; count > 0; count--) {
        const spec = group(body, next + (/^\s*/.exec(body.slice(next, next + 100))?.[0].length ?? 0));
        if (!spec) break;
        next = spec.end;
      }
      this.table = { id: this.builder.startTable(), cells: "" };
      token.lastIndex = next;
      return next;
    } else if (environment === "abstract") {
      this.flush();
      this.builder.heading(2, [{ text: "Abstract" }]);
    }
    return at;
  }

  private end(environment: string): void {
    if (LISTS.has(environment)) {
      this.flush();
      this.lists.pop();
    } else if (/^(tabular|tabularx|longtable|array)\*?$/.test(environment) && this.table) {
      for (const row of this.table.cells.split(/\\\\/)) {
        const cells = row.replace(/\\(hline|toprule|midrule|bottomrule)\b|\\cline\{[^}]*\}/g, "").split(/(?<!\\)&/);
        this.builder.row(cells.map((cell) => latexRuns(cell).map((run) => run.text).join("").trim()), this.table.id);
      }
      this.table = undefined;
    } else {
      this.flush();
    }
  }

  private flush(): void {
    const runs = latexRuns(this.paragraph.replace(/\s+/g, " "));
    this.paragraph = "";
    const list = this.lists.at(-1);
    // Inside a list, text before its first \item sets the list up (pandoc's \def\labelenumi).
    if (list?.started) this.builder.listItem(runs, this.lists.length - 1, list.numbered);
    else if (!list) this.builder.text(runs);
  }
}

/** BibTeX: each entry a section, headed by its citation key, with a table of its fields (`@string`, `@comment` and `@preamble` are not entries). */
export function readBibtex(text: string, name: string): DocumentModel {
  const builder = new DocumentBuilder(name);
  const source = text.replace(/^\uFEFF/, "");
  const entry = /@(\w+)\s*[{(]/g;
  for (let match = entry.exec(source); match; match = entry.exec(source)) {
    const type = match[1]!.toLowerCase();
    const open = entry.lastIndex - 1;
    const whole = group(source.slice(open).replace(/^\(/, "{"), 0);
    if (!whole) break;
    entry.lastIndex = open + whole.end;
    if (type === "string" || type === "comment" || type === "preamble") continue;
    const comma = whole.body.indexOf(",");
    const key = (comma < 0 ? whole.body : whole.body.slice(0, comma)).trim();
    builder.heading(2, [{ text: key || type }]);
    const table = builder.startTable();
    builder.row(["Field", "Value"], table, { header: true });
    builder.row(["type", type], table);
    for (const [field, value] of bibFields(comma < 0 ? "" : whole.body.slice(comma + 1))) {
      builder.row([field, latexRuns(value).map((run) => run.text).join("").replace(/\s+/g, " ").trim()], table);
    }
  }
  return builder.finish();
}

/** `field = {value}`, `field = "value"` and `field = 1999` pairs of an entry. */
function bibFields(body: string): [string, string][] {
  const fields: [string, string][] = [];
  const field = /\s*([\w-]+)\s*=\s*/g;
  for (let match = field.exec(body); match; match = field.exec(body)) {
    let at = field.lastIndex;
    let value = "";
    if (body[at] === "{") {
      const braced = group(body, at)!;
      value = braced.body;
      at = braced.end;
    } else if (body[at] === '"') {
      const close = body.indexOf('"', at + 1);
      value = body.slice(at + 1, close < 0 ? body.length : close);
      at = close < 0 ? body.length : close + 1;
    } else {
      const bare = /^[^,}]*/.exec(body.slice(at))![0];
      value = bare.trim();
      at += bare.length;
    }
    fields.push([match[1]!.toLowerCase(), value]);
    const comma = body.indexOf(",", at);
    if (comma < 0) break;
    field.lastIndex = comma + 1;
  }
  return fields;
}
