/**
 * The pixel operations, one function each, on straight RGBA rasters. Each returns a new raster (or the same one
 * changed in place where that is all it does) and checks the pixel budget before it allocates a larger one.
 * `where` names the operation in errors: `operations.3 (crop)`.
 */
import { ApiError } from "../../errors";
import { rgbaOf, type Rgba } from "../../graphics/colors";
import { blur, checkPixels, copyRect, createRaster, cropRaster, flatten, releasePixels, resample, rotate, words, type Raster } from "../../graphics/raster";
import type { TransformOperation } from "./schema";

const TRANSPARENT: Rgba = [0, 0, 0, 0];
const BLACK: Rgba = [0, 0, 0, 255];

/** What the operations need to know of the output: whether its format keeps alpha (fills default to transparent). */
export interface OperationContext {
  hasAlpha: boolean;
  format: string;
}

type Operation<T extends TransformOperation["type"]> = (raster: Raster, op: Extract<TransformOperation, { type: T }>, where: string, ctx: OperationContext) => Raster;

function fitted(raster: Raster, width: number, height: number, mode: "inside" | "outside"): { width: number; height: number } {
  const scale = mode === "inside" ? Math.min(width / raster.width, height / raster.height) : Math.max(width / raster.width, height / raster.height);
  return { width: Math.max(1, Math.round(raster.width * scale)), height: Math.max(1, Math.round(raster.height * scale)) };
}

const resize: Operation<"resize"> = (raster, op, where, ctx) => {
  const { width_in_px: width, height_in_px: height, fit } = op;
  if (fit === "fill") {
    checkPixels(width, height, where);
    return resample(raster, width, height);
  }
  if (fit === "inside" || fit === "outside") {
    const size = fitted(raster, width, height, fit);
    checkPixels(size.width, size.height, where);
    return resample(raster, size.width, size.height);
  }
  checkPixels(width, height, where);
  if (fit === "cover") {
    const size = fitted(raster, width, height, "outside");
    const scaled = resample(raster, Math.max(size.width, width), Math.max(size.height, height));
    return cropRaster(scaled, Math.floor((scaled.width - width) / 2), Math.floor((scaled.height - height) / 2), width, height);
  }
  // contain: letterboxed in transparency, or black where the output has no alpha.
  const size = fitted(raster, width, height, "inside");
  const scaled = resample(raster, Math.min(size.width, width), Math.min(size.height, height));
  const out = createRaster(width, height, ctx.hasAlpha ? TRANSPARENT : BLACK);
  copyRect(scaled, out, 0, 0, Math.floor((width - scaled.width) / 2), Math.floor((height - scaled.height) / 2), scaled.width, scaled.height);
  return out;
};

const crop: Operation<"crop"> = (raster, op, where) => {
  const { left_in_px: left, top_in_px: top, width_in_px: width, height_in_px: height } = op;
  if (left + width > raster.width || top + height > raster.height) {
    throw new ApiError(422, `${where}: the rectangle (${left}, ${top}) + ${width} × ${height} reaches outside the ${raster.width} × ${raster.height} image`);
  }
  return cropRaster(raster, left, top, width, height);
};

const extend: Operation<"extend"> = (raster, op, where) => {
  const width = raster.width + op.left_in_px + op.right_in_px;
  const height = raster.height + op.top_in_px + op.bottom_in_px;
  checkPixels(width, height, where);
  const out = createRaster(width, height, rgbaOf(op.hex_color));
  copyRect(raster, out, 0, 0, op.left_in_px, op.top_in_px, raster.width, raster.height);
  return out;
};

const trim: Operation<"trim"> = (raster, op) => {
  const { width, height, pixels } = raster;
  const ref = [pixels[0]!, pixels[1]!, pixels[2]!, pixels[3]!];
  const differs = (i: number) =>
    Math.abs(pixels[i]! - ref[0]!) > op.threshold ||
    Math.abs(pixels[i + 1]! - ref[1]!) > op.threshold ||
    Math.abs(pixels[i + 2]! - ref[2]!) > op.threshold ||
    Math.abs(pixels[i + 3]! - ref[3]!) > op.threshold;
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (differs((y * width + x) * 4)) {
        if (y < top) top = y;
        bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  // Nothing but border: the image is left as it is.
  if (bottom < 0) return raster;
  return cropRaster(raster, left, top, right - left + 1, bottom - top + 1);
};

const rotateOp: Operation<"rotate"> = (raster, op, where, ctx) =>
  rotate(raster, op.angle_in_degrees, op.hex_color ? rgbaOf(op.hex_color) : ctx.hasAlpha ? TRANSPARENT : BLACK, where);

function mirror(raster: Raster, vertical: boolean): Raster {
  const { width, height } = raster;
  const src = words(raster.pixels);
  const out = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    if (vertical) {
      out.set(src.subarray(y * width, (y + 1) * width), (height - 1 - y) * width);
    } else {
      for (let x = 0; x < width; x++) out[y * width + (width - 1 - x)] = src[y * width + x]!;
    }
  }
  return { width, height, pixels: new Uint8Array(out.buffer) };
}

const sharpen: Operation<"sharpen"> = (raster, op) => {
  const blurred = blur(raster, op.sigma);
  const out = raster.pixels.slice();
  for (let i = 0; i < out.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const value = 2 * raster.pixels[i + c]! - blurred.pixels[i + c]!;
      out[i + c] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  const sharpened = { ...raster, pixels: out };
  releasePixels(blurred, sharpened);
  return sharpened;
};

/** Applies `fn(r, g, b)` → [r, g, b] to every pixel, in place; alpha untouched. */
function mapColors(raster: Raster, fn: (r: number, g: number, b: number) => readonly [number, number, number]): Raster {
  const p = raster.pixels;
  for (let i = 0; i < p.length; i += 4) {
    const [r, g, b] = fn(p[i]!, p[i + 1]!, p[i + 2]!);
    p[i] = r;
    p[i + 1] = g;
    p[i + 2] = b;
  }
  return raster;
}

function luminance(r: number, g: number, b: number): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function rgbToHsl(r: number, g: number, b: number): [number, number, number] {
  const rn = r / 255;
  const gn = g / 255;
  const bn = b / 255;
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === rn ? (gn - bn) / d + (gn < bn ? 6 : 0) : max === gn ? (bn - rn) / d + 2 : (rn - gn) / d + 4;
  return [h * 60, s, l];
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const hue = (((h % 360) + 360) % 360) / 360;
  if (s === 0) {
    const v = Math.round(l * 255);
    return [v, v, v];
  }
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t: number) => {
    const tt = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    const v = tt < 1 / 6 ? p + (q - p) * 6 * tt : tt < 1 / 2 ? q : tt < 2 / 3 ? p + (q - p) * (2 / 3 - tt) * 6 : p;
    return Math.round(Math.min(1, Math.max(0, v)) * 255);
  };
  return [channel(hue + 1 / 3), channel(hue), channel(hue - 1 / 3)];
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

const modulate: Operation<"modulate"> = (raster, op) => {
  const brightness = op.brightness ?? 1;
  const saturation = op.saturation ?? 1;
  const hue = op.hue ?? 0;
  return mapColors(raster, (r, g, b) => {
    let [rr, gg, bb] = [r, g, b];
    if (hue !== 0 || saturation !== 1) {
      const [h, s, l] = rgbToHsl(r, g, b);
      [rr, gg, bb] = hslToRgb(h + hue, Math.min(1, s * saturation), l);
    }
    return [clamp(rr * brightness), clamp(gg * brightness), clamp(bb * brightness)];
  });
};

const tint: Operation<"tint"> = (raster, op) => {
  const [tr, tg, tb] = rgbaOf(op.hex_color);
  const [th, ts] = rgbToHsl(tr, tg, tb);
  return mapColors(raster, (r, g, b) => hslToRgb(th, ts, luminance(r, g, b) / 255));
};

function grayscale(raster: Raster): Raster {
  return mapColors(raster, (r, g, b) => {
    const y = clamp(luminance(r, g, b));
    return [y, y, y];
  });
}

/** The luminance below which (and above which) `share` of the pixels lie. */
function luminancePercentiles(raster: Raster, share: number): [number, number] {
  const histogram = new Uint32Array(256);
  const p = raster.pixels;
  for (let i = 0; i < p.length; i += 4) histogram[clamp(luminance(p[i]!, p[i + 1]!, p[i + 2]!))]!++;
  const total = p.length / 4;
  const cut = total * share;
  let low = 0;
  for (let seen = 0; low < 255 && seen + histogram[low]! <= cut; low++) seen += histogram[low]!;
  let high = 255;
  for (let seen = 0; high > 0 && seen + histogram[high]! <= cut; high--) seen += histogram[high]!;
  return [low, high];
}

function autoContrast(raster: Raster): Raster {
  const [low, high] = luminancePercentiles(raster, 0.005);
  if (high <= low) return raster;
  const scale = 255 / (high - low);
  const table = Uint8Array.from({ length: 256 }, (_, v) => clamp((v - low) * scale));
  return mapColors(raster, (r, g, b) => [table[r]!, table[g]!, table[b]!]);
}

const gamma: Operation<"gamma"> = (raster, op) => {
  const table = Uint8Array.from({ length: 256 }, (_, v) => clamp(255 * Math.pow(v / 255, 1 / op.gamma)));
  return mapColors(raster, (r, g, b) => [table[r]!, table[g]!, table[b]!]);
};

const threshold: Operation<"threshold"> = (raster, op) =>
  mapColors(raster, (r, g, b) => {
    if (op.is_grayscale) {
      const v = luminance(r, g, b) >= op.value ? 255 : 0;
      return [v, v, v];
    }
    return [r >= op.value ? 255 : 0, g >= op.value ? 255 : 0, b >= op.value ? 255 : 0];
  });

const opacity: Operation<"opacity"> = (raster, op) => {
  const p = raster.pixels;
  const factor = op.opacity_in_percent / 100;
  for (let i = 3; i < p.length; i += 4) p[i] = Math.round(p[i]! * factor);
  return raster;
};

/**
 * Median of a `size` × `size` window per channel (Huang's sliding histogram: the window moves a column at a time
 * and the median is walked from where it was, so a pixel costs O(size), not O(size²)).
 */
const denoise: Operation<"denoise"> = (raster, op) => {
  const { width, height, pixels } = raster;
  const before = Math.floor((op.size - 1) / 2);
  const after = op.size - 1 - before;
  const out = new Uint8Array(pixels.length);
  const histogram = new Uint32Array(256);
  for (let c = 0; c < 4; c++) {
    for (let y = 0; y < height; y++) {
      histogram.fill(0);
      const top = Math.max(0, y - before);
      const bottom = Math.min(height - 1, y + after);
      const column = (x: number, delta: 1 | -1) => {
        for (let yy = top; yy <= bottom; yy++) histogram[pixels[(yy * width + x) * 4 + c]!]! += delta;
      };
      let count = 0;
      for (let x = 0; x <= Math.min(width - 1, after); x++) {
        column(x, 1);
        count += bottom - top + 1;
      }
      let median = 0;
      let below = 0; // pixels in the window with a value < median
      const settle = () => {
        const half = Math.floor((count - 1) / 2);
        while (median < 255 && below + histogram[median]! <= half) below += histogram[median++]!;
        while (median > 0 && below > half) below -= histogram[--median]!;
      };
      for (let x = 0; x < width; x++) {
        settle();
        out[(y * width + x) * 4 + c] = median;
        const leaving = x - before;
        const entering = x + after + 1;
        if (leaving >= 0) {
          for (let yy = top; yy <= bottom; yy++) {
            const v = pixels[(yy * width + leaving) * 4 + c]!;
            histogram[v]!--;
            if (v < median) below--;
          }
          count -= bottom - top + 1;
        }
        if (entering < width) {
          for (let yy = top; yy <= bottom; yy++) {
            const v = pixels[(yy * width + entering) * 4 + c]!;
            histogram[v]!++;
            if (v < median) below++;
          }
          count += bottom - top + 1;
        }
      }
    }
  }
  return { width, height, pixels: out };
};

const upscale: Operation<"upscale"> = (raster, op, where) => {
  const width = raster.width * op.factor;
  const height = raster.height * op.factor;
  checkPixels(width, height, where);
  return resample(raster, width, height);
};

/** Every pixel operation by type; the encoding ones (convert, compress_to_size) and the heuristics live elsewhere. */
export const PIXEL_OPERATIONS = {
  resize,
  crop,
  extend,
  trim,
  rotate: rotateOp,
  flip: (raster) => mirror(raster, true),
  flop: (raster) => mirror(raster, false),
  blur: (raster, op) => blur(raster, op.sigma),
  sharpen,
  modulate,
  tint,
  grayscale,
  invert_colors: (raster) => mapColors(raster, (r, g, b) => [255 - r, 255 - g, 255 - b]),
  auto_contrast: autoContrast,
  gamma,
  remove_transparency: (raster, op) => flatten(raster, rgbaOf(op.hex_color)),
  threshold,
  denoise,
  opacity,
  upscale,
} satisfies { [T in Exclude<TransformOperation["type"], "convert" | "compress_to_size" | "smart_crop" | "remove_background">]: Operation<T> };
