/**
 * Renders a validated image request. First cut: `solid-color` layers (position, dimensions, opacity,
 * #RRGGBBAA) onto a transparent canvas in `index` order, encoded as PNG, JPEG, WebP, GIF or TIFF. Everything the contract allows
 * that is not rendered yet fails with a 422 naming the layer and the feature, never a wrong image.
 */
import type { ProcessResult } from "../define";
import { ApiError } from "../../errors";
import { Canvas, parseHexColor } from "./canvas";
import { encodeImage, type EncodableFormat } from "./encode";
import type { GenerateImageRequest, Layer, SolidColorLayer } from "./schema";

export async function generateImage(input: GenerateImageRequest): Promise<ProcessResult> {
  const { width_in_px: width, height_in_px: height } = input.dimensions;
  const ordered = input.layers
    .map((layer, position) => ({ layer, position }))
    .sort((a, b) => (a.layer.index ?? 0) - (b.layer.index ?? 0) || a.position - b.position);

  for (const { layer, position } of ordered) {
    assertRenderable(layer, position);
  }
  const canvas = new Canvas(width, height);
  for (const { layer } of ordered) {
    drawSolidColor(canvas, layer as SolidColorLayer);
  }
  // The request schema has already refused formats without an encoder.
  const image = await encodeImage(canvas.pixels, width, height, input.output_format as EncodableFormat);
  return { kind: "binary", bytes: image.bytes, mimeType: image.mimeType };
}

function assertRenderable(layer: Layer, position: number): void {
  const where = `layers.${position} (${layer.type})`;
  if (layer.type !== "solid-color") {
    throw new ApiError(422, `${where}: layer type "${layer.type}" is not rendered yet`);
  }
  const unsupported = [
    layer.rotation_in_degrees ? "rotation_in_degrees" : null,
    layer.angled_edges?.length ? "angled_edges" : null,
    [
      layer.border_radius,
      layer.border_top_left_radius,
      layer.border_top_right_radius,
      layer.border_bottom_left_radius,
      layer.border_bottom_right_radius,
    ].some((radius) => radius) ? "border radii" : null,
    layer.dimensions?.width_in_px === "auto" || layer.dimensions?.height_in_px === "auto" ? "auto dimensions" : null,
  ].filter((feature): feature is string => feature !== null);
  if (unsupported.length > 0) {
    throw new ApiError(422, `${where}: ${unsupported.join(", ")} not rendered yet`);
  }
}

function drawSolidColor(canvas: Canvas, layer: SolidColorLayer): void {
  const color = parseHexColor(layer.hex_color);
  color.a = Math.round((color.a * layer.opacity) / 100);
  const x = layer.position?.x_in_px ?? 0;
  const y = layer.position?.y_in_px ?? 0;
  const width = typeof layer.dimensions?.width_in_px === "number" ? layer.dimensions.width_in_px : canvas.width - x;
  const height = typeof layer.dimensions?.height_in_px === "number" ? layer.dimensions.height_in_px : canvas.height - y;
  canvas.fillRect(x, y, x + width, y + height, color);
}
