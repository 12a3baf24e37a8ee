import { BinaryResultSchema, defineApi } from "../define";
import { generateImage } from "./process";
import { GenerateImageRequestSchema, refineGenerateImageRequest } from "./schema";

export const imageGeneration = defineApi({
  id: "image_generation",
  slug: "image-generation",
  path: "/image-generation/v1/generate",
  aliases: ["/image-generation/v1/render"],
  summary: "Generate an image from layers",
  description:
    "Composites layers onto a transparent canvas in `index` order and returns the image. " +
    "This release renders `solid-color` layers, to PNG, JPEG, WebP, GIF or TIFF; other layer types answer 422 " +
    "and AVIF output 400.",
  request: GenerateImageRequestSchema,
  refine: refineGenerateImageRequest,
  response: BinaryResultSchema,
  cost: () => 2,
  process: (input) => generateImage(input),
});
