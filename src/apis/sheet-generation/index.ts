import { defineApi } from "../define";
import { BinaryResultSchema } from "../../results";
import { GenerateSheetRequestSchema, refineGenerateSheet } from "./schema";

export const sheetGeneration = defineApi({
  id: "sheet_generation",
  slug: "sheet-generation",
  path: "/sheet-generation/v1/generate",
  summary: "Generate a CSV, Markdown or XLSX spreadsheet",
  description:
    "Writes sheets of typed cells (text, numbers, decimals, currencies, percentages, dates, times, custom formats, " +
    "booleans, formulas) with header and body styles, per-cell styles, column widths and merges as XLSX, as an " +
    "RFC 4180 CSV (one sheet) or as Markdown tables. SUM, AVERAGE, COUNT, MIN and MAX formulas are evaluated for " +
    "CSV and Markdown and cached in the XLSX. Costs 2 credits.",
  request: GenerateSheetRequestSchema,
  refine: refineGenerateSheet,
  example: {
    format: "xlsx",
    styles: { header: { is_bold: true, background_color: "#1E293B", font_color: "#FFFFFF" } },
    sheets: [
      {
        name: "Invoices",
        columns: [{ name: "Company", width: 24 }, { name: "Date" }, { name: "Total", width: 16 }],
        rows: [
          ["Acme Corp", { value: "2026-03-18", format: "date" }, { value: 1500.5, format: "currency", currency_code: "EUR" }],
          ["Globex", { value: "2026-03-19", format: "date" }, { value: 980, format: "currency", currency_code: "EUR" }],
          [{ value: "Total", styles: { is_bold: true } }, null, { value: "=SUM(C2:C3)", format: "currency", currency_code: "EUR" }],
        ],
      },
    ],
  },
  response: BinaryResultSchema,
  cost: () => 2,
  load: async () => (await import("./process")).generateSheet,
});
