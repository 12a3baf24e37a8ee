/**
 * The website extraction request of the wire contract (section 5): one web page by URL and the extraction
 * schema shared with document extraction. The metadata answered beside `data` is documents/website-metadata.ts.
 */
import { z } from "@hono/zod-openapi";
import { ExtractionSchemaSchema } from "../../extraction/schema";
import { UrlFileSchema } from "../../inputs/file-input";

export const WebsiteFileSchema = UrlFileSchema.extend({
  type: z.literal("url", { error: 'website extraction reads a page by its URL: type must be "url" (a base64 file is not accepted)' }),
}).openapi("UrlFileInput");

export const ExtractWebsiteRequestSchema = z.object({ file: WebsiteFileSchema, schema: ExtractionSchemaSchema });
export type ExtractWebsiteRequest = z.output<typeof ExtractWebsiteRequestSchema>;
