/**
 * The document extraction request of the wire contract (section 4): up to 20 files and the extraction schema
 * (src/extraction/schema.ts, shared with website extraction).
 */
import { z } from "@hono/zod-openapi";
import { ExtractionSchemaSchema } from "../../extraction/schema";
import { FileInputSchema } from "../../inputs/file-input";

export const MAX_FILES = 20;

export const ExtractDocumentRequestSchema = z.object({
  files: z.array(FileInputSchema).min(1, "at least one file is required").max(MAX_FILES, `at most ${MAX_FILES} files`),
  schema: ExtractionSchemaSchema,
});
export type ExtractDocumentRequest = z.output<typeof ExtractDocumentRequestSchema>;

