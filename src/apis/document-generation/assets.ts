/**
 * What every renderer needs besides the blocks, prepared once: the fonts (custom ones through the guarded
 * fetcher, bundled families by name), each image read (base64 or by URL), decoded (which checks it: a broken file
 * is a 422 naming its block) and fitted to its box (`contain` scales it inside, `cover` crops it to the box's
 * shape), and each QR code and barcode drawn by the toolbox's generators: as SVG for PDF, as PNG for the others.
 */
import { ApiError } from "../../errors";
import { barcodeSvg, loadBarcodeEncoder, qrCodeSvg } from "../../graphics/codes";
import { decodeImage } from "../../graphics/decode";
import { encodeImage } from "../../graphics/encode";
import { createFontSet, loadCustomFonts, type FontSet } from "../../graphics/fonts";
import { encodePng } from "../../graphics/png";
import { cropRaster } from "../../graphics/raster";
import { rasterizeSvg } from "../../graphics/svg";
import { readFileInput } from "../../inputs/file-input";
import type { ProcessDeps } from "../define";
import type { Block, DocumentInput } from "./schema";
import { usedFamilies, type ResolvedStyles } from "./styles";

export interface PreparedImage {
  bytes: Uint8Array;
  mimeType: "image/png" | "image/jpeg";
  /** The size it is drawn at, in points (within its block's box). */
  width: number;
  height: number;
}

export interface PreparedCode {
  svg: string;
  png: Uint8Array;
  width: number;
  height: number;
}

export interface Prepared {
  fonts: FontSet;
  images: Map<Block, PreparedImage>;
  codes: Map<Block, PreparedCode>;
}

/** The prepared images of one document together: they are all held until the file is written. */
export const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

/** Codes are rasterised at this many pixels a point for the formats that take pictures (300 dpi is ~4.2). */
const CODE_PIXELS_PER_POINT = 4;

/** Every block of the document, grid columns' blocks included, with its request path. */
export function* allBlocks(document: DocumentInput): Generator<[Block, string]> {
  function* walk(blocks: readonly Block[] | undefined, path: string): Generator<[Block, string]> {
    for (const [index, block] of (blocks ?? []).entries()) {
      yield [block, `${path}.${index}`];
      if (block.type === "grid") {
        for (const [c, column] of block.columns.entries()) yield* walk(column.blocks, `${path}.${index}.columns.${c}.blocks`);
      }
    }
  }
  yield* walk(document.content, "document.content");
  yield* walk(document.header, "document.header");
  yield* walk(document.footer, "document.footer");
}

async function prepareImage(block: Extract<Block, { type: "image" }>, where: string, deps: ProcessDeps): Promise<PreparedImage> {
  const bytes = await readFileInput(block.file, where, deps.fetcher);
  const { raster, format } = await decodeImage(bytes, where);
  const boxRatio = block.width_in_pt / block.height_in_pt;
  const imageRatio = raster.width / raster.height;
  if (block.fit === "cover" && Math.abs(boxRatio - imageRatio) > 0.01) {
    const width = imageRatio > boxRatio ? Math.max(1, Math.round(raster.height * boxRatio)) : raster.width;
    const height = imageRatio > boxRatio ? raster.height : Math.max(1, Math.round(raster.width / boxRatio));
    const cropped = cropRaster(raster, Math.floor((raster.width - width) / 2), Math.floor((raster.height - height) / 2), width, height);
    const encoded = format === "jpeg" ? (await encodeImage(cropped.pixels, width, height, "jpeg", { quality: 90 })).bytes : await encodePng(cropped.pixels, width, height);
    return { bytes: encoded, mimeType: format === "jpeg" ? "image/jpeg" : "image/png", width: block.width_in_pt, height: block.height_in_pt };
  }
  const scale = Math.min(block.width_in_pt / raster.width, block.height_in_pt / raster.height);
  const size = block.fit === "cover" ? { width: block.width_in_pt, height: block.height_in_pt } : { width: raster.width * scale, height: raster.height * scale };
  // PNG and JPEG go in as they came; every other format (WebP, GIF, AVIF, HEIF, SVG) as the PNG of its pixels.
  if (format === "png" || format === "jpeg") return { bytes, mimeType: format === "png" ? "image/png" : "image/jpeg", ...size };
  return { bytes: await encodePng(raster.pixels, raster.width, raster.height), mimeType: "image/png", ...size };
}

/** An SVG drawn at `width` × `height` pixels (its root's size attributes replaced). */
function sized(svg: string, width: number, height: number): string {
  return svg.replace(/<svg\b([^>]*)>/, (_, attributes: string) => {
    const rest = attributes.replace(/\s(width|height)="[^"]*"/g, "");
    return `<svg${rest} width="${width}" height="${height}" preserveAspectRatio="none">`;
  });
}

async function prepareCode(block: Extract<Block, { type: "qr-code" | "barcode" }>, where: string, encoder: () => ReturnType<typeof loadBarcodeEncoder>): Promise<PreparedCode> {
  const colors = { foreground: block.fg_hex_color, background: block.bg_hex_color };
  const svg = block.type === "qr-code" ? qrCodeSvg(block.value, colors) : barcodeSvg(await encoder(), block.value, block.format, colors, where);
  const width = Math.max(1, Math.round(block.width_in_pt * CODE_PIXELS_PER_POINT));
  const height = Math.max(1, Math.round(block.height_in_pt * CODE_PIXELS_PER_POINT));
  const raster = await rasterizeSvg(sized(svg, width, height));
  return { svg: sized(svg, block.width_in_pt, block.height_in_pt), png: await encodePng(raster.pixels, raster.width, raster.height), width: block.width_in_pt, height: block.height_in_pt };
}

export async function prepare(document: DocumentInput, styles: ResolvedStyles, deps: ProcessDeps): Promise<Prepared> {
  const custom = await loadCustomFonts(document.fonts ?? [], deps.fetcher);
  const fonts = await createFontSet(custom, usedFamilies(document, styles), deps.assets);
  const images = new Map<Block, PreparedImage>();
  const codes = new Map<Block, PreparedCode>();
  let encoder: ReturnType<typeof loadBarcodeEncoder> | undefined;
  let imageBytes = 0;
  for (const [block, where] of allBlocks(document)) {
    // One at a time: a decoded image is megabytes, and only its fitted file is kept.
    if (block.type === "image") {
      const image = await prepareImage(block, where, deps);
      imageBytes += image.bytes.length;
      if (imageBytes > MAX_IMAGE_BYTES) throw new ApiError(422, `${where}: the document's images come to more than ${MAX_IMAGE_BYTES / 1024 / 1024} MiB; use smaller or fewer images`);
      images.set(block, image);
    }
    if (block.type === "qr-code" || block.type === "barcode") codes.set(block, await prepareCode(block, where, () => (encoder ??= loadBarcodeEncoder())));
  }
  return { fonts, images, codes };
}
