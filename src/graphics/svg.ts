/**
 * The satori → resvg pipeline: an element tree (the subset of React elements satori reads) is laid out into
 * an SVG document with every glyph a path, and an SVG document is rasterised into straight RGBA. Failures of
 * either are the input's fault (a font satori cannot parse, a tree resvg cannot draw): 422s, never 500s.
 */
import { encodeBase64 } from "../base64";
import { ApiError } from "../errors";
import type { LoadedFont } from "./fonts";
import { compositeOverInPlace, unpremultiplyInPlace } from "./raster";

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

/**
 * The images of one render, handed to satori as tiny placeholders and to resvg as they are. Satori would
 * otherwise decode every data URI it is given (a copy of the image) and keep it, keyed by the whole URI, in a
 * module-wide cache of 500 entries: megabytes an image, across requests, in a 128 MB isolate. A placeholder is a
 * PNG header with the image's real size (all satori reads of it) and the image's number; after layout,
 * `rasterizeSvg` puts SVG images back inline and hands raster ones to resvg's resolver, bytes and all.
 */
export class ImageStore {
  private readonly entries: ({ kind: "raster"; bytes: Uint8Array } | { kind: "svg"; svg: string })[] = [];

  /** A PNG, JPEG or GIF file of `width` × `height` pixels. */
  raster(bytes: Uint8Array, width: number, height: number): string {
    return this.placeholder({ kind: "raster", bytes }, width, height);
  }

  /** An SVG document; its size is its width and height (or viewBox) unless given. */
  svg(svg: string, size: { width: number; height: number } = svgSize(svg)): string {
    return this.placeholder({ kind: "svg", svg }, size.width, size.height);
  }

  /** The SVG document with every placeholder replaced: SVG images inline, raster ones as keys for `resolve`. */
  restore(svg: string): { svg: string; resolve: Map<string, Uint8Array> } {
    const resolve = new Map<string, Uint8Array>();
    const restored = svg.replace(PLACEHOLDER, (_, id: string) => {
      const entry = this.entries[Number(id)]!;
      if (entry.kind === "svg") return `data:image/svg+xml;base64,${encodeBase64(new TextEncoder().encode(entry.svg))}`;
      // resvg asks to resolve only http(s) references; .invalid is a name nothing resolves (RFC 6761).
      const key = `https://lamina-image.invalid/${id}`;
      resolve.set(key, entry.bytes);
      return key;
    });
    return { svg: restored, resolve };
  }

  private placeholder(entry: ImageStore["entries"][number], width: number, height: number): string {
    this.entries.push(entry);
    const header = new Uint8Array(24);
    header.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const view = new DataView(header.buffer);
    view.setUint32(16, Math.max(1, Math.round(width)));
    view.setUint32(20, Math.max(1, Math.round(height)));
    return `data:image/png;lamina=${this.entries.length - 1};base64,${encodeBase64(header)}`;
  }
}

const PLACEHOLDER = /data:image\/png;lamina=(\d+);base64,[A-Za-z0-9+/=]*/g;

/** An SVG document's size: its root's width and height in px, else its viewBox, else 300 × 150 (the CSS default). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/i.exec(svg)?.[0] ?? "";
  const attribute = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']\\s*([\\d.]+)(px)?\\s*["']`, "i").exec(root)?.[1];
  const viewBox = /\sviewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*["']/i.exec(root);
  const width = Number(attribute("width") ?? viewBox?.[1] ?? 300);
  const height = Number(attribute("height") ?? viewBox?.[2] ?? 150);
  return { width: width > 0 ? width : 300, height: height > 0 ? height : 150 };
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

/**
 * The SVG drawn by resvg, as straight RGBA. `under`: opaque-or-empty pixels of the same size that the SVG is drawn
 * over (source-over, as if they were its bottom layers).
 */
export async function rasterizeSvg(svg: string, images?: ImageStore, under?: Uint8Array): Promise<RasterImage> {
  const { Resvg } = await import("@cf-wasm/resvg");
  const restored = images ? images.restore(svg) : { svg, resolve: new Map<string, Uint8Array>() };
  let pixels: Uint8Array;
  let width: number;
  let height: number;
  try {
    // Freed as soon as they are read, not when the garbage collector gets to them: resvg's tree (with its decoded
    // images) and pixmap live in wasm memory, which a Worker's 128 MB counts and which never shrinks.
    const resvg = await Resvg.async(restored.svg, { font: { loadSystemFonts: false } });
    try {
      for (const href of resvg.imagesToResolve() as string[]) {
        const bytes = restored.resolve.get(href);
        if (bytes) resvg.resolveImage(href, bytes);
      }
      const rendered = resvg.render();
      try {
        ({ width, height, pixels } = rendered);
      } finally {
        rendered.free();
      }
    } finally {
      resvg.free();
    }
  } catch (err) {
    throw new ApiError(422, `The layers could not be rendered: ${err instanceof Error ? err.message : String(err)}`);
  }
  // resvg hands out premultiplied RGBA; encoders and callers want straight alpha. In place: a canvas is 8 MB.
  if (under) compositeOverInPlace(pixels, under);
  unpremultiplyInPlace(pixels);
  return { width, height, pixels };
}
