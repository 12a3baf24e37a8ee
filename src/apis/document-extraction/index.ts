import { z } from "@hono/zod-openapi";
import { decodeBase64 } from "../../base64";
import { ApiError } from "../../errors";
import { MAX_EMAIL_NESTING, MAX_TEXT_FILE_BYTES, TEXT_FORMATS, textFileTooLarge } from "../../budgets";
import { fileName } from "../../inputs/file-name";
import { formatFromName, isImageFormat, sniffFormat } from "../../inputs/sniff";
import { defineApi } from "../define";
import { ExtractDocumentRequestSchema, FIELD_TYPES, refineExtractDocumentRequest, type ExtractDocumentRequest } from "./schema";

const ExtractionFieldResultSchema = z
  .object({
    type: z.enum(FIELD_TYPES),
    value: z.unknown().openapi({
      description:
        "TEXT/TEXTAREA/EMAIL/IBAN/COUNTRY/CURRENCY_CODE: string; INTEGER/DECIMAL/CURRENCY_AMOUNT/CALCULATED: number; " +
        "DATE `YYYY-MM-DD`, DATETIME ISO 8601, TIME `HH:MM:SS`; ENUM: string[]; BOOLEAN; ADDRESS: " +
        "`{street, city, region, postal_code, country}`; ARRAY: objects of these results keyed by item field name.",
    }),
    confidence: z.number().min(0).max(1),
    citations: z.array(z.string()).openapi({ description: "The verbatim text the value was read from." }),
    source: z.string().openapi({ description: "The file the value came from; empty for defaults." }),
  })
  .openapi("ExtractionFieldResult");

/**
 * The pages a file is billed for: a PDF's page count, an e-mail's 1 plus the pages of the attachments that are
 * read with it (pictures only OCR could read are left out, as processing leaves them out), 1 for anything else.
 */
async function pagesOf(bytes: Uint8Array, name: string, depth: number): Promise<number> {
  const format = sniffFormat(bytes, name);
  if (format === "pdf") {
    const { countPdfPages } = await import("../../documents/readers/pdf");
    return Math.max(1, await countPdfPages(bytes, name));
  }
  if (format === "eml") {
    const { readEml } = await import("../../documents/readers/eml");
    const { attachments } = await readEml(bytes, name);
    let pages = 1;
    for (const attachment of depth < MAX_EMAIL_NESTING ? attachments : []) {
      try {
        pages += isImageFormat(sniffFormat(attachment.bytes, attachment.name)) ? 0 : await pagesOf(attachment.bytes, attachment.name, depth + 1);
      } catch (err) {
        // An attachment processing cannot read is skipped there too: it costs nothing.
        if (!(err instanceof ApiError)) throw err;
      }
    }
    return pages;
  }
  return 1;
}

/**
 * 1 credit per page, counted now (so a broken PDF is a 400 that charges nothing): see pagesOf. A URL is fetched
 * only when the job runs, so it counts as one page.
 */
async function countPages(input: ExtractDocumentRequest): Promise<number> {
  let pages = 0;
  for (const [index, file] of input.files.entries()) {
    if (file.type !== "base64") {
      pages += 1;
      continue;
    }
    const name = fileName(file, index);
    try {
      // An unsupported extension is a 400 now. Then the format from the first 2 KB (signatures, the shape of an
      // e-mail) spares decoding up to 50 MB of a file that is billed as one page anyway; what 2 KB cannot tell
      // (a zip's contents) is left to processing.
      formatFromName(name);
      let format: string | undefined;
      try {
        format = sniffFormat(decodeBase64(file.base64.slice(0, 2732)), name);
      } catch {
        format = undefined;
      }
      const size = Math.floor((file.base64.length * 3) / 4) - (file.base64.endsWith("==") ? 2 : file.base64.endsWith("=") ? 1 : 0);
      if (format !== undefined && TEXT_FORMATS.has(format) && size > MAX_TEXT_FILE_BYTES) throw textFileTooLarge(name, size);
      pages += format === "pdf" || format === "eml" ? await pagesOf(decodeBase64(file.base64), name, 0) : 1;
    } catch (err) {
      throw err instanceof ApiError ? new ApiError(400, `files.${index}: ${err.message}`) : err;
    }
  }
  return pages;
}

export const documentExtraction = defineApi({
  id: "document_extraction",
  slug: "document-extraction",
  path: "/document-extraction/v1/extract",
  summary: "Extract typed fields from documents",
  description:
    "Reads PDF (text layer), DOCX, XLSX, HTML, Markdown, text, CSV/TSV, JSON, XML, YAML and EML files and answers " +
    "each schema field with a typed, normalized value, a confidence, the verbatim citations and the source file. " +
    "Costs 1 credit per page (a PDF's page count; every other file is one page).",
  request: ExtractDocumentRequestSchema,
  refine: refineExtractDocumentRequest,
  response: z.record(z.string(), ExtractionFieldResultSchema).openapi("ExtractionResult"),
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
  settings: {
    EXTRACTION_AI_MODEL: {
      default: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
      description: "The Workers AI model asked when the deployment has an AI binding; unused without one.",
    },
  },
  optionalBindings: ["AI"],
});
