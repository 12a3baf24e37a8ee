/**
 * The image transformation request of the wire contract (section 7): one file and 1–30 operations, applied in
 * order. Every operation's fields are as the contract spells them. What a field alone can say is said here (400,
 * nothing charged); what depends on the image (a crop outside it, a result past the pixel budget) is a 422
 * naming the operation at processing time.
 */
import { z } from "@hono/zod-openapi";
import { MAX_IMAGE_PIXELS } from "../../budgets";
import { HexColorSchema } from "../../graphics/colors";
import { FileInputSchema } from "../../inputs/file-input";
import { estimateAtAccept, workExceededMessage } from "./work";

export const MAX_OPERATIONS = 30;
/** The longest side an operation may ask for; the pixel budget (src/budgets.ts) bounds the area. */
export const MAX_SIDE_PX = 8192;

const Side = z.int().min(1).max(MAX_SIDE_PX);
const Margin = z.int().min(0).max(MAX_SIDE_PX);
const Offset = z.int().min(0).max(1_000_000);

const op = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) =>
  z.object({ type: z.literal(type), ...shape }).openapi(`TransformOperation_${type}`, { description });

export const OUTPUT_FORMATS = ["png", "jpeg", "webp", "avif", "heif"] as const;

export const TransformOperationSchema = z
  .discriminatedUnion("type", [
    op(
      "resize",
      { width_in_px: Side, height_in_px: Side, fit: z.enum(["cover", "contain", "fill", "inside", "outside"]) },
      "`fill`: exactly this size, aspect ignored; `cover`: this size, cropped at the centre; `contain`: this size, letterboxed (transparent where the format has alpha, else black); `inside`: within it, aspect kept; `outside`: covering it, aspect kept.",
    ),
    op("crop", { left_in_px: Offset, top_in_px: Offset, width_in_px: Side, height_in_px: Side }, "A rectangle of the image; one reaching outside it is a 422."),
    op("extend", { top_in_px: Margin, bottom_in_px: Margin, left_in_px: Margin, right_in_px: Margin, hex_color: HexColorSchema }, "Adds a border of `hex_color`."),
    op("trim", { threshold: z.number().min(0).max(255) }, "Removes a border whose colour is within `threshold` (0–255, per channel) of the top-left pixel's."),
    op(
      "rotate",
      { angle_in_degrees: z.number().min(-3600).max(3600), hex_color: HexColorSchema.optional() },
      "Clockwise for positive angles. Multiples of 90 are exact; other angles enlarge the canvas and fill the corners with `hex_color` (default black, or transparent where the format has alpha).",
    ),
    op("flip", {}, "Mirrors top ↔ bottom."),
    op("flop", {}, "Mirrors left ↔ right."),
    op("blur", { sigma: z.number().positive().max(100) }, "Gaussian blur of standard deviation `sigma` pixels."),
    op("sharpen", { sigma: z.number().positive().max(100) }, "Unsharp mask: the image plus its difference from a gaussian blur of `sigma`."),
    op(
      "modulate",
      { brightness: z.number().min(0).max(100).optional(), saturation: z.number().min(0).max(100).optional(), hue: z.number().min(-3600).max(3600).optional() },
      "Multiplies brightness and saturation (1 = unchanged) and turns the hue by `hue` degrees; at least one of them.",
    ),
    op("tint", { hex_color: HexColorSchema }, "Keeps each pixel's luminance and gives it the colour's hue and saturation."),
    op("grayscale", {}, "Luminance only (Rec. 709 weights)."),
    op("invert_colors", {}, "255 minus each colour channel; alpha kept."),
    op("auto_contrast", {}, "Stretches each channel to the full 0–255 range (0.5% of the darkest and lightest pixels clipped)."),
    op("gamma", { gamma: z.number().min(0.1).max(10) }, "Each channel to the power 1/`gamma` (above 1 brightens)."),
    op("remove_transparency", { hex_color: HexColorSchema }, "Flattens the image onto `hex_color`; the result is opaque."),
    op("threshold", { value: z.int().min(0).max(255), is_grayscale: z.boolean().default(true) }, "Pixels at or above `value` become white, others black; per channel when `is_grayscale` is false."),
    op("denoise", { size: z.int().min(1).max(25) }, "Median filter over a `size` × `size` window (odd sizes are centred)."),
    op("opacity", { opacity_in_percent: z.number().min(0).max(100) }, "Multiplies alpha by the percentage."),
    op("convert", { format: z.enum(OUTPUT_FORMATS), quality: z.int().min(1).max(100).optional() }, "The output format (and quality, for JPEG, WebP and AVIF). HEIF is refused: no HEIF encoder runs in Workers."),
    op("upscale", { factor: z.union([z.literal(2), z.literal(3), z.literal(4)]) }, "Enlarges by 2, 3 or 4 with Lanczos-3 resampling."),
    op(
      "smart_crop",
      { width_in_px: Side, height_in_px: Side },
      "Crops to this size where the picture is busiest (edges, skin tones, saturation: a heuristic, after smartcrop.js); a featureless image is cropped at the centre.",
    ),
    op("compress_to_size", { max_file_size_in_bytes: z.int().min(1) }, "The highest quality, then the largest size, whose file fits; impossible is a 422."),
    op(
      "remove_background",
      { background_hex_color: HexColorSchema.optional() },
      "Makes a uniform background that touches the borders transparent (or `background_hex_color`). A heuristic for product shots and scans, not a segmentation model.",
    ),
  ])
  .openapi("TransformOperation");
export type TransformOperation = z.output<typeof TransformOperationSchema>;

export const TransformImageRequestSchema = z.object({
  file: FileInputSchema,
  operations: z.array(TransformOperationSchema).min(1, "must hold at least one operation").max(MAX_OPERATIONS, `must hold at most ${MAX_OPERATIONS} operations`),
});
export type TransformImageRequest = z.output<typeof TransformImageRequestSchema>;

export function refineTransformImageRequest(input: TransformImageRequest, ctx: z.RefinementCtx): void {
  refineOperations(input, ctx);
  const atAccept = estimateAtAccept(input);
  if (atAccept?.estimate.over !== undefined) {
    ctx.addIssue({ code: "custom", path: ["operations"], message: workExceededMessage(atAccept.estimate, atAccept.size) });
  }
}

function refineOperations(input: TransformImageRequest, ctx: z.RefinementCtx): void {
  input.operations.forEach((operation, i) => {
    const path = ["operations", i];
    if (operation.type === "modulate" && operation.brightness === undefined && operation.saturation === undefined && operation.hue === undefined) {
      ctx.addIssue({ code: "custom", path, message: "modulate needs at least one of brightness, saturation and hue" });
    }
    if (operation.type === "convert" && operation.format === "heif") {
      ctx.addIssue({ code: "custom", path: [...path, "format"], message: "heif cannot be written here: no HEIF encoder runs in Workers (png, jpeg, webp and avif can)" });
    }
    if ((operation.type === "resize" || operation.type === "smart_crop") && operation.width_in_px * operation.height_in_px > MAX_IMAGE_PIXELS) {
      ctx.addIssue({ code: "custom", path, message: `${operation.width_in_px} × ${operation.height_in_px} is more than ${MAX_IMAGE_PIXELS} pixels` });
    }
  });
}
