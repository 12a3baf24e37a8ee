/**
 * RGBA pixels → the requested file format. PNG is encoded in pure JS, a row at a time (`png.ts`); the other encoders (a wasm build of
 * photon for JPEG and WebP, libavif through @jsquash/avif, gifenc, UTIF) are imported lazily so that requests,
 * and tests, that never ask for them do not load them.
 */
import { loadOnce } from "./lazy";
import { flatten, isOpaque } from "./raster";
import { encodePng } from "./png";

/** Formats with a maintained encoder that runs in Workers. */
export const ENCODABLE_FORMATS = ["png", "jpeg", "webp", "gif", "tiff", "avif"] as const;
export type EncodableFormat = (typeof ENCODABLE_FORMATS)[number];

const JPEG_QUALITY = 90;
const WHITE = [255, 255, 255, 255] as const;
/** libavif's quality (0–100) and speed (0–10): speed 8 encodes a 2000×1500 image in about 1.5 s in workerd. */
const AVIF_OPTIONS = { quality: 60, speed: 8 };

/** libavif's encoder. */
const loadAvifEncoder = loadOnce(async () => {
  const [encoder, wasm] = await Promise.all([import("@jsquash/avif/encode.js"), import("@jsquash/avif/codec/enc/avif_enc.wasm")]);
  await encoder.init(wasm.default);
  return encoder.default;
});

/** libwebp (lossy, with a quality), its SIMD build. */
const loadWebpEncoder = loadOnce(async () => {
  const [glue, wasm, meta, utils] = await Promise.all([
    import("@jsquash/webp/codec/enc/webp_enc_simd.js"),
    import("@jsquash/webp/codec/enc/webp_enc_simd.wasm"),
    import("@jsquash/webp/meta.js"),
    import("@jsquash/webp/utils.js"),
  ]);
  const module = await utils.initEmscriptenModule(glue.default, wasm.default);
  return {
    encode: (data: Uint8ClampedArray, width: number, height: number, options: Record<string, number>): Uint8Array | null =>
      module.encode(data, width, height, { ...meta.defaultOptions, ...options }),
  };
});

/** How to encode: `quality` (1–100) for the lossy formats; without it JPEG is 90, WebP lossless, AVIF 60. */
export interface EncodeOptions {
  quality?: number;
}

export interface EncodedImage {
  bytes: Uint8Array;
  mimeType: string;
}

export async function encodeImage(pixels: Uint8Array, width: number, height: number, format: EncodableFormat, options: EncodeOptions = {}): Promise<EncodedImage> {
  switch (format) {
    case "png":
      return { bytes: await encodePng(pixels, width, height), mimeType: "image/png" };
    case "webp":
      if (options.quality !== undefined) {
        const encoder = await loadWebpEncoder();
        const bytes = encoder.encode(new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.byteLength), width, height, { quality: options.quality });
        if (!bytes) throw new Error("libwebp could not encode the image");
        return { bytes: new Uint8Array(bytes), mimeType: "image/webp" };
      }
    // falls through: lossless WebP comes from photon
    case "jpeg": {
      const { PhotonImage } = await import("@cf-wasm/photon");
      // JPEG has no alpha channel: transparent areas are flattened onto white rather than turning black (on a copy;
      // an opaque image, a photo, needs neither).
      const flat = format === "jpeg" && !isOpaque(pixels) ? flatten({ width, height, pixels: pixels.slice() }, WHITE).pixels : pixels;
      const image = new PhotonImage(flat, width, height);
      try {
        const bytes = format === "jpeg" ? image.get_bytes_jpeg(options.quality ?? JPEG_QUALITY) : image.get_bytes_webp();
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
    case "avif": {
      const encode = await loadAvifEncoder();
      const data = new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.byteLength);
      const buffer = await encode({ data, width, height, colorSpace: "srgb" } as unknown as Parameters<typeof encode>[0], { ...AVIF_OPTIONS, ...(options.quality !== undefined ? { quality: options.quality } : {}) });
      return { bytes: new Uint8Array(buffer), mimeType: "image/avif" };
    }
    case "tiff": {
      const { default: UTIF } = await import("utif");
      return { bytes: new Uint8Array(UTIF.encodeImage(pixels, width, height)), mimeType: "image/tiff" };
    }
  }
}

