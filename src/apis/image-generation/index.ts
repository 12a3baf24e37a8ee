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
    "Composites layers (solid colors, gradients, text, images, QR codes, barcodes, nested layouts) onto a " +
    "transparent canvas in `index` order and returns PNG, JPEG, WebP, GIF or TIFF. AVIF output answers 400.",
  request: GenerateImageRequestSchema,
  refine: refineGenerateImageRequest,
  response: BinaryResultSchema,
  cost: () => 2,
  process: (input, deps) => generateImage(input, deps),
});
