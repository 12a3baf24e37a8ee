/**
 * Office Open XML: DOCX and PPTX are zip archives of XML parts (XLSX is read by readers/spreadsheet.ts).
 * documents/unzip.ts inflates the parts we need, htmlparser2 (in XML mode) walks them. DOCX paragraphs become
 * paragraphs (headings by their style's name or outline level, list items numbered as numbering.xml says, bold,
 * italic and hyperlinked runs kept: docx-parts.ts reads those parts), tabs split a line into columns, and tables
 * keep their rows, header rows and column spans.
 */
import { ApiError } from "../../errors";
import { appendRun, DocumentBuilder } from "../builder";
import { readZipParts } from "../unzip";
import { Numbering, readRelationships, readStyles, styleHeadingLevel, styleNumbering } from "./docx-parts";
import { walkXml } from "./xml";
import type { DocumentModel, Run } from "../model";

const decoder = new TextDecoder();

/**
 * The wanted parts of an archive as text, within the decompression budget (documents/unzip.ts: the bytes that
 * come out are counted, whatever the archive declares).
 */
export function unzipParts(bytes: Uint8Array, name: string, wanted: (path: string) => boolean, kind = "Office document"): Record<string, string> {
  const parts: Record<string, string> = {};
  readZipParts(bytes, name, wanted, (path, data) => void (parts[path] = decoder.decode(data)), kind);
  return parts;
}


/** `Heading2`, `heading 2`, `Title` → the heading level, else undefined. */
const DOCX_PARTS = new Set(["word/document.xml", "word/styles.xml", "word/numbering.xml", "word/_rels/document.xml.rels"]);

export function readDocx(bytes: Uint8Array, name: string): DocumentModel {
  const parts = unzipParts(bytes, name, (path) => DOCX_PARTS.has(path));
  const xml = parts["word/document.xml"];
  if (xml === undefined) {
    throw new ApiError(422, `${name}: the file is not a readable DOCX document (word/document.xml is missing)`);
  }
  const styles = readStyles(parts["word/styles.xml"], name);
  const numbering = new Numbering(parts["word/numbering.xml"], name);
  const relationships = readRelationships(parts["word/_rels/document.xml.rels"], name);
  const builder = new DocumentBuilder(name);
  // Nested tables are read as text of the outer cell: only the outermost table (the last entry) keeps rows
  // and columns.
  const tables: { id: number; row: string[] | null; colSpans: (number | undefined)[]; header: boolean }[] = [];
  let paragraph: string[] = [""];
  let runs: Run[] = [];
  let inText = false;
  /** The open paragraph's style and numbering, and the open run's formatting. */
  let paragraphStyle: { styleId?: string; numId?: string; listLevel?: number } = {};
  let runFormat: { bold?: boolean; italic?: boolean; link?: string } = {};
  let inRunProperties = false;
  /** The target of the hyperlink the runs stand in: a `w:hyperlink`, or a HYPERLINK field's result. */
  let link: string | undefined;
  let fieldLink: { target?: string; showing: boolean } | undefined;
  let inInstruction = false;
  let instruction = "";
  const external = (target: string | undefined) => (target && /^(https?|mailto|ftp):/i.test(target) ? target : undefined);

  const flushParagraph = () => {
    const cells = paragraph.map((cell) => cell.trim());
    const text = runs;
    paragraph = [""];
    runs = [];
    const table = tables.at(-1);
    if (table?.row) {
      const joined = cells.filter(Boolean).join(" ");
      const last = table.row.length - 1;
      table.row[last] = table.row[last] ? `${table.row[last]}\n${joined}` : joined;
    } else if (cells.length > 1) {
      builder.row(cells);
    } else {
      writeParagraph(text);
    }
  };

  /** A paragraph outside tables: a heading by its style, a list item by its numbering (direct or its style's), or text. */
  const writeParagraph = (text: Run[]) => {
    const heading = styleHeadingLevel(styles, paragraphStyle.styleId);
    const styled = styleNumbering(styles, paragraphStyle.styleId);
    const numId = paragraphStyle.numId ?? styled?.numId;
    const level = paragraphStyle.listLevel ?? (paragraphStyle.numId === undefined ? styled?.ilvl : undefined) ?? 0;
    if (heading !== undefined) {
      builder.heading(heading, text);
      return;
    }
    if (numId === "0") {
      // Numbering switched off on this paragraph (`w:numId w:val="0"`): plain text.
      builder.text(text);
      return;
    }
    if (numId !== undefined) {
      const item = numbering.next(numId, level);
      // A list the numbering part does not define is still a list (bulleted), as before the parts were read.
      builder.listItem(text, level, item?.ordered ?? false, item?.label);
      return;
    }
    if (paragraphStyle.listLevel !== undefined) {
      builder.listItem(text, paragraphStyle.listLevel, false);
      return;
    }
    builder.text(text);
  };

  const on = (attributes: Record<string, string>) => attributes["w:val"] !== "0" && attributes["w:val"] !== "false";

  walkXml(xml, {
    open(tag, attributes) {
      if (tag === "w:t") {
        inText = true;
      } else if (tag === "w:tab") {
        paragraph.push("");
        appendRun(runs, " ", runFormat);
      } else if (tag === "w:br" || tag === "w:cr") {
        flushParagraph();
      } else if (tag === "w:p") {
        paragraphStyle = {};
      } else if (tag === "w:pStyle") {
        paragraphStyle.styleId = attributes["w:val"];
      } else if (tag === "w:ilvl") {
        paragraphStyle.listLevel = Math.min(8, Number(attributes["w:val"]) || 0);
      } else if (tag === "w:numId") {
        paragraphStyle.numId = attributes["w:val"];
      } else if (tag === "w:numPr") {
        paragraphStyle.listLevel ??= 0;
      } else if (tag === "w:hyperlink") {
        link = external(relationships.get(attributes["r:id"] ?? ""));
      } else if (tag === "w:fldChar") {
        const type = attributes["w:fldCharType"];
        if (type === "begin") [fieldLink, instruction] = [{ showing: false }, ""];
        else if (type === "separate" && fieldLink) fieldLink.showing = true;
        else if (type === "end") fieldLink = undefined;
      } else if (tag === "w:instrText") {
        inInstruction = true;
      } else if (tag === "w:r") {
        runFormat = {};
        const target = link ?? (fieldLink?.showing ? fieldLink.target : undefined);
        if (target) runFormat.link = target;
      } else if (tag === "w:rPr") {
        inRunProperties = true;
      } else if (inRunProperties && tag === "w:b") {
        if (on(attributes)) runFormat.bold = true;
      } else if (inRunProperties && tag === "w:i") {
        if (on(attributes)) runFormat.italic = true;
      } else if (tag === "w:tbl") {
        tables.unshift({ id: builder.startTable(), row: null, colSpans: [], header: false });
      } else if (tag === "w:tr" && tables.length === 1) {
        Object.assign(tables[0]!, { row: [], colSpans: [], header: false });
      } else if (tag === "w:tblHeader" && tables.length === 1) {
        tables[0]!.header = on(attributes);
      } else if (tag === "w:tc" && tables.length === 1) {
        tables[0]!.row?.push("");
        tables[0]!.colSpans.push(undefined);
      } else if (tag === "w:gridSpan" && tables.length === 1) {
        const span = Number(attributes["w:val"]);
        if (Number.isInteger(span) && span > 1) tables[0]!.colSpans[tables[0]!.colSpans.length - 1] = Math.min(span, 1000);
      }
    },
    text(text) {
      if (inText) {
        paragraph[paragraph.length - 1] += text;
        appendRun(runs, text, runFormat);
      } else if (inInstruction && fieldLink) {
        instruction += text;
        const target = /HYPERLINK\s+"([^"]+)"/.exec(instruction)?.[1];
        if (target) fieldLink.target = external(target);
      }
    },
    close(tag) {
      if (tag === "w:t") {
        inText = false;
      } else if (tag === "w:instrText") {
        inInstruction = false;
      } else if (tag === "w:hyperlink") {
        link = undefined;
      } else if (tag === "w:rPr") {
        inRunProperties = false;
      } else if (tag === "w:p") {
        flushParagraph();
      } else if (tag === "w:tr" && tables.length === 1) {
        const table = tables[0]!;
        if (table.row) {
          builder.row(
            table.row.map((cell) => cell.replace(/\n/g, " ")),
            table.id,
            { header: table.header, cells: table.colSpans.map((colSpan) => (colSpan ? { colSpan } : {})) },
          );
        }
        table.row = null;
      } else if (tag === "w:tbl") {
        tables.shift();
      }
    },
  }, { name });
  return builder.finish({ detectTables: true });
}


/**
 * PPTX: one section a slide, in slide order. A slide's title placeholder is a level-2 heading (`Slide N` when it
 * has none); the paragraphs of its body placeholders are list items (PowerPoint bullets them) nested by their
 * `lvl`, other text boxes' paragraphs are paragraphs; bold and italic runs are kept; its tables keep their rows, the
 * first one the header.
 */
export function readPptx(bytes: Uint8Array, name: string): DocumentModel {
  const parts = unzipParts(bytes, name, (path) => /^ppt\/slides\/slide\d+\.xml$/.test(path));
  const slides = Object.keys(parts).sort((a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]));
  if (slides.length === 0) throw new ApiError(422, `${name}: the file is not a readable PPTX presentation (it has no slides)`);
  const builder = new DocumentBuilder(name);
  slides.forEach((path, index) => {
    let title: Run[] | null = null;
    const body: { runs: Run[]; level: number; bulleted: boolean }[] = [];
    const tableRows: string[][] = [];
    let isTitleShape = false;
    /** A body placeholder: PowerPoint bullets its paragraphs unless told otherwise (`a:buNone`). */
    let isBodyShape = false;
    let runs: Run[] = [];
    let level = 0;
    let bulleted = false;
    let format: { bold?: boolean; italic?: boolean } = {};
    let inText = false;
    let row: string[] | null = null;
    let cellText = "";
    let inCell = false;
    walkXml(
      parts[path]!,
      {
        open(tag, attributes) {
          if (tag === "p:sp") isTitleShape = isBodyShape = false;
          else if (tag === "p:ph") {
            isTitleShape = /^(title|ctrTitle)$/.test(attributes.type ?? "");
            isBodyShape = !isTitleShape && /^(body|obj|)$/.test(attributes.type ?? "");
          }
          else if (tag === "a:p") {
            runs = [];
            level = Number(attributes.lvl ?? 0);
            bulleted = isBodyShape;
          } else if (tag === "a:buNone") bulleted = false;
          else if (tag === "a:pPr") {
            level = Number(attributes.lvl ?? 0);
          } else if (tag === "a:buChar" || tag === "a:buAutoNum") bulleted = true;
          else if (tag === "a:rPr") format = { ...(attributes.b === "1" ? { bold: true } : {}), ...(attributes.i === "1" ? { italic: true } : {}) };
          else if (tag === "a:r") format = {};
          else if (tag === "a:t") inText = true;
          else if (tag === "a:tr") row = [];
          else if (tag === "a:tc") {
            inCell = true;
            cellText = "";
          }
        },
        text(text) {
          if (!inText) return;
          if (inCell) cellText += text;
          else appendRun(runs, text, format);
        },
        close(tag) {
          if (tag === "a:t") inText = false;
          else if (tag === "a:tc") {
            inCell = false;
            row?.push(cellText.trim());
          } else if (tag === "a:tr" && row) {
            tableRows.push(row);
            row = null;
          } else if (tag === "a:p" && !inCell) {
            if (runs.some((run) => run.text.trim())) {
              if (isTitleShape) title = [...(title ?? []), ...(title ? [{ text: " " }] : []), ...runs];
              else body.push({ runs, level, bulleted: bulleted || level > 0 });
            }
            runs = [];
          }
        },
      },
      { name },
    );
    builder.heading(2, title ?? [{ text: `Slide ${index + 1}` }]);
    for (const paragraph of body) {
      if (paragraph.bulleted) builder.listItem(paragraph.runs, paragraph.level, false);
      else builder.text(paragraph.runs);
    }
    if (tableRows.length > 0) {
      const table = builder.startTable();
      tableRows.forEach((cells, i) => builder.row(cells, table, { header: i === 0 }));
    }
  });
  return builder.finish();
}
