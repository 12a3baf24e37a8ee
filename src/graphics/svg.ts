/**
 * The satori → resvg pipeline: an element tree (the subset of React elements satori reads) is laid out into
 * an SVG document with every glyph a path, and an SVG document is rasterised into straight RGBA. Failures of
 * either are the input's fault (a font satori cannot parse, a tree resvg cannot draw): 422s, never 500s.
 */
import { ApiError } from "../errors";
import type { LoadedFont } from "./fonts";

export interface Element {
  type: string;
  props: { style?: Record<string, unknown>; children?: Child | Child[]; src?: string; width?: number; height?: number };
}
export type Child = Element | string;

export interface RasterImage {
  width: number;
  height: number;
  /** Straight (not premultiplied) RGBA. */
  pixels: Uint8Array;
}

/** Lays `element` out at `width` (and `height`, else its natural height) as an SVG document. */
export async function layoutSvg(element: Element, box: { width: number; height?: number }, fonts: readonly LoadedFont[]): Promise<string> {
  const { satori } = await import("@cf-wasm/satori");
  try {
    return await satori(element as never, { ...box, fonts: fonts as never });
  } catch (err) {
    throw new ApiError(422, `The layers could not be laid out: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The height satori gave an SVG document it laid out. */
export function svgHeight(svg: string): number {
  return Number(/height="([\d.]+)"/.exec(svg)?.[1] ?? 0);
}

export async function rasterizeSvg(svg: string): Promise<RasterImage> {
  const { Resvg } = await import("@cf-wasm/resvg");
  let rendered: { width: number; height: number; pixels: Uint8Array };
  try {
    rendered = (await Resvg.async(svg, { font: { loadSystemFonts: false } })).render();
  } catch (err) {
    throw new ApiError(422, `The layers could not be rendered: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { width: rendered.width, height: rendered.height, pixels: unpremultiply(rendered.pixels) };
}

/** resvg hands out premultiplied RGBA; encoders and callers want straight alpha. */
function unpremultiply(pixels: Uint8Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 4) {
    const a = pixels[i + 3]!;
    if (a === 255) {
      out[i] = pixels[i]!;
      out[i + 1] = pixels[i + 1]!;
      out[i + 2] = pixels[i + 2]!;
    } else if (a > 0) {
      out[i] = Math.min(255, Math.round((pixels[i]! * 255) / a));
      out[i + 1] = Math.min(255, Math.round((pixels[i + 1]! * 255) / a));
      out[i + 2] = Math.min(255, Math.round((pixels[i + 2]! * 255) / a));
    }
    out[i + 3] = a;
  }
  return out;
}
