/** The document to markdown request of the wire contract (section 5): one file. */
import { z } from "@hono/zod-openapi";
import { FileInputSchema } from "../../inputs/file-input";

export const ConvertDocumentRequestSchema = z.object({ file: FileInputSchema });
export type ConvertDocumentRequest = z.output<typeof ConvertDocumentRequestSchema>;

export const MarkdownResultSchema = z
  .object({
    name: z.string().openapi({ description: "The file's name, as given (or as taken from the URL)." }),
    mime_type: z.string().openapi({ description: "The detected type, e.g. `application/pdf`." }),
    markdown: z.string(),
    description: z.string().optional().openapi({ description: "For an image, with the Workers AI binding: what it shows." }),
  })
  .openapi("MarkdownResult");
