/**
 * Straight RGBA rasters and the resampling and filtering every image operation builds on: Lanczos-3 resizing,
 * gaussian blur, and rotation by any angle. All work on premultiplied colour internally (so transparent pixels
 * never bleed their hidden colour into their neighbours, as sharp and libvips do it) and on 8-bit buffers, so an
 * intermediate is no larger than the image it becomes.
 */
import { MAX_IMAGE_PIXELS } from "../budgets";
import { ApiError } from "../errors";

export interface Raster {
  width: number;
  height: number;
  /** Straight (not premultiplied) RGBA, row by row. */
  pixels: Uint8Array;
}

/** An RGBA pixel as the one 32-bit word it is in a raster's `Uint32Array` view (little-endian, as Workers run). */
function rgbaWord(r: number, g: number, b: number, a: number): number {
  return (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
}

export function createRaster(width: number, height: number, fill?: readonly [number, number, number, number]): Raster {
  const pixels = new Uint8Array(width * height * 4);
  if (fill && (fill[0] | fill[1] | fill[2] | fill[3]) !== 0) {
    new Uint32Array(pixels.buffer).fill(rgbaWord(...fill));
  }
  return { width, height, pixels };
}

/**
 * Frees a raster's pixels at once when `kept` does not share them: the buffer is detached (transferred to zero
 * length), so a chain of operations holds one intermediate at a time instead of leaving each to the garbage
 * collector, which counts ArrayBuffers late. A buffer that cannot be detached (a view of wasm memory) is left to
 * the collector.
 */
export function releasePixels(done: Raster, kept: Raster): void {
  if (done.pixels.buffer === kept.pixels.buffer) return;
  try {
    (done.pixels.buffer as ArrayBuffer & { transfer?(length: number): ArrayBuffer }).transfer?.(0);
  } catch {
    // Not detachable: collected as usual.
  }
}

/** Fills the rectangle (whole pixels, clipped to the raster) with one colour, replacing what was there. */
export function fillRect(raster: Raster, rect: { x: number; y: number; width: number; height: number }, [r, g, b, a]: readonly [number, number, number, number]): void {
  const color = rgbaWord(r, g, b, a);
  const words = new Uint32Array(raster.pixels.buffer, raster.pixels.byteOffset, raster.pixels.byteLength / 4);
  const left = Math.max(0, rect.x);
  const right = Math.min(raster.width, rect.x + rect.width);
  for (let row = Math.max(0, rect.y); row < Math.min(raster.height, rect.y + rect.height) && left < right; row++) {
    words.fill(color, row * raster.width + left, row * raster.width + right);
  }
}

/** Refuses a result larger than the pixel budget before it is allocated: a 422 naming `where`. */
export function checkPixels(width: number, height: number, where: string): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ApiError(422, `${where}: the result would be ${width} × ${height} pixels; at most ${MAX_IMAGE_PIXELS} are allowed`);
  }
}

/** A premultiplied copy of straight RGBA. */
export function premultiply(pixels: Uint8Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 4) {
    const a = pixels[i + 3]!;
    if (a === 255) {
      out[i] = pixels[i]!;
      out[i + 1] = pixels[i + 1]!;
      out[i + 2] = pixels[i + 2]!;
    } else if (a > 0) {
      out[i] = (pixels[i]! * a + 127) / 255;
      out[i + 1] = (pixels[i + 1]! * a + 127) / 255;
      out[i + 2] = (pixels[i + 2]! * a + 127) / 255;
    }
    out[i + 3] = a;
  }
  return out;
}

/** Premultiplied RGBA back to straight, in place. */
export function unpremultiplyInPlace(pixels: Uint8Array): void {
  for (let i = 0; i < pixels.length; i += 4) {
    const a = pixels[i + 3]!;
    if (a === 255) continue;
    if (a === 0) {
      pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
      continue;
    }
    pixels[i] = Math.min(255, Math.round((pixels[i]! * 255) / a));
    pixels[i + 1] = Math.min(255, Math.round((pixels[i + 1]! * 255) / a));
    pixels[i + 2] = Math.min(255, Math.round((pixels[i + 2]! * 255) / a));
  }
}

export function isOpaque(pixels: Uint8Array): boolean {
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 255) return false;
  return true;
}

/**
 * Runs `work` on premultiplied pixels (skipped for an opaque image, where they are the same; `work` is told which)
 * and returns straight ones.
 */
function inPremultiplied(raster: Raster, work: (pixels: Uint8Array, opaque: boolean) => Raster): Raster {
  const opaque = isOpaque(raster.pixels);
  const result = work(opaque ? raster.pixels : premultiply(raster.pixels), opaque);
  if (!opaque) unpremultiplyInPlace(result.pixels);
  return result;
}

const LANCZOS_A = 3;

function lanczos(x: number): number {
  if (x === 0) return 1;
  if (x <= -LANCZOS_A || x >= LANCZOS_A) return 0;
  const px = Math.PI * x;
  return (LANCZOS_A * Math.sin(px) * Math.sin(px / LANCZOS_A)) / (px * px);
}

/** For each output position along one axis: the first input index and the normalised weights (as 14-bit fixed point). */
function contributions(inSize: number, outSize: number): { start: Int32Array; count: Int32Array; weights: Int32Array; taps: number } {
  const scale = inSize / outSize;
  const support = LANCZOS_A * Math.max(1, scale);
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const filterScale = Math.max(1, scale);
  const raw = new Float64Array(taps);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const first = Math.max(0, Math.floor(center - support));
    const last = Math.min(inSize - 1, Math.ceil(center + support));
    let sum = 0;
    let n = 0;
    for (let i = first; i <= last && n < taps; i++, n++) {
      const w = lanczos((i + 0.5 - center) / filterScale);
      raw[n] = w;
      sum += w;
    }
    start[o] = first;
    count[o] = n;
    let fixedSum = 0;
    for (let k = 0; k < n; k++) {
      const w = Math.round(((raw[k]! / (sum || 1)) * (1 << 14)));
      weights[o * taps + k] = w;
      fixedSum += w;
    }
    // Rounding leftovers go to the centre tap, so a flat image stays exactly flat.
    weights[o * taps + Math.floor(n / 2)] = weights[o * taps + Math.floor(n / 2)]! + (1 << 14) - fixedSum;
  }
  return { start, count, weights, taps };
}

function clamp8(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

/** One separable pass: along rows (`horizontal`) or columns, from `inLength` to `outLength` samples. */
function resamplePass(src: Uint8Array, width: number, height: number, outLength: number, horizontal: boolean): Uint8Array {
  const inLength = horizontal ? width : height;
  const lines = horizontal ? height : width;
  const { start, count, weights, taps } = contributions(inLength, outLength);
  const outWidth = horizontal ? outLength : width;
  const out = new Uint8Array(outWidth * (horizontal ? height : outLength) * 4);
  const inStride = horizontal ? 4 : width * 4;
  const outStride = horizontal ? 4 : outWidth * 4;
  const half = 1 << 13;
  for (let line = 0; line < lines; line++) {
    const inBase = horizontal ? line * width * 4 : line * 4;
    const outBase = horizontal ? line * outWidth * 4 : line * 4;
    for (let o = 0; o < outLength; o++) {
      let r = half;
      let g = half;
      let b = half;
      let a = half;
      let at = inBase + start[o]! * inStride;
      const wBase = o * taps;
      const n = count[o]!;
      for (let k = 0; k < n; k++, at += inStride) {
        const w = weights[wBase + k]!;
        r += src[at]! * w;
        g += src[at + 1]! * w;
        b += src[at + 2]! * w;
        a += src[at + 3]! * w;
      }
      const to = outBase + o * outStride;
      out[to] = clamp8(r >> 14);
      out[to + 1] = clamp8(g >> 14);
      out[to + 2] = clamp8(b >> 14);
      out[to + 3] = clamp8(a >> 14);
    }
  }
  return out;
}

/** Lanczos-3 resampling to exactly `width` × `height` (aspect not kept: callers decide the size). */
export function resample(raster: Raster, width: number, height: number): Raster {
  if (width === raster.width && height === raster.height) return { ...raster, pixels: raster.pixels.slice() };
  return inPremultiplied(raster, (src) => {
    // The pass that shrinks more goes first, so the intermediate is the smaller one.
    const horizontalFirst = width / raster.width <= height / raster.height;
    if (horizontalFirst) {
      const mid = resamplePass(src, raster.width, raster.height, width, true);
      return { width, height, pixels: resamplePass(mid, width, raster.height, height, false) };
    }
    const mid = resamplePass(src, raster.width, raster.height, height, false);
    return { width, height, pixels: resamplePass(mid, raster.width, height, width, true) };
  });
}

/** A normalised gaussian kernel of standard deviation `sigma`, as 16-bit fixed point, radius ⌈3σ⌉. */
function gaussianKernel(sigma: number): Int32Array {
  const radius = Math.max(1, Math.ceil(sigma * 3));
  const raw = Array.from({ length: radius * 2 + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const sum = raw.reduce((total, w) => total + w, 0);
  const kernel = new Int32Array(raw.length);
  let fixedSum = 0;
  raw.forEach((w, i) => {
    kernel[i] = Math.round((w / sum) * (1 << 16));
    fixedSum += kernel[i]!;
  });
  kernel[radius]! += (1 << 16) - fixedSum;
  return kernel;
}

/**
 * The horizontal pass, a row at a time like the vertical one: each tap adds the row shifted left and right by its
 * distance (the kernel is symmetric: one multiply for the pair), so the inner loops run straight along memory.
 * Edge pixels repeat (clamped only in the first and last `radius` pixels of a row). `channels` 3 leaves alpha
 * alone (an opaque image: its 255s blur to 255).
 */
function convolveColumns(src: Uint8Array, width: number, height: number, kernel: Int32Array, channels: 3 | 4): Uint8Array {
  const stride = width * 4;
  const out = channels === 3 ? src.slice() : new Uint8Array(src.length);
  const radius = (kernel.length - 1) / 2;
  const centre = kernel[radius]!;
  const sum = new Int32Array(stride);
  // The interior: pixels whose whole window lies in the row.
  const from = Math.min(width, radius) * 4;
  const to = Math.max(from, (width - radius) * 4);
  for (let line = 0; line < height; line++) {
    const base = line * stride;
    for (let i = from; i < to; i++) sum[i] = (1 << 15) + src[base + i]! * centre;
    for (let k = 1; k <= radius; k++) {
      const w = kernel[radius + k]!;
      const shift = k * 4;
      if (channels === 4) {
        for (let i = from; i < to; i++) sum[i]! += (src[base + i - shift]! + src[base + i + shift]!) * w;
      } else {
        for (let i = from; i < to; i += 4) {
          const at = base + i;
          sum[i]! += (src[at - shift]! + src[at + shift]!) * w;
          sum[i + 1]! += (src[at + 1 - shift]! + src[at + 1 + shift]!) * w;
          sum[i + 2]! += (src[at + 2 - shift]! + src[at + 2 + shift]!) * w;
        }
      }
    }
    for (let i = from; i < to; i += 4) {
      out[base + i] = sum[i]! >>> 16;
      out[base + i + 1] = sum[i + 1]! >>> 16;
      out[base + i + 2] = sum[i + 2]! >>> 16;
      if (channels === 4) out[base + i + 3] = sum[i + 3]! >>> 16;
    }
    // The edges, each tap's pixel clamped into the row.
    const edge = (x: number) => {
      for (let c = 0; c < channels; c++) {
        let total = 1 << 15;
        for (let k = -radius; k <= radius; k++) {
          total += src[base + Math.min(width - 1, Math.max(0, x + k)) * 4 + c]! * kernel[k + radius]!;
        }
        out[base + x * 4 + c] = total >>> 16;
      }
    };
    for (let x = 0; x < from / 4; x++) edge(x);
    for (let x = to / 4; x < width; x++) edge(x);
  }
  return out;
}

/**
 * The vertical pass row by row: each output row is the weighted sum of whole input rows, read contiguously (a
 * column-by-column walk strides through memory and is several times slower), the rows at the same distance above
 * and below added before one multiply. `channels` 3 leaves alpha alone.
 */
function convolveRows(src: Uint8Array, width: number, height: number, kernel: Int32Array, channels: 3 | 4): Uint8Array {
  const stride = width * 4;
  const out = channels === 3 ? src.slice() : new Uint8Array(src.length);
  const radius = (kernel.length - 1) / 2;
  const centre = kernel[radius]!;
  const sum = new Int32Array(stride);
  const row = (y: number) => Math.min(height - 1, Math.max(0, y)) * stride;
  for (let y = 0; y < height; y++) {
    const middle = y * stride;
    if (channels === 4) {
      for (let i = 0; i < stride; i++) sum[i] = (1 << 15) + src[middle + i]! * centre;
    } else {
      for (let i = 0; i < stride; i += 4) {
        sum[i] = (1 << 15) + src[middle + i]! * centre;
        sum[i + 1] = (1 << 15) + src[middle + i + 1]! * centre;
        sum[i + 2] = (1 << 15) + src[middle + i + 2]! * centre;
      }
    }
    for (let k = 1; k <= radius; k++) {
      const above = row(y - k);
      const below = row(y + k);
      const w = kernel[radius + k]!;
      if (channels === 4) {
        for (let i = 0; i < stride; i++) sum[i]! += (src[above + i]! + src[below + i]!) * w;
      } else {
        for (let i = 0; i < stride; i += 4) {
          sum[i]! += (src[above + i]! + src[below + i]!) * w;
          sum[i + 1]! += (src[above + i + 1]! + src[below + i + 1]!) * w;
          sum[i + 2]! += (src[above + i + 2]! + src[below + i + 2]!) * w;
        }
      }
    }
    if (channels === 4) {
      for (let i = 0; i < stride; i++) out[middle + i] = sum[i]! >>> 16;
    } else {
      for (let i = 0; i < stride; i += 4) {
        out[middle + i] = sum[i]! >>> 16;
        out[middle + i + 1] = sum[i + 1]! >>> 16;
        out[middle + i + 2] = sum[i + 2]! >>> 16;
      }
    }
  }
  return out;
}

/** The largest sigma blurred exactly (a kernel of 6σ + 1 taps); beyond it three box blurs, within a pixel value or two of a gaussian, keep the cost flat. */
const EXACT_SIGMA = 8;

/** One running-sum box pass of `radius` along rows (`horizontal`) or columns, edge pixels repeated. */
function boxBlurPass(src: Uint8Array, width: number, height: number, radius: number, horizontal: boolean): Uint8Array {
  const out = new Uint8Array(src.length);
  const length = horizontal ? width : height;
  const lines = horizontal ? height : width;
  const step = horizontal ? 4 : width * 4;
  const size = radius * 2 + 1;
  for (let line = 0; line < lines; line++) {
    const base = horizontal ? line * width * 4 : line * 4;
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += src[base + Math.min(length - 1, Math.max(0, k)) * step + c]!;
      for (let x = 0; x < length; x++) {
        out[base + x * step + c] = Math.round(sum / size);
        const add = Math.min(length - 1, x + radius + 1);
        const remove = Math.max(0, x - radius);
        sum += src[base + add * step + c]! - src[base + remove * step + c]!;
      }
    }
  }
  return out;
}

/** Gaussian blur of standard deviation `sigma` pixels: exact up to EXACT_SIGMA, three boxes beyond. */
export function blur(raster: Raster, sigma: number): Raster {
  const { width, height } = raster;
  if (sigma <= EXACT_SIGMA) {
    const kernel = gaussianKernel(sigma);
    return inPremultiplied(raster, (src, opaque) => {
      // An opaque image stays opaque: its alpha is not convolved.
      const channels = opaque ? 3 : 4;
      return { width, height, pixels: convolveRows(convolveColumns(src, width, height, kernel, channels), width, height, kernel, channels) };
    });
  }
  // Three boxes whose widths (odd, wl or wl + 2: Kovesi's choice) give together the gaussian's variance.
  const ideal = Math.sqrt((12 * sigma * sigma) / 3 + 1);
  const lower = Math.floor(ideal) % 2 === 0 ? Math.floor(ideal) - 1 : Math.floor(ideal);
  const lowerPasses = Math.round((12 * sigma * sigma - 3 * lower * lower - 12 * lower - 9) / (-4 * lower - 4));
  const radii = [0, 1, 2].map((pass) => ((pass < lowerPasses ? lower : lower + 2) - 1) / 2);
  return inPremultiplied(raster, (src) => {
    let pixels = src;
    for (const radius of radii) pixels = boxBlurPass(boxBlurPass(pixels, width, height, radius, true), width, height, radius, false);
    return { width, height, pixels };
  });
}

/** Composites straight RGBA onto an opaque colour, in place: the result is opaque. */
export function flatten(raster: Raster, [br, bg, bb]: readonly [number, number, number, number]): Raster {
  const p = raster.pixels;
  for (let i = 0; i < p.length; i += 4) {
    const a = p[i + 3]! / 255;
    if (a === 1) continue;
    p[i] = Math.round(p[i]! * a + br * (1 - a));
    p[i + 1] = Math.round(p[i + 1]! * a + bg * (1 - a));
    p[i + 2] = Math.round(p[i + 2]! * a + bb * (1 - a));
    p[i + 3] = 255;
  }
  return raster;
}

/**
 * Rotation clockwise by `degrees`: multiples of 90 move pixels exactly; other angles enlarge the canvas to hold
 * the whole turned image, sample bilinearly, and fill the uncovered corners with `fill` (straight RGBA).
 */
export function rotate(raster: Raster, degrees: number, fill: readonly [number, number, number, number], where: string): Raster {
  const turns = (((degrees % 360) + 360) % 360);
  if (turns % 90 === 0) return rotateRight(raster, turns / 90);
  const radians = (turns * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const { width: w, height: h } = raster;
  const outWidth = Math.ceil(Math.abs(w * cos) + Math.abs(h * sin) - 1e-9);
  const outHeight = Math.ceil(Math.abs(w * sin) + Math.abs(h * cos) - 1e-9);
  checkPixels(outWidth, outHeight, where);
  const fillPremultiplied = [(fill[0] * fill[3]) / 255, (fill[1] * fill[3]) / 255, (fill[2] * fill[3]) / 255, fill[3]];
  const opaque = isOpaque(raster.pixels) && fill[3] === 255;
  const src = opaque ? raster.pixels : premultiply(raster.pixels);
  const out = new Uint8Array(outWidth * outHeight * 4);
  const cx = w / 2;
  const cy = h / 2;
  const ox = outWidth / 2;
  const oy = outHeight / 2;
  const sample = (x: number, y: number, c: number) => (x < 0 || y < 0 || x >= w || y >= h ? fillPremultiplied[c]! : src[(y * w + x) * 4 + c]!);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      // The output pixel's centre, turned back into the source (clockwise on screen, where y points down).
      const dx = x + 0.5 - ox;
      const dy = y + 0.5 - oy;
      const sx = dx * cos + dy * sin + cx - 0.5;
      const sy = -dx * sin + dy * cos + cy - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const to = (y * outWidth + x) * 4;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        // All four neighbours inside (most of the picture): read them straight, no bounds checks. The same
        // arithmetic as below, so the same bytes.
        const at = (y0 * w + x0) * 4;
        const below = at + w * 4;
        for (let c = 0; c < 4; c++) {
          const top = src[at + c]! * (1 - fx) + src[at + 4 + c]! * fx;
          const bottom = src[below + c]! * (1 - fx) + src[below + 4 + c]! * fx;
          out[to + c] = Math.round(top * (1 - fy) + bottom * fy);
        }
        continue;
      }
      if (x0 + 1 < 0 || y0 + 1 < 0 || x0 >= w || y0 >= h) {
        // All four outside (the corners the turn opens): the fill, by the same arithmetic.
        for (let c = 0; c < 4; c++) {
          const f = fillPremultiplied[c]!;
          const top = f * (1 - fx) + f * fx;
          out[to + c] = Math.round(top * (1 - fy) + top * fy);
        }
        continue;
      }
      for (let c = 0; c < 4; c++) {
        const top = sample(x0, y0, c) * (1 - fx) + sample(x0 + 1, y0, c) * fx;
        const bottom = sample(x0, y0 + 1, c) * (1 - fx) + sample(x0 + 1, y0 + 1, c) * fx;
        out[to + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  if (!opaque) unpremultiplyInPlace(out);
  return { width: outWidth, height: outHeight, pixels: out };
}

/** `quarterTurns` × 90° clockwise, exactly. */
function rotateRight(raster: Raster, quarterTurns: number): Raster {
  const { width: w, height: h, pixels } = raster;
  if (quarterTurns === 0) return { width: w, height: h, pixels: pixels.slice() };
  const swap = quarterTurns % 2 === 1;
  const outWidth = swap ? h : w;
  const outHeight = swap ? w : h;
  const src = words(pixels);
  const out = new Uint32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (quarterTurns === 1) for (let x = 0; x < w; x++) out[x * outWidth + (h - 1 - y)] = src[row + x]!;
    else if (quarterTurns === 2) for (let x = 0; x < w; x++) out[(h - 1 - y) * outWidth + (w - 1 - x)] = src[row + x]!;
    else for (let x = 0; x < w; x++) out[(w - 1 - x) * outWidth + y] = src[row + x]!;
  }
  return { width: outWidth, height: outHeight, pixels: new Uint8Array(out.buffer) };
}

/** The pixels as one 32-bit word each (copied first when the bytes do not start on a word boundary). */
export function words(pixels: Uint8Array): Uint32Array {
  const aligned = pixels.byteOffset % 4 === 0 ? pixels : pixels.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
}

/** Copies a rectangle of `from` into `to` (a raster of createRaster's, so its words can be written). */
export function copyRect(from: Raster, to: Raster, left: number, top: number, dx: number, dy: number, width: number, height: number): void {
  const src = words(from.pixels);
  const dst = new Uint32Array(to.pixels.buffer, to.pixels.byteOffset, to.pixels.length / 4);
  for (let y = 0; y < height; y++) {
    const s = (top + y) * from.width + left;
    dst.set(src.subarray(s, s + width), (dy + y) * to.width + dx);
  }
}

export function cropRaster(raster: Raster, left: number, top: number, width: number, height: number): Raster {
  const out = createRaster(width, height);
  copyRect(raster, out, left, top, 0, 0, width, height);
  return out;
}

/** An opaque colour stop of a gradient: `offset` from 0 to 1 along the gradient line, sorted. */
export interface GradientStop {
  offset: number;
  rgb: readonly [number, number, number];
}

/**
 * Fills the rectangle (whole pixels, clipped to the raster) with an opaque CSS `linear-gradient(<cssDegrees>deg,
 * …)` sized to the rectangle, as satori's SVG draws it through resvg: the gradient line runs through the centre at
 * the CSS angle (0 up, clockwise) with the length that puts the corners on the first and last stop, each pixel
 * takes the colour at its centre, padded past the ends, interpolated channel by channel and rounded.
 */
export function fillLinearGradient(raster: Raster, rect: { x: number; y: number; width: number; height: number }, cssDegrees: number, stops: readonly GradientStop[]): void {
  const angle = (cssDegrees * Math.PI) / 180;
  const ux = Math.sin(angle);
  const uy = -Math.cos(angle);
  const length = Math.abs(rect.width * ux) + Math.abs(rect.height * uy);
  // t at a point p: ((p - start) · u) / length, with start = centre - u · length / 2.
  const startX = rect.x + rect.width / 2 - (ux * length) / 2;
  const startY = rect.y + rect.height / 2 - (uy * length) / 2;
  const dtx = ux / length;
  const left = Math.max(0, rect.x);
  const right = Math.min(raster.width, rect.x + rect.width);
  const top = Math.max(0, rect.y);
  const bottom = Math.min(raster.height, rect.y + rect.height);
  const first = stops[0]!;
  const last = stops[stops.length - 1]!;
  const pixelWords = new Uint32Array(raster.pixels.buffer, raster.pixels.byteOffset, raster.pixels.byteLength / 4);
  const firstWord = rgbaWord(...first.rgb, 255);
  const lastWord = rgbaWord(...last.rgb, 255);
  for (let y = top; y < bottom; y++) {
    let t = ((left + 0.5 - startX) * ux + (y + 0.5 - startY) * uy) / length;
    let at = y * raster.width + left;
    for (let x = left; x < right; x++, at++, t += dtx) {
      if (t <= first.offset) {
        pixelWords[at] = firstWord;
        continue;
      }
      if (t >= last.offset) {
        pixelWords[at] = lastWord;
        continue;
      }
      let i = 1;
      while (stops[i]!.offset < t) i++;
      const from = stops[i - 1]!.rgb;
      const to = stops[i]!.rgb;
      const f = (t - stops[i - 1]!.offset) / (stops[i]!.offset - stops[i - 1]!.offset);
      // (v + 0.5) | 0 is Math.round for the non-negative channel values, without the call.
      const r = (from[0] + (to[0] - from[0]) * f + 0.5) | 0;
      const g = (from[1] + (to[1] - from[1]) * f + 0.5) | 0;
      const b = (from[2] + (to[2] - from[2]) * f + 0.5) | 0;
      pixelWords[at] = rgbaWord(r, g, b, 255);
    }
  }
}

/** Premultiplied `over` drawn onto premultiplied `under` (source-over), in place in `over`; both the same size. */
export function compositeOverInPlace(over: Uint8Array, under: Uint8Array): void {
  const overWords = new Uint32Array(over.buffer, over.byteOffset, over.byteLength / 4);
  const underWords = new Uint32Array(under.buffer, under.byteOffset, under.byteLength / 4);
  for (let p = 0; p < overWords.length; p++) {
    const word = overWords[p]!;
    const a = word >>> 24;
    if (a === 255) continue;
    if (a === 0) {
      // Nothing drawn here (most of a canvas of text): the pixel below as it is.
      overWords[p] = underWords[p]!;
      continue;
    }
    const keep = 255 - a;
    const i = p * 4;
    over[i] = over[i]! + Math.round((under[i]! * keep) / 255);
    over[i + 1] = over[i + 1]! + Math.round((under[i + 1]! * keep) / 255);
    over[i + 2] = over[i + 2]! + Math.round((under[i + 2]! * keep) / 255);
    over[i + 3] = a + Math.round((under[i + 3]! * keep) / 255);
  }
}
