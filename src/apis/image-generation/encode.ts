/**
 * RGBA pixels → the requested file format. PNG is encoded in pure JS; the other encoders (a wasm build of
 * photon for JPEG and WebP, gifenc, UTIF) are imported lazily so that requests, and tests, that never ask
 * for them do not load them.
 */
import { encode as encodePng } from "fast-png";

/** Formats with a maintained encoder that runs in Workers. AVIF has none yet: requests for it are a 400. */
export const ENCODABLE_FORMATS = ["png", "jpeg", "webp", "gif", "tiff"] as const;
export type EncodableFormat = (typeof ENCODABLE_FORMATS)[number];

const JPEG_QUALITY = 90;

export interface EncodedImage {
  bytes: Uint8Array;
  mimeType: string;
}

export async function encodeImage(pixels: Uint8Array, width: number, height: number, format: EncodableFormat): Promise<EncodedImage> {
  switch (format) {
    case "png":
      return { bytes: encodePng({ width, height, data: pixels, channels: 4, depth: 8 }), mimeType: "image/png" };
    case "jpeg":
    case "webp": {
      const { PhotonImage } = await import("@cf-wasm/photon");
      // JPEG has no alpha channel: transparent areas are flattened onto white rather than turning black.
      const image = new PhotonImage(format === "jpeg" ? flattenOnWhite(pixels) : pixels, width, height);
      try {
        const bytes = format === "jpeg" ? image.get_bytes_jpeg(JPEG_QUALITY) : image.get_bytes_webp();
        return { bytes, mimeType: `image/${format}` };
      } finally {
        image.free();
      }
    }
    case "gif": {
      const { GIFEncoder, quantize, applyPalette } = await import("gifenc");
      // One-bit alpha: GIF pixels are either opaque or fully transparent.
      const palette = quantize(pixels, 256, { format: "rgba4444", oneBitAlpha: true });
      const index = applyPalette(pixels, palette, "rgba4444");
      const transparentIndex = palette.findIndex((color) => color[3] === 0);
      const gif = GIFEncoder();
      gif.writeFrame(index, width, height, { palette, transparent: transparentIndex >= 0, transparentIndex: Math.max(transparentIndex, 0) });
      gif.finish();
      return { bytes: gif.bytes(), mimeType: "image/gif" };
    }
    case "tiff": {
      const { default: UTIF } = await import("utif");
      return { bytes: new Uint8Array(UTIF.encodeImage(pixels, width, height)), mimeType: "image/tiff" };
    }
  }
}

function flattenOnWhite(pixels: Uint8Array): Uint8Array {
  const flat = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 4) {
    const alpha = pixels[i + 3]! / 255;
    flat[i] = Math.round(pixels[i]! * alpha + 255 * (1 - alpha));
    flat[i + 1] = Math.round(pixels[i + 1]! * alpha + 255 * (1 - alpha));
    flat[i + 2] = Math.round(pixels[i + 2]! * alpha + 255 * (1 - alpha));
    flat[i + 3] = 255;
  }
  return flat;
}
