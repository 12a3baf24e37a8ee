import { z } from "@hono/zod-openapi";
import { decodeBase64 } from "../../base64";
import { ApiError } from "../../errors";
import { defineApi } from "../define";
import { fileName } from "./file-name";
import { detectFormat, formatFromName } from "./readers/detect";
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
 * 1 credit per page: a base64 PDF's real page count (read now, so a broken PDF is a 400 that charges
 * nothing), 1 for every other file. A URL is fetched only when the job runs, so it counts as one page.
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
      // A name that says the format spares decoding (up to 50 MB) a file that is not a PDF.
      const byName = formatFromName(name);
      if (byName !== undefined && byName !== "pdf") {
        pages += 1;
        continue;
      }
      const bytes = decodeBase64(file.base64);
      if (detectFormat(bytes, name) === "pdf") {
        const { countPdfPages } = await import("./readers/pdf");
        pages += Math.max(1, await countPdfPages(bytes, name));
      } else {
        pages += 1;
      }
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
  cost: countPages,
  // The readers and engines load with the first extraction, not with the Worker (start-up stays small).
  process: async (input, deps) => (await import("./process")).extractDocument(input, deps),
});
