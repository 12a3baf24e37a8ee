import { BinaryResultSchema } from "../../results";
import { defineApi } from "../define";
import { refineTransformImageRequest, TransformImageRequestSchema } from "./schema";

export const imageTransformation = defineApi({
  id: "image_transformation",
  slug: "image-transformation",
  path: "/image-transformation/v1/transform",
  summary: "Transform an image with a sequence of operations",
  description:
    "Decodes one image (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG), applies 1–30 operations in order (geometry, tone and " +
    "colour, filters, background removal) and encodes the result in the input's format or the one `convert` names.",
  request: TransformImageRequestSchema,
  refine: refineTransformImageRequest,
  example: {
    // An 8 × 8 PNG, blue on the left, orange on the right.
    file: { type: "base64", name: "tiles.png", base64: "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAYAAADED76LAAAAFklEQVR4XmNQTX79Hxn/LBZDwSNEAQBzl55hAEnDpAAAAABJRU5ErkJggg==" },
    operations: [
      { type: "resize", width_in_px: 16, height_in_px: 16, fit: "fill" },
      { type: "flop" },
      { type: "convert", format: "webp", quality: 80 },
    ],
  },
  response: BinaryResultSchema,
  cost: () => 1,
  // With the Images binding (production: `[images] binding = "IMAGES"`), remove_background segments the subject.
  optionalBindings: ["IMAGES"],
  load: async () => (await import("./process")).transformImage,
});
