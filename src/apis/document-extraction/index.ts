import { billablePages } from "../../documents/pages";
import { defineApi } from "../define";
import { EXTRACTION_SETTINGS } from "../../extraction/ai";
import { ExtractionResultSchema, refineExtractionSchema } from "../../extraction/schema";
import { ExtractDocumentRequestSchema, type ExtractDocumentRequest } from "./schema";

/** 1 credit per page of every file, counted now (so a broken PDF is a 400 that charges nothing): see documents/pages.ts. */
async function countPages(input: ExtractDocumentRequest): Promise<number> {
  let pages = 0;
  for (const [index, file] of input.files.entries()) pages += await billablePages(file, index, `files.${index}`);
  return pages;
}

export const documentExtraction = defineApi({
  id: "document_extraction",
  slug: "document-extraction",
  path: "/document-extraction/v1/extract",
  summary: "Extract typed fields from documents",
  description:
    "Reads PDF (text layer), DOCX, XLSX, PPTX, ODT, RTF, EPUB, HTML, Markdown, text, CSV/TSV, JSON, XML, YAML and EML files and answers " +
    "each schema field with a typed, normalized value, a confidence, the verbatim citations and the source file. " +
    "Costs 1 credit per page (a PDF's page count; every other file is one page).",
  request: ExtractDocumentRequestSchema,
  refine: refineExtractionSchema,
  response: ExtractionResultSchema,
  example: {
    files: [{ type: "base64", name: "invoice.txt", base64: btoa("Invoice No: A-1\nDate: 31.12.2024\nItem   Qty   Price\nPen    2     1.50\nTotal: 3.00 EUR") }],
    schema: {
      fields: [
        { name: "invoice_number", type: "TEXT", description: "Invoice number" },
        { name: "date", type: "DATE", description: "Date" },
        { name: "total", type: "CURRENCY_AMOUNT", description: "Total", min: 0 },
        { name: "currency", type: "CURRENCY_CODE", description: "Currency", default_value: "EUR" },
        { name: "items", type: "ARRAY", description: "Items", fields: [{ name: "qty", type: "INTEGER", description: "Qty" }, { name: "price", type: "DECIMAL", description: "Price" }] },
        { name: "double", type: "CALCULATED", description: "x", operation: "sum", source_field_names: ["total", "total"] },
      ],
    },
  },
  cost: countPages,
  // The readers and engines load with the first extraction, not with the Worker (start-up stays small).
  load: async () => (await import("./process")).extractDocument,
  settings: EXTRACTION_SETTINGS,
  optionalBindings: ["AI"],
});
