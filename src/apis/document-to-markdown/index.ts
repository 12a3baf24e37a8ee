import { billablePages } from "../../documents/pages";
import { WebsiteMetadataSchema } from "../../documents/website-metadata";
import { defineApi } from "../define";
import { ConvertDocumentRequestSchema, MarkdownResultSchema } from "./schema";

export const documentToMarkdown = defineApi({
  id: "document_to_markdown",
  slug: "document-to-markdown",
  path: "/document-to-markdown/v1/convert",
  summary: "Convert a document to markdown",
  description:
    "Reads one PDF, DOCX, XLSX, PPTX, ODT, RTF, EPUB, HTML, Markdown, text, CSV/TSV, JSON, XML, YAML or EML file and answers it as " +
    "markdown that keeps its structure: headings, bold and italic, links, nested lists, tables as pipe tables, an " +
    "e-mail's headers and its attachments. Costs 1 credit per page (a PDF's pages, an e-mail's and its " +
    "attachments'; any other file, and a URL, 1).",
  request: ConvertDocumentRequestSchema,
  example: { file: { type: "base64", name: "notes.html", base64: btoa("<h1>Release notes</h1><p>Now <b>faster</b>.</p><ul><li>One</li><li>Two</li></ul>") } },
  response: MarkdownResultSchema,
  // Only for a web page (a URL without a name, or one answering HTML).
  metadata: WebsiteMetadataSchema,
  cost: (input) => billablePages(input.file, 0, "file"),
  load: async () => (await import("./process")).convertDocument,
  optionalBindings: ["AI"],
});
