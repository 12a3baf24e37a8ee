/**
 * The image generation request of the wire contract (section 8), every layer type and field, plus the
 * legacy spellings still sent by older SDKs: `{width, height}`, `{x, y}`, the pre-merge layer types and
 * image bytes as `buffer` on the layer.
 */
import { z } from "@hono/zod-openapi";
import { MAX_CANVAS_PIXELS } from "../../budgets";
import { BARCODE_FORMATS, BARCODE_RULES, QrValueSchema } from "../../graphics/codes";
import { HexColorSchema } from "../../graphics/colors";
import { ENCODABLE_FORMATS } from "../../graphics/encode";
import { FontDefinitionSchema, FontStyleSchema, FontWeightSchema } from "../../graphics/fonts";
import { FileInputSchema } from "../../inputs/file-input";
import { isPlainObject, renameLegacyKeys } from "../define";

export const MAX_CANVAS_SIDE_PX = 8192;
/** The canvas pixel budget (see src/budgets.ts): Full HD fits, a 40-megapixel canvas would not fit in memory. */
export { MAX_CANVAS_PIXELS };
export const MAX_LAYERS = 100;
export const MAX_LAYOUT_DEPTH = 8;

export const CanvasDimensionsSchema = z
  .preprocess(
    renameLegacyKeys({ width: "width_in_px", height: "height_in_px" }),
    z.object({
      width_in_px: z.int().min(1).max(MAX_CANVAS_SIDE_PX),
      height_in_px: z.int().min(1).max(MAX_CANVAS_SIDE_PX),
    }),
  )
  .openapi("CanvasDimensions");

const SizeSchema = z.union([z.int().min(1).max(MAX_CANVAS_SIDE_PX), z.literal("auto")]);

export const LayerDimensionsSchema = z
  .preprocess(
    renameLegacyKeys({ width: "width_in_px", height: "height_in_px" }),
    z.object({ width_in_px: SizeSchema, height_in_px: SizeSchema }),
  )
  .openapi("LayerDimensions", { description: "Pixels; `auto` (inside layouts) shrink-wraps the content." });

export const PositionSchema = z
  .preprocess(
    renameLegacyKeys({ x: "x_in_px", y: "y_in_px" }),
    z.object({ x_in_px: z.number().min(0).max(MAX_CANVAS_SIDE_PX), y_in_px: z.number().min(0).max(MAX_CANVAS_SIDE_PX) }),
  )
  .openapi("Position");

const RadiusSchema = z.int().min(0).max(MAX_CANVAS_SIDE_PX);
const cornerRadii = {
  border_radius: RadiusSchema.optional(),
  border_top_left_radius: RadiusSchema.optional(),
  border_top_right_radius: RadiusSchema.optional(),
  border_bottom_left_radius: RadiusSchema.optional(),
  border_bottom_right_radius: RadiusSchema.optional(),
};

const common = {
  index: z.int().min(0).optional().openapi({ description: "z-order: lower renders first. Required at the top level." }),
  opacity: z.int().min(0).max(100).default(100),
};
const rotation = { rotation_in_degrees: z.number().min(-180).max(180).optional() };

// The wire also accepts the pre-merge type names (normalizeLegacyLayer maps them before validation);
// the OpenAPI document lists them so generated clients accept them too.
const SolidColorLayerSchema = z.object({
  type: z.literal("solid-color").openapi({ enum: ["solid-color", "solid-color-background", "rectangle"] }),
  ...common,
  ...rotation,
  ...cornerRadii,
  hex_color: HexColorSchema,
  position: PositionSchema.optional(),
  dimensions: LayerDimensionsSchema.optional(),
  angled_edges: z
    .array(
      z.object({
        edge: z.enum(["left", "right", "top", "bottom"]),
        angle_in_degrees: z.number().min(-45).max(45),
      }),
    )
    .max(4)
    .optional(),
});

const GradientLayerSchema = z.object({
  type: z.literal("gradient"),
  ...common,
  ...rotation,
  ...cornerRadii,
  gradient_type: z.enum(["linear", "radial"]),
  colors: z.array(z.object({ hex_color: HexColorSchema, position: z.number().min(0).max(100) })).min(2).max(32),
  angle_in_degrees: z.number().min(-360).max(360).optional(),
  // Optional: top-level layers default to the canvas origin, and layouts place the children that omit it.
  position: PositionSchema.optional(),
  dimensions: LayerDimensionsSchema,
});

const TextLayerSchema = z.object({
  type: z.literal("text"),
  ...common,
  ...rotation,
  text: z.string().min(1, "must not be empty").max(10_000),
  font_name: z.string().min(1).max(200),
  font_size_in_px: z.number().gt(0).max(2000),
  text_color: HexColorSchema,
  // Optional: top-level layers default to the canvas origin, and layouts place the children that omit it.
  position: PositionSchema.optional(),
  dimensions: LayerDimensionsSchema,
  font_weight: FontWeightSchema.default("regular"),
  font_style: FontStyleSchema.default("normal"),
  text_align: z.enum(["left", "center", "right"]).default("left"),
  vertical_align: z.enum(["top", "center", "bottom"]).default("top"),
  is_splitting_lines: z.boolean().default(true),
  paragraph_spacing_in_px: z.number().min(0).max(2000).optional(),
  should_auto_scale: z.boolean().default(false),
});

const ImageLayerSchema = z.object({
  type: z.literal("image").openapi({ enum: ["image", "static-image", "image-overlay"] }),
  ...common,
  ...rotation,
  ...cornerRadii,
  file: FileInputSchema,
  position: PositionSchema.optional(),
  dimensions: LayerDimensionsSchema.optional(),
  should_use_smart_cropping: z.boolean().default(false),
  should_remove_background: z.boolean().default(false),
});

const QrCodeLayerSchema = z.object({
  type: z.literal("qr-code"),
  ...common,
  ...rotation,
  value: QrValueSchema,
  foreground_hex_color: HexColorSchema,
  background_hex_color: HexColorSchema,
  // Optional: top-level layers default to the canvas origin, and layouts place the children that omit it.
  position: PositionSchema.optional(),
  dimensions: LayerDimensionsSchema,
});

const BarcodeLayerSchema = z
  .object({
    type: z.literal("barcode"),
    ...common,
    ...rotation,
    value: z.string().min(1, "must not be empty").max(200),
    format: z.enum(BARCODE_FORMATS),
    foreground_hex_color: HexColorSchema,
    background_hex_color: HexColorSchema,
    // Optional: top-level layers default to the canvas origin, and layouts place the children that omit it.
  position: PositionSchema.optional(),
    dimensions: LayerDimensionsSchema,
  })
  .superRefine((layer, ctx) => {
    const rule = BARCODE_RULES[layer.format];
    if (!rule.pattern.test(layer.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: rule.message });
    }
  });

const paddingSchema = z.int().min(0).max(MAX_CANVAS_SIDE_PX);

const LayoutBaseSchema = z.object({
  type: z.literal("layout"),
  ...common,
  ...cornerRadii,
  direction: z.enum(["horizontal", "vertical"]).default("horizontal"),
  gap: z.number().min(0).max(MAX_CANVAS_SIDE_PX).default(0),
  horizontal_alignment: z.enum(["start", "center", "end"]).default("start"),
  vertical_alignment: z.enum(["start", "center", "end"]).default("start"),
  position: PositionSchema.optional(),
  dimensions: LayerDimensionsSchema.optional(),
  background_color: HexColorSchema.optional(),
  padding: paddingSchema.optional(),
  padding_top: paddingSchema.optional(),
  padding_right: paddingSchema.optional(),
  padding_bottom: paddingSchema.optional(),
  padding_left: paddingSchema.optional(),
});

const LayoutLayerSchema = LayoutBaseSchema.extend({
  get layers(): z.ZodArray<z.ZodType<Layer>> {
    return z.array(LayerSchema).min(1).max(MAX_LAYERS);
  },
  get background_layers(): z.ZodOptional<z.ZodArray<z.ZodType<Layer>>> {
    return z.array(LayerSchema).max(MAX_LAYERS).optional();
  },
});

/** Pre-merge layer type names, mapped onto the current ones. */
const LEGACY_LAYER_TYPES: Record<string, string> = {
  "solid-color-background": "solid-color",
  rectangle: "solid-color",
  "static-image": "image",
  "image-overlay": "image",
};

/** `{width_in_px: 0, height_in_px: 0}` (or `{width: 0, height: 0}`): a size that was not given. */
function isZeroSize(value: unknown): boolean {
  if (!isPlainObject(value)) {
    return false;
  }
  const width = value.width_in_px ?? value.width;
  const height = value.height_in_px ?? value.height;
  return width === 0 && height === 0;
}

function normalizeLegacyLayer(value: unknown): unknown {
  if (!isPlainObject(value)) {
    return value;
  }
  const layer: Record<string, unknown> = { ...value };
  // Go's encoding/json never omits a struct, so the official Go SDK sends a zero size for dimensions the caller
  // left out: it means "not given" (a fill covers its box, a layout shrink-wraps; where a size is required, it
  // is missing).
  if (isZeroSize(layer.dimensions)) {
    delete layer.dimensions;
  }
  if (typeof layer.type === "string" && layer.type in LEGACY_LAYER_TYPES) {
    layer.type = LEGACY_LAYER_TYPES[layer.type];
  }
  if (layer.type === "image" && typeof layer.buffer === "string" && !("file" in layer)) {
    layer.file = { type: "base64", base64: layer.buffer };
    delete layer.buffer;
  }
  return layer;
}

export const LAYER_TYPES = ["solid-color", "gradient", "text", "image", "qr-code", "barcode", "layout"] as const;

export const LayerSchema: z.ZodType<Layer> = z
  .preprocess(
    normalizeLegacyLayer,
    z
      .discriminatedUnion(
        "type",
        [
          SolidColorLayerSchema,
          GradientLayerSchema,
          TextLayerSchema,
          ImageLayerSchema,
          QrCodeLayerSchema,
          BarcodeLayerSchema,
          LayoutLayerSchema,
        ],
        { error: () => `must be one of ${LAYER_TYPES.join(", ")}` },
      )
      .superRefine((layer, ctx) => {
        if ("border_radius" in layer && layer.border_radius !== undefined) {
          const perCorner = Object.keys(cornerRadii).filter(
            (key) => key !== "border_radius" && (layer as Record<string, unknown>)[key] !== undefined,
          );
          if (perCorner.length > 0) {
            ctx.addIssue({ code: "custom", path: ["border_radius"], message: `cannot be combined with ${perCorner.join(", ")}` });
          }
        }
        if (layer.type === "layout" && layer.padding !== undefined) {
          const sides = ["padding_top", "padding_right", "padding_bottom", "padding_left"] as const;
          if (sides.some((side) => layer[side] !== undefined)) {
            ctx.addIssue({ code: "custom", path: ["padding"], message: "cannot be combined with padding_top/right/bottom/left" });
          }
        }
      }),
  )
  .openapi("Layer") as unknown as z.ZodType<Layer>;

export type SolidColorLayer = z.output<typeof SolidColorLayerSchema>;
export type Layer =
  | SolidColorLayer
  | z.output<typeof GradientLayerSchema>
  | z.output<typeof TextLayerSchema>
  | z.output<typeof ImageLayerSchema>
  | z.output<typeof QrCodeLayerSchema>
  | z.output<typeof BarcodeLayerSchema>
  | LayoutLayer;
export type LayoutLayer = z.output<typeof LayoutBaseSchema> & {
  layers: Layer[];
  background_layers?: Layer[];
};

export const OUTPUT_FORMATS = ENCODABLE_FORMATS;

export const GenerateImageRequestSchema = z.object({
  dimensions: CanvasDimensionsSchema,
  layers: z.array(LayerSchema).min(1, "layers must be a non-empty list").max(MAX_LAYERS),
  output_format: z.enum(OUTPUT_FORMATS).default("png"),
  fonts: z.array(FontDefinitionSchema).max(50).optional(),
});
export type GenerateImageRequest = z.output<typeof GenerateImageRequestSchema>;

/** Canvas area, layer count and nesting limits, and `index` on every top-level layer. */
export function refineGenerateImageRequest(input: GenerateImageRequest, ctx: z.RefinementCtx): void {
  const { width_in_px, height_in_px } = input.dimensions;
  if (width_in_px * height_in_px > MAX_CANVAS_PIXELS) {
    ctx.addIssue({
      code: "custom",
      path: ["dimensions"],
      message: `canvas is ${width_in_px * height_in_px} pixels; at most ${MAX_CANVAS_PIXELS} are allowed`,
    });
  }
  input.layers.forEach((layer, i) => {
    if (layer.index === undefined) {
      ctx.addIssue({ code: "custom", path: ["layers", i, "index"], message: "is required on top-level layers" });
    }
  });
  let total = 0;
  let deepest = 0;
  const walk = (layers: readonly Layer[], depth: number) => {
    deepest = Math.max(deepest, depth);
    for (const layer of layers) {
      total += 1;
      if (layer.type === "layout") {
        walk(layer.layers, depth + 1);
        walk(layer.background_layers ?? [], depth + 1);
      }
    }
  };
  walk(input.layers, 0);
  if (total > MAX_LAYERS) {
    ctx.addIssue({ code: "custom", path: ["layers"], message: `${total} layers in all; at most ${MAX_LAYERS} are allowed` });
  }
  if (deepest > MAX_LAYOUT_DEPTH) {
    ctx.addIssue({ code: "custom", path: ["layers"], message: `layouts nest ${deepest} deep; at most ${MAX_LAYOUT_DEPTH} are allowed` });
  }
}
