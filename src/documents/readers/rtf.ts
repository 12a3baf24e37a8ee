/**
 * RTF, read byte by byte (no string copy of the file: pictures make RTF files large): groups carry the
 * character format (`\b`, `\i`, `\plain`), `\par` ends a paragraph and `\line` breaks a line; headings come from
 * `\outlinelevelN` or a paragraph style the stylesheet names "heading N" or "Title"; paragraphs in a list
 * (`\ls`, `\ilvl`) are list items, numbered when their list text is a number; `HYPERLINK` fields are links;
 * `\cell`/`\row` build table rows (`\trhdr` marks header rows). Text is `\'hh` in the document's code page
 * (`\ansicpg`), `\uN` with its fallback characters skipped (`\ucN`), and plain bytes. Destinations that are not
 * body text (font, colour and style tables, info, pictures, objects, headers and footers, footnotes, list
 * tables, `\*` extensions) are skipped. Groups nested deeper than the budget are a 422.
 */
import { MAX_FILE_NESTING, nestingExceeded } from "../../budgets";
import { codePageDecoder } from "../charset";
import { appendRun, DocumentBuilder } from "../builder";
import type { DocumentModel, Run } from "../model";

const SKIPPED_DESTINATIONS = new Set([
  "fonttbl", "colortbl", "info", "pict", "object", "header", "headerl", "headerr", "headerf", "footer", "footerl",
  "footerr", "footerf", "footnote", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "themedata",
  "colorschememapping", "latentstyles", "datastore", "pntxta", "pntxtb", "filetbl", "revtbl", "userprops", "nonshppict",
  "shppict", "bkmkstart", "bkmkend", "comment", "annotation", "atnid", "atnauthor",
]);

interface Group {
  bold: boolean;
  italic: boolean;
  /** Unicode fallback length (`\ucN`). */
  uc: number;
  /** Text of this group is not body text. */
  skip: boolean;
  /** Collecting into: the stylesheet entry's name, the list text, a field's instruction. */
  collect?: "style" | "listtext" | "fldinst";
  /** Inside a field's result: its link. */
  link?: string;
  /** A `\field` group: its URL once its instruction is read. */
  field?: { url?: string };
}

const HEX = (byte: number) => (byte >= 48 && byte <= 57 ? byte - 48 : byte >= 97 && byte <= 102 ? byte - 87 : byte >= 65 && byte <= 70 ? byte - 55 : -1);
const isLetter = (byte: number) => (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90);
const isDigit = (byte: number) => byte >= 48 && byte <= 57;

export function readRtf(bytes: Uint8Array, name: string): DocumentModel {
  const builder = new DocumentBuilder(name);
  let codePage = new TextDecoder("windows-1252");
  const stack: Group[] = [];
  let group: Group = { bold: false, italic: false, uc: 1, skip: false };
  /** Style number → heading level, from the stylesheet. */
  const headingStyles = new Map<number, number>();
  let styleEntry: { number: number; name: string } | undefined;
  let runs: Run[] = [];
  let paragraph = { style: 0, outline: -1, list: -1, listLevel: 0, inTable: false };
  let listText = "";
  let fieldInstruction = "";
  /** Unicode fallback characters still to skip. */
  let skipChars = 0;
  const table = { id: 0, cells: [] as string[], cellRuns: [] as Run[][], header: false };
  /** Pending single bytes of the code page, decoded together (multi-byte code pages). */
  let pending: number[] = [];

  const emit = (text: string) => {
    if (group.skip) return;
    if (group.collect === "style") {
      if (styleEntry) styleEntry.name += text;
      return;
    }
    if (group.collect === "listtext") {
      listText += text;
      return;
    }
    if (group.collect === "fldinst") {
      fieldInstruction += text;
      return;
    }
    appendRun(runs, text, { ...(group.bold ? { bold: true } : {}), ...(group.italic ? { italic: true } : {}), ...(group.link ? { link: group.link } : {}) });
  };
  const flushPending = () => {
    if (pending.length === 0) return;
    const text = codePage.decode(new Uint8Array(pending));
    pending = [];
    emit(text);
  };
  const headingLevel = () => (paragraph.outline >= 0 ? paragraph.outline + 1 : headingStyles.get(paragraph.style));
  const endParagraph = () => {
    flushPending();
    const text = runs;
    runs = [];
    if (paragraph.inTable) {
      // A paragraph inside a cell is a line of the cell.
      for (const run of text) pendingCell.push(run);
      pendingCell.push({ text: " " });
      return;
    }
    closeTable();
    const level = headingLevel();
    if (level !== undefined) builder.heading(level, text);
    else if (paragraph.list >= 0) builder.listItem(text, paragraph.listLevel, /^\s*\(?[0-9a-z]{1,3}[.)]/i.test(listText));
    else builder.text(text);
    listText = "";
  };
  /** Runs of the open cell. */
  let pendingCell: Run[] = [];
  const endCell = () => {
    flushPending();
    for (const run of runs) pendingCell.push(run);
    runs = [];
    table.cellRuns.push(pendingCell);
    table.cells.push(pendingCell.map((run) => run.text).join(""));
    pendingCell = [];
  };
  const endRow = () => {
    if (table.id === 0) table.id = builder.startTable();
    builder.row(table.cells, table.id, { header: table.header, cells: table.cellRuns.map((cellRuns) => ({ runs: cellRuns })) });
    table.cells = [];
    table.cellRuns = [];
  };
  const closeTable = () => {
    table.id = 0;
  };

  const control = (word: string, parameter: number | undefined) => {
    // A skipped destination's words change nothing; a list text's own formatting (`\pard\plain` in it) is its own.
    if (group.skip || (group.collect === "listtext" && word !== "u")) return;
    switch (word) {
      case "par":
        endParagraph();
        return;
      case "line":
        flushPending();
        emit("\n");
        return;
      case "tab":
        flushPending();
        emit(" ");
        return;
      case "cell":
        endCell();
        return;
      case "row":
        flushPending();
        endRow();
        return;
      case "trowd":
        table.header = false;
        return;
      case "trhdr":
        table.header = true;
        return;
      case "intbl":
        paragraph.inTable = true;
        return;
      case "pard":
        paragraph = { style: 0, outline: -1, list: -1, listLevel: 0, inTable: false };
        return;
      case "s":
        if (group.collect === "style" && styleEntry === undefined) styleEntry = { number: parameter ?? 0, name: "" };
        else paragraph.style = parameter ?? 0;
        return;
      case "outlinelevel":
        paragraph.outline = Math.min(5, parameter ?? 0);
        return;
      case "ls":
        paragraph.list = parameter ?? 0;
        return;
      case "ilvl":
        paragraph.listLevel = Math.min(8, parameter ?? 0);
        return;
      case "b":
        flushPending();
        group.bold = parameter !== 0;
        return;
      case "i":
        flushPending();
        group.italic = parameter !== 0;
        return;
      case "plain":
        flushPending();
        group.bold = false;
        group.italic = false;
        return;
      case "uc":
        group.uc = Math.max(0, parameter ?? 1);
        return;
      case "u": {
        flushPending();
        const code = (parameter ?? 0) < 0 ? (parameter ?? 0) + 65536 : (parameter ?? 0);
        emit(String.fromCharCode(code));
        skipChars = group.uc;
        return;
      }
      case "ansicpg":
        // A code page the runtime does not know keeps windows-1252, the best guess.
        codePage = codePageDecoder(parameter ?? 1252) ?? codePage;
        return;
      case "emdash":
        emit("—");
        return;
      case "endash":
        emit("–");
        return;
      case "bullet":
        emit("•");
        return;
      case "lquote":
        emit("‘");
        return;
      case "rquote":
        emit("’");
        return;
      case "ldblquote":
        emit("“");
        return;
      case "rdblquote":
        emit("”");
        return;
      case "stylesheet":
        group.collect = "style";
        return;
      case "listtext":
      case "pntext":
        group.collect = "listtext";
        return;
      case "field":
        group.field = {};
        return;
      case "fldinst":
        group.collect = "fldinst";
        group.skip = false;
        fieldInstruction = "";
        return;
      case "fldrslt": {
        const field = [...stack, group].findLast((entry) => entry.field)?.field;
        if (field?.url) group.link = field.url;
        return;
      }
    }
    if (SKIPPED_DESTINATIONS.has(word)) group.skip = true;
  };

  let at = 0;
  /** The next group opened after `\*` is an extension: skipped unless we know it (fldinst). */
  let starred = false;
  while (at < bytes.length) {
    const byte = bytes[at]!;
    if (byte === 0x7b) {
      flushPending();
      if (stack.length >= MAX_FILE_NESTING) throw nestingExceeded(name);
      stack.push(group);
      group = { ...group, collect: group.collect === "style" ? "style" : group.collect, field: undefined };
      if (stack.at(-1)!.collect === "style") styleEntry = undefined;
      at++;
      continue;
    }
    if (byte === 0x7d) {
      flushPending();
      if (group.collect === "style" && styleEntry && stack.at(-1)?.collect === "style") {
        const level = /heading\s*(\d)/i.exec(styleEntry.name)?.[1];
        if (level) headingStyles.set(styleEntry.number, Number(level));
        else if (/^\s*title\s*;?\s*$/i.test(styleEntry.name)) headingStyles.set(styleEntry.number, 1);
        styleEntry = undefined;
      }
      if (group.collect === "fldinst") {
        const url = /HYPERLINK\s+"([^"]+)"/i.exec(fieldInstruction)?.[1];
        const field = stack.findLast((entry) => entry.field)?.field;
        if (url && field) field.url = url;
      }
      group = stack.pop() ?? group;
      at++;
      continue;
    }
    if (byte === 0x5c) {
      const next = bytes[at + 1] ?? 0;
      if (isLetter(next)) {
        let end = at + 1;
        while (end < bytes.length && isLetter(bytes[end]!)) end++;
        // RTF bounds a control word at 32 letters; only those are decoded, however long the run of letters is.
        const word = String.fromCharCode(...bytes.subarray(at + 1, Math.min(end, at + 33)));
        let parameter: number | undefined;
        let numberEnd = end;
        if (bytes[numberEnd] === 0x2d || isDigit(bytes[numberEnd] ?? 0)) {
          numberEnd++;
          while (numberEnd < bytes.length && isDigit(bytes[numberEnd]!) && numberEnd - end < 11) numberEnd++;
          parameter = Number(String.fromCharCode(...bytes.subarray(end, numberEnd)));
          if (!Number.isFinite(parameter)) parameter = undefined;
        }
        at = bytes[numberEnd] === 0x20 ? numberEnd + 1 : numberEnd;
        if (word === "bin") {
          at += Math.max(0, parameter ?? 0);
          continue;
        }
        if (starred && word !== "fldinst") {
          group.skip = true;
        }
        starred = false;
        if (skipChars > 0 && word !== "u") {
          skipChars--;
          continue;
        }
        if (word !== "par" && word !== "line" && word !== "tab" && word !== "u") flushPending();
        control(word, parameter);
        continue;
      }
      if (next === 0x27) {
        const value = HEX(bytes[at + 2] ?? 0) * 16 + HEX(bytes[at + 3] ?? 0);
        at += 4;
        if (skipChars > 0) {
          skipChars--;
          continue;
        }
        if (value >= 0) pending.push(value);
        continue;
      }
      at += 2;
      if (next === 0x2a) {
        starred = true;
        continue;
      }
      if (skipChars > 0) {
        skipChars--;
        continue;
      }
      flushPending();
      if (next === 0x7e) emit("\u00a0");
      else if (next === 0x5f) emit("-");
      else if (next === 0x5c || next === 0x7b || next === 0x7d) emit(String.fromCharCode(next));
      else if (next === 0x0a || next === 0x0d) endParagraph();
      continue;
    }
    at++;
    if (byte === 0x0a || byte === 0x0d) continue;
    if (skipChars > 0) {
      skipChars--;
      continue;
    }
    if (byte < 0x80) {
      flushPending();
      emit(String.fromCharCode(byte));
    } else {
      pending.push(byte);
    }
  }
  endParagraph();
  return builder.finish();
}
