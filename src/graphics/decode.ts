/**
 * Image files → straight RGBA rasters: JPEG by libjpeg-turbo's decoder (mozjpeg, @jsquash/jpeg: 36 ms for a
 * 2000 × 1500 photo against photon's 55, in Node; a file it cannot read, CMYK for one, falls back to photon), PNG
 * and GIF (its first frame) by photon, WebP by libwebp (@jsquash/webp: photon's WebP decoder shifts the colours of
 * lossy files), AVIF by libavif (@jsquash/avif), HEIF and HEIC by libheif (libheif-js, its wasm build), SVG
 * rasterised by resvg at its own size. The pixel budget is checked from the header before anything is decoded,
 * and again on what was decoded. Every failure is a 422 naming `where`.
 */
import { MAX_IMAGE_PIXELS } from "../budgets";
import { ApiError } from "../errors";
import { formatLabel, imageDimensions, sniffFormat, type FileFormat } from "../inputs/sniff";
import { loadOnce } from "./lazy";
import type { Raster } from "./raster";
import { rasterizeSvg, svgSize } from "./svg";

export const DECODABLE_FORMATS = ["png", "jpeg", "webp", "gif", "avif", "heic", "svg"] as const;
export type DecodableFormat = (typeof DECODABLE_FORMATS)[number];

const EXPECTED = "PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG";

const loadAvifDecoder = loadOnce(async () => {
  const [decoder, wasm] = await Promise.all([import("@jsquash/avif/decode.js"), import("@jsquash/avif/codec/dec/avif_dec.wasm")]);
  await decoder.init(wasm.default);
  return decoder.default;
});

const loadJpegDecoder = loadOnce(async () => {
  const [decoder, wasm] = await Promise.all([import("@jsquash/jpeg/decode.js"), import("@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm")]);
  await decoder.init(wasm.default);
  return decoder.default;
});

const loadWebpDecoder = loadOnce(async () => {
  const [decoder, wasm] = await Promise.all([import("@jsquash/webp/decode.js"), import("@jsquash/webp/codec/dec/webp_dec.wasm")]);
  await decoder.init(wasm.default);
  return decoder.default;
});

function tooLarge(where: string, width: number, height: number): ApiError {
  return new ApiError(422, `${where}: the image is ${width} × ${height} pixels; at most ${MAX_IMAGE_PIXELS} pixels are decoded`);
}

/**
 * Refuses a raster file whose header says more pixels than the budget, or says no size at all (a decoder would
 * then allocate by whatever it finds), before anything decodes it.
 */
export function checkImageHeader(bytes: Uint8Array, where: string): void {
  const header = imageDimensions(bytes);
  if (!header) throw new ApiError(422, `${where}: the image's size could not be read from its header (a damaged or truncated file)`);
  if (header.width * header.height > MAX_IMAGE_PIXELS) throw tooLarge(where, header.width, header.height);
}

function formatOf(bytes: Uint8Array, where: string): FileFormat {
  try {
    return sniffFormat(bytes, "");
  } catch {
    throw new ApiError(422, `${where}: the file is not an image (${EXPECTED} expected)`);
  }
}

export async function decodeImage(bytes: Uint8Array, where: string): Promise<{ raster: Raster; format: DecodableFormat }> {
  const format = formatOf(bytes, where);
  if (!(DECODABLE_FORMATS as readonly string[]).includes(format)) {
    throw new ApiError(422, `${where}: ${formatLabel(format)} is not an image format read here (${EXPECTED} expected)`);
  }
  if (format === "svg") {
    const svg = new TextDecoder().decode(bytes);
    const size = svgSize(svg);
    if (size.width * size.height > MAX_IMAGE_PIXELS) throw tooLarge(where, Math.ceil(size.width), Math.ceil(size.height));
    try {
      return { raster: await rasterizeSvg(svg), format };
    } catch (err) {
      throw new ApiError(422, `${where}: the SVG could not be drawn${err instanceof ApiError ? ` (${err.message.replace(/^The layers could not be rendered: /, "")})` : ""}`);
    }
  }
  checkImageHeader(bytes, where);
  const raster =
    format === "avif"
      ? await decodeWithJsquash(loadAvifDecoder, bytes, where, "AVIF")
      : format === "webp"
        ? await decodeWithJsquash(loadWebpDecoder, bytes, where, "WebP")
        : format === "heic"
          ? await decodeHeif(bytes, where)
          : format === "jpeg"
            ? await decodeJpeg(bytes, where)
            : await decodeWithPhoton(bytes, where, format);
  if (raster.width * raster.height > MAX_IMAGE_PIXELS) throw tooLarge(where, raster.width, raster.height);
  return { raster, format: format as DecodableFormat };
}

async function decodeWithPhoton(bytes: Uint8Array, where: string, format: string): Promise<Raster> {
  const { PhotonImage } = await import("@cf-wasm/photon");
  let image: InstanceType<typeof PhotonImage>;
  try {
    image = PhotonImage.new_from_byteslice(bytes);
  } catch {
    throw new ApiError(422, `${where}: the ${format.toUpperCase()} file could not be decoded`);
  }
  try {
    return { width: image.get_width(), height: image.get_height(), pixels: image.get_raw_pixels() };
  } finally {
    image.free();
  }
}

async function decodeJpeg(bytes: Uint8Array, where: string): Promise<Raster> {
  try {
    return await decodeWithJsquash(loadJpegDecoder, bytes, where, "JPEG");
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // libjpeg reads no CMYK into RGBA; photon (the image crate) converts it.
    return decodeWithPhoton(bytes, where, "jpeg");
  }
}

async function decodeWithJsquash(
  load: () => Promise<(buffer: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray } | null>>,
  bytes: Uint8Array,
  where: string,
  label: string,
): Promise<Raster> {
  const decode = await load();
  let image: { width: number; height: number; data: Uint8ClampedArray } | null;
  try {
    image = await decode(bytes.slice().buffer);
  } catch {
    image = null;
  }
  if (!image) throw new ApiError(422, `${where}: the ${label} file could not be decoded`);
  return { width: image.width, height: image.height, pixels: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
}

interface HeifModule {
  HeifDecoder: new () => {
    decode(bytes: Uint8Array): {
      get_width(): number;
      get_height(): number;
      display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: unknown) => void): void;
      free(): void;
    }[];
  };
}

/** libheif's emscripten module, instantiated from the imported wasm module (its glue would read a file or fetch). */
const loadHeif = loadOnce(async () => {
  const [glue, wasm] = await Promise.all([import("libheif-js/libheif-wasm/libheif.js"), import("libheif-js/libheif-wasm/libheif.wasm")]);
  return new Promise<HeifModule>((resolve, reject) => {
    const factory = (glue.default ?? glue) as unknown as (options: Record<string, unknown>) => HeifModule;
    // Emscripten fills in the options object itself and may be ready before the factory returns.
    const options: Record<string, unknown> = {
      instantiateWasm: (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => {
        const instance = new WebAssembly.Instance(wasm.default, imports);
        done(instance);
        return instance.exports;
      },
      onRuntimeInitialized: () => resolve(options as unknown as HeifModule),
      onAbort: (reason: unknown) => reject(new Error(`libheif: ${String(reason)}`)),
    };
    factory(options);
  });
});

async function decodeHeif(bytes: Uint8Array, where: string): Promise<Raster> {
  const library = await loadHeif();
  const images = new library.HeifDecoder().decode(bytes);
  const image = images[0];
  if (!image) throw new ApiError(422, `${where}: the HEIF file could not be decoded`);
  try {
    const width = image.get_width();
    const height = image.get_height();
    if (width * height > MAX_IMAGE_PIXELS) throw tooLarge(where, width, height);
    const data = new Uint8ClampedArray(width * height * 4);
    const result = await new Promise<unknown>((resolve) => image.display({ data, width, height }, resolve));
    if (!result) throw new ApiError(422, `${where}: the HEIF file could not be decoded`);
    return { width, height, pixels: new Uint8Array(data.buffer) };
  } finally {
    for (const each of images) each.free();
  }
}
