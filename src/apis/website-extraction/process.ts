/**
 * One website extraction: fetch the page (robots.txt first, each redirect hop checked), read its main content
 * and metadata, and run the shared extraction over the content plus the metadata's values as label/value rows,
 * both answered as the page's `source`.
 */
import { toLineDocument, type ParsedDocument } from "../../documents/lines";
import { toMarkdown } from "../../documents/markdown";
import { metadataRows } from "../../documents/web-metadata";
import { readWebPage } from "../../documents/web-page";
import { runExtraction } from "../../extraction/run";
import { fetchWebPage } from "../../inputs/web-page";
import type { AiBinding, ProcessDeps, ProcessResult } from "../define";
import type { ExtractWebsiteRequest } from "./schema";

export async function extractWebsite(input: ExtractWebsiteRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const page = await fetchWebPage(input.file.url, "file", input.file.fetch_options, deps.fetcher);
  const read = await readWebPage(page, input.file.name, "file");
  const rows = read.page ? metadataRows(read.page) : [];
  const metadataDocument: ParsedDocument = { name: read.name, pages: 1, lines: rows.map((row) => ({ cells: row })), needsOcr: false };
  const ai = deps.bindings.AI as AiBinding | undefined;
  // The AI engine reads markdown: the content, then the metadata as a list (written only for it).
  const markdown = ai
    ? [...read.documents.map(toMarkdown), ...(rows.length ? [`## Page metadata\n\n${rows.map(([label, value]) => `- ${label}: ${value}`).join("\n")}`] : [])].join("\n\n")
    : "";
  const data = await runExtraction(
    [
      {
        name: read.name,
        bytes: new TextEncoder().encode(markdown),
        mimeType: "text/markdown",
        read: async () => [...read.documents.map(toLineDocument), metadataDocument],
      },
    ],
    input.schema.fields,
    {
      ai,
      model: deps.settings.EXTRACTION_AI_MODEL!,
      today: (deps.now?.() ?? new Date()).toISOString().slice(0, 10),
    },
  );
  return { kind: "json", data, metadata: read.metadata };
}
