import { BinaryResultSchema } from "../../results";
import { defineApi } from "../define";
import { GenerateImageRequestSchema, refineGenerateImageRequest } from "./schema";

export const imageGeneration = defineApi({
  id: "image_generation",
  slug: "image-generation",
  path: "/image-generation/v1/generate",
  aliases: ["/image-generation/v1/render"],
  summary: "Generate an image from layers",
  description:
    "Composites layers (solid colors, gradients, text, images, QR codes, barcodes, nested layouts) onto a " +
    "transparent canvas in `index` order and returns PNG, JPEG, WebP, GIF, TIFF or AVIF.",
  request: GenerateImageRequestSchema,
  refine: refineGenerateImageRequest,
  example: {
    dimensions: { width_in_px: 800, height_in_px: 600 },
    layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF" }],
  },
  response: BinaryResultSchema,
  cost: () => 2,
  load: async () => (await import("./process")).generateImage,
});
