/**
 * Office Open XML: DOCX and PPTX are zip archives of XML parts (DOCX is read by readers/docx.ts, XLSX by
 * readers/spreadsheet.ts). documents/unzip.ts inflates the parts we need, htmlparser2 (in XML mode) walks them.
 */
import { ApiError } from "../../errors";
import { appendRun, DocumentBuilder } from "../builder";
import { readZipParts } from "../unzip";
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
