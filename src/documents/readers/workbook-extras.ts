/**
 * What a workbook holds beside its cells, which SheetJS does not keep: charts, the text of text boxes and shapes,
 * and the headers and footers Excel prints on every page. XLSX, XLSB and ODS files give them from their zip parts
 * (seen while the parts are counted); XLS files from the BIFF records of their Workbook stream: a chart's titles,
 * series names and the labels it caches, and the sheets' HEADER and FOOTER records.
 *
 * They come after the sheets: each chart (its title and a table of its data, or an XLS chart's texts), then the
 * text boxes, then each distinct header and footer once, its left, centre and right parts in that order. Page
 * numbers, dates, file and sheet names, fonts and picture codes of headers and footers are not read.
 */
import { findBytes } from "../../inputs/sniff";
import type { DocumentBuilder } from "../builder";
import { readChart, writeChart, type Chart } from "./chart";
import { openCompoundFile } from "./compound";
import { readMasterPages } from "./odf";
import { walkXml } from "./xml";

export interface WorkbookExtras {
  charts: Chart[];
  /** Texts of an XLS chart: its title, axis titles, series names and cached labels. */
  chartTexts: string[][];
  textBoxes: string[];
  headers: string[];
  footers: string[];
}

const decoder = new TextDecoder();
const HEADER_FOOTER_OPEN = new TextEncoder().encode("<headerFooter");
const HEADER_FOOTER_CLOSE = new TextEncoder().encode("</headerFooter>");

export const noExtras = (): WorkbookExtras => ({ charts: [], chartTexts: [], textBoxes: [], headers: [], footers: [] });

/**
 * Collects the extras of a zipped workbook from its parts as they are inflated: chart parts, drawings' shapes,
 * a worksheet's `headerFooter` (found in its bytes, so a large sheet is not decoded) and an ODS file's master pages.
 */
export function zipExtrasCollector(name: string): { collect(path: string, data: Uint8Array): void; extras: WorkbookExtras } {
  const extras = noExtras();
  return {
    extras,
    collect(path, data) {
      if (/^xl\/charts\/chart\d+\.xml$/.test(path)) {
        const chart = readChart(decoder.decode(data), name);
        if (chart) extras.charts.push(chart);
      } else if (/^xl\/drawings\/drawing\d+\.xml$/.test(path)) {
        extras.textBoxes.push(...shapeTexts(decoder.decode(data), name));
      } else if (/^xl\/worksheets\/sheet\d+\.xml$/.test(path)) {
        const start = findBytes(data, HEADER_FOOTER_OPEN);
        const end = start < 0 ? -1 : findBytes(data, HEADER_FOOTER_CLOSE, start);
        if (end > 0) readHeaderFooterXml(decoder.decode(data.subarray(start, end + HEADER_FOOTER_CLOSE.length)), name, extras);
      } else if (path === "styles.xml") {
        const { headers, footers } = readMasterPages(decoder.decode(data), name);
        extras.headers.push(...headers);
        extras.footers.push(...footers);
      }
    },
  };
}

/** The paragraphs of the shapes (`xdr:sp`) of a drawing part: text boxes and shapes with text. */
function shapeTexts(xml: string, name: string): string[] {
  const texts: string[] = [];
  let text = "";
  let inShape = 0;
  let inText = false;
  walkXml(xml, {
    open(tag) {
      if (tag === "xdr:sp") inShape++;
      else if (tag === "a:t") inText = true;
      else if (tag === "a:p") text = "";
    },
    text(chunk) {
      if (inShape > 0 && inText) text += chunk;
    },
    close(tag) {
      if (tag === "xdr:sp") inShape--;
      else if (tag === "a:t") inText = false;
      else if (tag === "a:p" && inShape > 0 && text.trim()) texts.push(text.trim());
    },
  }, { name });
  return texts;
}

function readHeaderFooterXml(xml: string, name: string, extras: WorkbookExtras): void {
  let into: string[] | undefined;
  let code = "";
  walkXml(xml, {
    open(tag) {
      into = /Header$/.test(tag) ? extras.headers : /Footer$/.test(tag) && tag !== "headerFooter" ? extras.footers : undefined;
      code = "";
    },
    text(chunk) {
      if (into) code += chunk;
    },
    close() {
      const text = into && headerFooterText(code);
      if (text) into!.push(text);
      into = undefined;
    },
  }, { name });
}

/**
 * The text of a header or footer code (`&LLeft&CCentre&RRight`, `&P` page, `&"Arial,Bold"` font, `&12` size):
 * the parts left to right, the codes that are no text left out.
 */
export function headerFooterText(code: string): string {
  const sections: string[] = [];
  let current = "";
  for (let i = 0; i < code.length; i++) {
    const char = code[i]!;
    if (char !== "&") {
      current += char;
      continue;
    }
    const next = code[++i];
    if (next === undefined) break;
    if (next === "&") current += "&";
    else if (next === "L" || next === "C" || next === "R") {
      sections.push(current.trim());
      current = "";
    } else if (next === '"') {
      const end = code.indexOf('"', i + 1);
      i = end < 0 ? code.length : end;
    } else if (/\d/.test(next)) {
      while (/\d/.test(code[i + 1] ?? "")) i++;
    }
  }
  sections.push(current.trim());
  return sections.filter(Boolean).join(" · ");
}

/** Record types of the BIFF Workbook stream that are read here. */
const BOF = 0x0809;
const EOF = 0x000a;
const HEADER = 0x0014;
const FOOTER = 0x0015;
const SERIES_TEXT = 0x100d;
const LABEL = 0x0204;
/** BOF substream types. */
const WORKSHEET = 0x0010;
const CHART = 0x0020;

/** An XLS file's charts' texts and its sheets' headers and footers, from the records of its Workbook stream. */
export async function xlsExtras(bytes: Uint8Array, name: string): Promise<WorkbookExtras> {
  const extras = noExtras();
  const file = await openCompoundFile(bytes, name, "XLS workbook");
  const stream = file.stream("/Workbook") ?? file.stream("/Book");
  if (!stream) return extras;
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const substreams: number[] = [];
  let biff8 = true;
  let chart: string[] | undefined;
  for (let at = 0; at + 4 <= stream.length; ) {
    const type = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    const data = stream.subarray(at + 4, Math.min(stream.length, at + 4 + size));
    at += 4 + size;
    if (type === BOF && data.length >= 4) {
      const kind = data[2]! | (data[3]! << 8);
      biff8 = (data[0]! | (data[1]! << 8)) === 0x0600;
      substreams.push(kind);
      if (kind === CHART) chart = [];
    } else if (type === EOF) {
      if (substreams.pop() === CHART && chart) {
        if (chart.length > 0) extras.chartTexts.push(chart);
        chart = undefined;
      }
    } else if ((type === HEADER || type === FOOTER) && substreams.at(-1) === WORKSHEET && data.length > 0) {
      const text = headerFooterText(biff8 ? unicodeString(data, 0, 2) : byteString(data, 0));
      if (text) (type === HEADER ? extras.headers : extras.footers).push(text);
    } else if (type === SERIES_TEXT && chart && data.length > 3) {
      pushText(chart, biff8 ? unicodeString(data, 2, 1) : byteString(data, 2));
    } else if (type === LABEL && chart && data.length > 8) {
      pushText(chart, biff8 ? unicodeString(data, 6, 2) : latin1(data.subarray(8, 8 + (data[6]! | (data[7]! << 8)))));
    }
  }
  return extras;
}

const pushText = (texts: string[], text: string) => void (text.trim() && !texts.includes(text.trim()) && texts.push(text.trim()));
const latin1 = (bytes: Uint8Array) => new TextDecoder("windows-1252").decode(bytes);

/** A BIFF8 string at `at`: its character count (`countBytes` long), a flags byte, then 8- or 16-bit characters. */
function unicodeString(data: Uint8Array, at: number, countBytes: 1 | 2): string {
  const count = countBytes === 1 ? data[at]! : data[at]! | (data[at + 1]! << 8);
  const flags = data[at + countBytes] ?? 0;
  const start = at + countBytes + 1;
  if (flags & 1) return new TextDecoder("utf-16le").decode(data.subarray(start, start + count * 2));
  return latin1(data.subarray(start, start + count));
}

/** A BIFF5 string at `at`: a one-byte count, then the characters in the workbook's code page (read as Windows-1252). */
function byteString(data: Uint8Array, at: number): string {
  return latin1(data.subarray(at + 1, at + 1 + data[at]!));
}

/** Writes the extras after the sheets. */
export function writeExtras(builder: DocumentBuilder, extras: WorkbookExtras): void {
  for (const chart of extras.charts) writeChart(builder, chart, true);
  for (const texts of extras.chartTexts) {
    builder.text([{ text: "Chart", bold: true }]);
    for (const text of texts) builder.listItem([{ text }], 0, false);
  }
  for (const text of new Set(extras.textBoxes)) builder.text(text);
  for (const text of new Set(extras.headers)) builder.text([{ text: "Header: ", bold: true }, { text }]);
  for (const text of new Set(extras.footers)) builder.text([{ text: "Footer: ", bold: true }, { text }]);
}
