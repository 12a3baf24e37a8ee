import { defineApi } from "../define";
import { GenerateDocumentRequestSchema, refineGenerateDocument } from "./schema";
import { BinaryResultSchema } from "../../results";

export const documentGeneration = defineApi({
  id: "document_generation",
  slug: "document-generation",
  path: "/document-generation/v1/generate",
  summary: "Generate a PDF, DOCX, EPUB or PPTX document",
  description:
    "Lays out one document (metadata, page size and margins, styles, fonts, header and footer with page numbers) of " +
    "paragraphs, headlines, images, tables with spans, 12-column grids, nested lists, a table of contents, page " +
    "breaks, separators, QR codes and barcodes, as PDF, DOCX, EPUB 3 or PPTX. Costs 2 credits.",
  request: GenerateDocumentRequestSchema,
  refine: refineGenerateDocument,
  example: {
    format: "pdf",
    document: {
      metadata: { title: "Quarterly report", author: "Acme" },
      content: [
        { type: "headline", level: "h1", text: "Quarterly report" },
        { type: "paragraph", runs: [{ text: "Revenue grew " }, { text: "12%", font_weight: "bold" }, { text: " this quarter." }] },
        { type: "table", header: { cells: [{ text: "Region" }, { text: "Revenue" }] }, rows: [{ cells: [{ text: "EU" }, { text: "1.2M" }] }] },
      ],
      footer: [{ type: "page-number", text_alignment: "center" }],
    },
  },
  response: BinaryResultSchema,
  cost: () => 2,
  load: async () => (await import("./process")).generateDocument,
});
