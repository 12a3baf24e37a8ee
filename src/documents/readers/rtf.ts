/**
 * RTF, read byte by byte (no string copy of the file: pictures make RTF files large): groups carry the
 * character format (`\b`, `\i`, `\plain`), `\par` ends a paragraph and `\line` breaks a line; headings come from
 * `\outlinelevelN` or a paragraph style the stylesheet names "heading N" or "Title"; paragraphs in a list
 * (`\ls`, `\ilvl`) are list items, numbered when their list text is a number; `HYPERLINK` fields are links;
 * `\cell`/`\row` build table rows (`\trhdr` marks header rows). Text is `\'hh` in the document's code page
 * (`\ansicpg`, or the code page of the font's `\fcharset`: a Czech or Japanese font's text is in its own), `\uN`
 * with its fallback characters skipped (`\ucN`), and plain bytes. Footnotes and endnotes are markdown footnotes
 * (`[^1]` where they stand, their text after the body), annotations too (`[^c1]`, led by their author); a text
 * box's text is read where it is anchored; headers and footers come last, each distinct text once. Destinations
 * that are not body text (font, colour and style tables, info, pictures, objects, list tables, other `\*`
 * extensions) are skipped. Groups nested deeper than the budget are a 422.
 */
import { MAX_FILE_NESTING, nestingExceeded } from "../../budgets";
import { codePageDecoder } from "../charset";
import { appendRun, DocumentBuilder } from "../builder";
import type { DocumentModel, Run } from "../model";

const SKIPPED_DESTINATIONS = new Set([
  "colortbl", "info", "pict", "object", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "themedata",
  "colorschememapping", "latentstyles", "datastore", "pntxta", "pntxtb", "filetbl", "revtbl", "userprops", "nonshppict",
  "shppict", "bkmkstart", "bkmkend", "comment", "atnid", "sp", "shprslt", "atnref", "atndate",
]);
/** `\*` destinations that are read: a field's instruction, an annotation and its author, a shape's text. */
const READ_STARRED = new Set(["fldinst", "annotation", "atnauthor", "shpinst", "shptxt"]);
const HEADERS_AND_FOOTERS = new Set(["header", "headerl", "headerr", "headerf", "footer", "footerl", "footerr", "footerf"]);

/** `\fcharsetN` → the Windows code page of a font's text. */
const CHARSET_CODE_PAGES: Record<number, number> = {
  128: 932, 129: 949, 130: 1361, 134: 936, 136: 950, 161: 1253, 162: 1254, 163: 1258, 177: 1255, 178: 1256, 186: 1257, 204: 1251, 222: 874, 238: 1250,
};

interface Group {
  bold: boolean;
  italic: boolean;
  /** Unicode fallback length (`\ucN`). */
  uc: number;
  /** Text of this group is not body text. */
  skip: boolean;
  /** Collecting into: the stylesheet entry's name, the list text, a field's instruction, an annotation's author; or the font table. */
  collect?: "style" | "listtext" | "fldinst" | "author" | "fonttbl";
  /** The code page of the group's font, where its `\fcharset` says one. */
  decoder?: TextDecoder;
  /** The note, annotation, header or text box this group is the destination of, while it is read. */
  story?: Story;
  /** Inside a field's result: its link. */
  link?: string;
  /** A `\field` group: its URL once its instruction is read. */
  field?: { url?: string };
}

/** What is read aside from the body's flow: a note's text, a header, a text box; and what it interrupted. */
interface Story {
  /** Leads the story's first paragraph: a note's label (and an annotation's author). */
  lead: Run[];
  saved: { runs: Run[]; paragraph: ParagraphState; out: DocumentBuilder };
}

interface ParagraphState {
  style: number;
  outline: number;
  list: number;
  listLevel: number;
  inTable: boolean;
}

const newParagraph = (): ParagraphState => ({ style: 0, outline: -1, list: -1, listLevel: 0, inTable: false });

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
  let paragraph = newParagraph();
  /** Where paragraphs go: the body, or the notes or headers read aside (written after the body). */
  const notes = new DocumentBuilder(name);
  const headers = new DocumentBuilder(name);
  let out = builder;
  let noteCount = 0;
  let commentCount = 0;
  let author = "";
  /** The font table: each font's code page, by font number; and the default font (`\deff`). */
  const fontCodePages = new Map<number, number>();
  let fontEntry: number | undefined;
  let defaultFont = 0;
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
    if (group.collect === "author") {
      author += text;
      return;
    }
    if (group.collect === "fonttbl") return;
    appendRun(runs, text, { ...(group.bold ? { bold: true } : {}), ...(group.italic ? { italic: true } : {}), ...(group.link ? { link: group.link } : {}) });
  };
  const flushPending = () => {
    if (pending.length === 0) return;
    const text = (group.decoder ?? codePage).decode(new Uint8Array(pending));
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
    const story = group.story;
    if (story && story.lead.length > 0 && text.some((run) => run.text.trim())) {
      out.text([...story.lead.splice(0), ...text]);
      listText = "";
      return;
    }
    const level = headingLevel();
    if (level !== undefined) out.heading(level, text);
    else if (paragraph.list >= 0) out.listItem(text, paragraph.listLevel, /^\s*\(?[0-9a-z]{1,3}[.)]/i.test(listText));
    else out.text(text);
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
    if (table.id === 0) table.id = out.startTable();
    out.row(table.cells, table.id, { header: table.header, cells: table.cellRuns.map((cellRuns) => ({ runs: cellRuns })) });
    table.cells = [];
    table.cellRuns = [];
  };
  const closeTable = () => {
    table.id = 0;
  };

  const decoderOf = (font: number) => {
    const page = fontCodePages.get(font);
    return page === undefined ? undefined : codePageDecoder(page);
  };
  /** Reads the group's text aside (a note, a header, a text box) until it closes; the body's paragraph waits. */
  const startStory = (lead: Run[], into: DocumentBuilder) => {
    flushPending();
    group.story = { lead, saved: { runs, paragraph, out } };
    runs = [];
    paragraph = newParagraph();
    out = into;
  };
  const endStory = (story: Story) => {
    flushPending();
    endParagraph();
    ({ runs, paragraph, out } = story.saved);
  };

  const control = (word: string, parameter: number | undefined) => {
    if (group.collect === "fonttbl") {
      if (word === "f") fontEntry = parameter;
      else if (word === "fcharset" && fontEntry !== undefined && parameter !== undefined && CHARSET_CODE_PAGES[parameter]) fontCodePages.set(fontEntry, CHARSET_CODE_PAGES[parameter]);
      return;
    }
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
        paragraph = newParagraph();
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
        group.decoder = decoderOf(defaultFont);
        return;
      case "f":
        group.decoder = decoderOf(parameter ?? defaultFont);
        return;
      case "deff":
        defaultFont = parameter ?? 0;
        return;
      case "fonttbl":
        group.collect = "fonttbl";
        return;
      case "footnote":
        flushPending();
        runs.push({ text: String(++noteCount), note: "reference" });
        startStory([{ text: String(noteCount), note: "definition" }], notes);
        return;
      case "atnauthor":
        group.collect = "author";
        author = "";
        return;
      case "annotation": {
        flushPending();
        const label = `c${++commentCount}`;
        runs.push({ text: label, note: "reference" });
        startStory([{ text: label, note: "definition" }, ...(author.trim() ? [{ text: `${author.trim()}: `, bold: true }] : [])], notes);
        author = "";
        return;
      }
      case "shptxt":
        startStory([], out);
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
    if (HEADERS_AND_FOOTERS.has(word)) startStory([], headers);
    else if (SKIPPED_DESTINATIONS.has(word)) group.skip = true;
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
      group = { ...group, field: undefined };
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
      // A story ends with its destination's group, read in that group's state.
      if (group.story && group.story !== stack.at(-1)?.story) endStory(group.story);
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
        if (starred && !READ_STARRED.has(word)) {
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
  builder.append(notes.finish().pages[0]!.blocks);
  const seen = new Set<string>();
  for (const block of headers.finish().pages[0]!.blocks) {
    const key = JSON.stringify(block);
    if (!seen.has(key)) builder.append([block]);
    seen.add(key);
  }
  return builder.finish();
}
