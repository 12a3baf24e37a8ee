import type { ApiDefinition } from "./define";
import { documentExtraction } from "./document-extraction";
import { documentGeneration } from "./document-generation";
import { documentToMarkdown } from "./document-to-markdown";
import { imageGeneration } from "./image-generation";
import { imageTransformation } from "./image-transformation";
import { sheetGeneration } from "./sheet-generation";
import { websiteExtraction } from "./website-extraction";

/** Every API the service offers. The router mounts each; the processing consumer looks them up by id. */
export const apis: readonly ApiDefinition[] = [imageGeneration, documentExtraction, imageTransformation, documentToMarkdown, websiteExtraction, documentGeneration, sheetGeneration];

export function findApi(id: string): ApiDefinition | undefined {
  return apis.find((api) => api.id === id);
}
