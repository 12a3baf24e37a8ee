/**
 * The XLSX writer: SpreadsheetML parts written as strings and zipped by the toolbox (documents/zip.ts). Written by hand rather than with
 * a library because none that fits a Worker writes cached formula results (write-excel-file does not; exceljs
 * does, at 1.5 MB and without a release since 2023), and the format's part Lamina needs is small: shared strings,
 * one style table, sheets with widths, a frozen header, merges, and formulas with their values.
 */
import { strToU8 } from "fflate";
import { escapeXml } from "../../documents/xml-text";
import { writeZip } from "../../documents/zip";
import type { CellContent, ReadCell } from "./cells";
import { evaluateSheet, type FormulaErrorValue } from "./formulas";
import { formulaSheetOf, layoutSheet, type SheetLayout } from "./layout";
import { sheetName, type CellStyle, type GenerateSheetRequest } from "./schema";

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const DEFAULT_FONT = { font_family: "Calibri", font_size_in_pt: 11 } as const;

/** Most C0 controls are not XML: Excel writes them as `_xHHHH_` (so a literal `_x0041_` is escaped too). */
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|_(?=x[0-9A-Fa-f]{4}_)/g;

function escapeCellText(text: string): string {
  return escapeXml(text.replace(CONTROL, (char) => `_x${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`));
}

/** `#RRGGBB(AA)` → the ARGB Excel stores. */
function argb(hex: string): string {
  const digits = hex.replace("#", "").toUpperCase();
  return digits.length === 8 ? digits.slice(6) + digits.slice(0, 6) : `FF${digits}`;
}

function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** The style table: fonts, fills, number formats and cell formats, each written once however many cells share it. */
class Styles {
  private fonts = new Map<string, number>();
  private fills = new Map<string, number>([["none", 0], ["gray125", 1]]);
  private numberFormats = new Map<string, number>([["General", 0], ["@", 49]]);
  private xfs = new Map<string, number>();
  private fontXml: string[] = [];
  private fillXml = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>'];
  private numberFormatXml: string[] = [];
  private xfXml: string[] = [];

  constructor() {
    this.cellFormat({ ...DEFAULT_FONT }, undefined, false);
  }

  private font(style: CellStyle): number {
    const parts = [style.is_bold ? "<b/>" : "", style.is_italic ? "<i/>" : "", `<sz val="${style.font_size_in_pt ?? DEFAULT_FONT.font_size_in_pt}"/>`, style.font_color ? `<color rgb="${argb(style.font_color)}"/>` : '<color theme="1"/>', `<name val="${escapeXml(style.font_family ?? DEFAULT_FONT.font_family)}"/>`, '<family val="2"/>'];
    const xml = `<font>${parts.join("")}</font>`;
    let id = this.fonts.get(xml);
    if (id === undefined) {
      id = this.fontXml.push(xml) - 1;
      this.fonts.set(xml, id);
    }
    return id;
  }

  private fill(color: string | undefined): number {
    if (!color) return 0;
    const key = argb(color);
    let id = this.fills.get(key);
    if (id === undefined) {
      id = this.fillXml.push(`<fill><patternFill patternType="solid"><fgColor rgb="${key}"/><bgColor indexed="64"/></patternFill></fill>`) - 1;
      this.fills.set(key, id);
    }
    return id;
  }

  private numberFormat(code: string | undefined): number {
    if (code === undefined) return 0;
    let id = this.numberFormats.get(code);
    if (id === undefined) {
      id = 164 + this.numberFormatXml.length;
      this.numberFormatXml.push(`<numFmt numFmtId="${id}" formatCode="${escapeXml(code)}"/>`);
      this.numberFormats.set(code, id);
    }
    return id;
  }

  /** Cell formats already found, by style object: most cells share the body style's one object. */
  private known = new WeakMap<CellStyle, Map<string, number>>();

  /** The index of the cell format for this style, number format and wrapping. */
  cellFormat(style: CellStyle, numberFormat: string | undefined, wrap: boolean): number {
    let byFormat = this.known.get(style);
    if (!byFormat) {
      byFormat = new Map();
      this.known.set(style, byFormat);
    }
    const memo = `${wrap ? 1 : 0}${numberFormat ?? ""}`;
    let id = byFormat.get(memo);
    if (id === undefined) {
      id = this.findCellFormat(style, numberFormat, wrap);
      byFormat.set(memo, id);
    }
    return id;
  }

  private findCellFormat(style: CellStyle, numberFormat: string | undefined, wrap: boolean): number {
    const numFmtId = this.numberFormat(numberFormat);
    const fontId = this.font(style);
    const fillId = this.fill(style.background_color);
    const align = style.horizontal_alignment;
    const key = `${numFmtId}.${fontId}.${fillId}.${align ?? ""}.${wrap ? 1 : 0}`;
    let id = this.xfs.get(key);
    if (id === undefined) {
      const alignment = align || wrap ? `<alignment${align ? ` horizontal="${align}"` : ""}${wrap ? ' vertical="top" wrapText="1"' : ""}/>` : "";
      const applied = `${numFmtId ? ' applyNumberFormat="1"' : ""} applyFont="1"${fillId ? ' applyFill="1"' : ""}${alignment ? ' applyAlignment="1"' : ""}`;
      id = this.xfXml.push(`<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0"${applied}>${alignment}</xf>`) - 1;
      this.xfs.set(key, id);
    }
    return id;
  }

  xml(): string {
    const list = (tag: string, items: string[]) => `<${tag} count="${items.length}">${items.join("")}</${tag}>`;
    return (
      `${XML_HEAD}<styleSheet xmlns="${MAIN}">` +
      (this.numberFormatXml.length ? list("numFmts", this.numberFormatXml) : "") +
      list("fonts", this.fontXml) +
      list("fills", this.fillXml) +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      list("cellXfs", this.xfXml) +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    );
  }
}

class SharedStrings {
  private index = new Map<string, number>();
  private items: string[] = [];
  count = 0;

  add(text: string): number {
    this.count++;
    let id = this.index.get(text);
    if (id === undefined) {
      id = this.items.push(`<si><t xml:space="preserve">${escapeCellText(text)}</t></si>`) - 1;
      this.index.set(text, id);
    }
    return id;
  }

  xml(): string {
    return `${XML_HEAD}<sst xmlns="${MAIN}" count="${this.count}" uniqueCount="${this.items.length}">${this.items.join("")}</sst>`;
  }
}

/** Characters a cell's content shows, roughly: what an automatic column width fits. */
function shownLength(content: CellContent, numberFormat: string | undefined, result: number | FormulaErrorValue | undefined): number {
  switch (content.kind) {
    case "empty":
      return 0;
    case "text":
      return content.text.split("\n").reduce((longest, line) => Math.max(longest, line.length), 0);
    case "boolean":
      return 5;
    case "date":
      return (numberFormat ?? "").replace(/\[[^\]]*\]|"|\\/g, "").length;
    case "number":
      return Math.ceil(content.written.length * 1.35) + (numberFormat?.includes('"') ? 2 : 0);
    case "formula":
      return result === undefined ? 10 : typeof result === "number" ? Math.ceil(String(result).length * 1.35) : result.error.length;
  }
}

const AUTO_WIDTH = { min: 8.43, max: 60 };

function sheetXml(layout: SheetLayout, input: GenerateSheetRequest, styles: Styles, strings: SharedStrings, first: boolean): string {
  const cols = layout.columns.length;
  const results = evaluateSheet(formulaSheetOf(layout));
  const headerStyle: CellStyle = { ...DEFAULT_FONT, is_bold: true, ...input.styles?.header };
  const bodyStyle: CellStyle = { ...DEFAULT_FONT, ...input.styles?.body };
  const widths = layout.columns.map((column) => column.name.length * 1.1);
  const merged = new Set<number>();
  for (const merge of layout.merges) merged.add(merge.r1 * cols + merge.c1);

  const cellXml = (ref: string, cell: ReadCell, style: CellStyle, result: number | FormulaErrorValue | undefined): string => {
    const { content } = cell;
    const wrap = content.kind === "text" && content.text.includes("\n");
    const s = styles.cellFormat(style, cell.numberFormat, wrap);
    const sAttr = s ? ` s="${s}"` : "";
    switch (content.kind) {
      case "empty":
        return s ? `<c r="${ref}"${sAttr}/>` : "";
      case "text":
        return `<c r="${ref}"${sAttr} t="s"><v>${strings.add(content.text)}</v></c>`;
      case "number":
        return `<c r="${ref}"${sAttr}><v>${content.number}</v></c>`;
      case "date":
        return `<c r="${ref}"${sAttr}><v>${Number(content.serial.toPrecision(15))}</v></c>`;
      case "boolean":
        return `<c r="${ref}"${sAttr} t="b"><v>${content.value ? 1 : 0}</v></c>`;
      case "formula": {
        const formula = `<f>${escapeXml(content.formula.slice(1))}</f>`;
        if (result === undefined) return `<c r="${ref}"${sAttr}>${formula}</c>`;
        if (typeof result === "number") return `<c r="${ref}"${sAttr}>${formula}<v>${result}</v></c>`;
        return `<c r="${ref}"${sAttr} t="e">${formula}<v>${result.error}</v></c>`;
      }
    }
  };

  const rowsXml: string[] = [];
  const header = layout.columns.map((column, c) => cellXml(`${columnName(c)}1`, { content: { kind: "text", text: column.name } }, headerStyle, undefined));
  rowsXml.push(`<row r="1">${header.join("")}</row>`);
  for (let r = 0; r < layout.rowCount; r++) {
    const excelRow = r + 2;
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) {
      const cell = layout.cell(r, c);
      const result = results.get((r + 1) * cols + c);
      const style = cell.style ? { ...bodyStyle, ...cell.style } : bodyStyle;
      cells.push(cellXml(`${columnName(c)}${excelRow}`, cell, style, result));
      if (!merged.has(r * cols + c)) widths[c] = Math.max(widths[c]!, shownLength(cell.content, cell.numberFormat, result) * ((style.font_size_in_pt ?? 11) / 11));
    }
    rowsXml.push(`<row r="${excelRow}">${cells.join("")}</row>`);
  }

  const colsXml = layout.columns
    .map((column, c) => {
      const width = column.width ?? Math.min(AUTO_WIDTH.max, Math.max(AUTO_WIDTH.min, Math.round((widths[c]! + 2) * 100) / 100));
      return `<col min="${c + 1}" max="${c + 1}" width="${width}" customWidth="1"/>`;
    })
    .join("");
  const last = `${columnName(cols - 1)}${layout.rowCount + 1}`;
  const merges = layout.merges.length
    ? `<mergeCells count="${layout.merges.length}">${layout.merges.map((m) => `<mergeCell ref="${columnName(m.c1)}${m.r1 + 2}:${columnName(m.c2)}${m.r2 + 2}"/>`).join("")}</mergeCells>`
    : "";
  return (
    `${XML_HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${RELS}"><dimension ref="A1:${last}"/>` +
    `<sheetViews><sheetView workbookViewId="0"${first ? ' tabSelected="1"' : ""}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${colsXml}</cols><sheetData>${rowsXml.join("")}</sheetData>${merges}</worksheet>`
  );
}

/** A fixed timestamp, so the same request gives the same bytes. */
const ZIP_TIME = new Date("2026-01-01T00:00:00Z");

export async function renderXlsx(input: GenerateSheetRequest): Promise<Uint8Array> {
  const styles = new Styles();
  const strings = new SharedStrings();
  const names = input.sheets.map(sheetName);
  const sheets = input.sheets.map((sheet, index) => strToU8(sheetXml(layoutSheet(sheet, input.styles?.body?.number_format), input, styles, strings, index === 0)));
  // [Content_Types].xml first: some readers look for it there.
  const files: Record<string, Uint8Array> = {};
  const count = input.sheets.length;
  const sheetOverrides = names.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("");
  files["[Content_Types].xml"] = strToU8(
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheetOverrides}` +
      `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
      `<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`,
  );
  files["_rels/.rels"] = strToU8(
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${RELS}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="${RELS}/extended-properties" Target="docProps/app.xml"/></Relationships>`,
  );
  files["docProps/app.xml"] = strToU8(`${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Lamina</Application></Properties>`);
  files["xl/workbook.xml"] = strToU8(
    `${XML_HEAD}<workbook xmlns="${MAIN}" xmlns:r="${RELS}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>` +
      names.map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
      // Readers that recalculate do so on open; the cached values serve those that do not.
      `</sheets><calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>`,
  );
  files["xl/_rels/workbook.xml.rels"] = strToU8(
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      names.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${RELS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("") +
      `<Relationship Id="rId${count + 1}" Type="${RELS}/styles" Target="styles.xml"/><Relationship Id="rId${count + 2}" Type="${RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  );
  for (const [index, sheet] of sheets.entries()) files[`xl/worksheets/sheet${index + 1}.xml`] = sheet;
  files["xl/styles.xml"] = strToU8(styles.xml());
  files["xl/sharedStrings.xml"] = strToU8(strings.xml());
  return writeZip(Object.entries(files).map(([name, data]) => ({ name, data })), ZIP_TIME);
}
