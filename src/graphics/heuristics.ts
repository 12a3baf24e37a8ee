/**
 * The two operations that judge the picture rather than compute a formula: where the interesting part is (image
 * transformation's `smart_crop`, image generation's `should_use_smart_cropping`) and which pixels are background
 * (`remove_background`, `should_remove_background`). Both are deterministic heuristics, documented as such.
 */
import { ApiError } from "../errors";
import { cropRaster, resample, type Raster } from "./raster";

/** Analysis runs on a copy whose longer side is at most this: the score map, not the pixels, decides. */
const ANALYSIS_SIDE = 256;

/**
 * A saliency score per pixel after smartcrop.js: edges (Laplacian of luminance), skin tones and saturated
 * colour, each weighted as smartcrop weighs them (skin 1.8, saturation 0.3, edges 0.2 after its normalisation).
 */
function saliency(raster: Raster): Float32Array {
  const { width, height, pixels } = raster;
  const lum = new Float32Array(width * height);
  for (let i = 0; i < lum.length; i++) lum[i] = (0.2126 * pixels[i * 4]! + 0.7152 * pixels[i * 4 + 1]! + 0.0722 * pixels[i * 4 + 2]!) / 255;
  const score = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const at = (xx: number, yy: number) => lum[Math.min(height - 1, Math.max(0, yy)) * width + Math.min(width - 1, Math.max(0, xx))]!;
      const edge = Math.abs(4 * lum[i]! - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1));
      const r = pixels[i * 4]! / 255;
      const g = pixels[i * 4 + 1]! / 255;
      const b = pixels[i * 4 + 2]! / 255;
      const magnitude = Math.sqrt(r * r + g * g + b * b) || 1;
      // Distance from smartcrop's skin colour (0.78, 0.57, 0.44), normalised.
      const skinDistance = Math.sqrt((r / magnitude - 0.78) ** 2 + (g / magnitude - 0.57) ** 2 + (b / magnitude - 0.44) ** 2);
      const skin = lum[i]! > 0.2 && lum[i]! < 1 ? Math.max(0, 1 - skinDistance / 0.3) : 0;
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      const saturation = max === 0 ? 0 : (max - min) / max;
      const saturated = lum[i]! > 0.05 && lum[i]! < 0.9 ? Math.max(0, (saturation - 0.4) / 0.6) : 0;
      const alpha = pixels[i * 4 + 3]! / 255;
      score[i] = alpha * (edge * 2 + skin * 1.8 + saturated * 0.3);
    }
  }
  return score;
}

/**
 * Crops to `width` × `height`: the largest window of that aspect is slid across the image and the one whose
 * saliency (weighted towards its own centre, as smartcrop does) is highest wins, then resized to the exact size.
 * A featureless image is cropped at the centre.
 */
export function smartCrop(raster: Raster, width: number, height: number): Raster {
  const aspect = width / height;
  const cropWidth = Math.min(raster.width, Math.round(raster.height * aspect));
  const cropHeight = Math.min(raster.height, Math.round(raster.width / aspect));
  const scale = Math.min(1, ANALYSIS_SIDE / Math.max(raster.width, raster.height));
  const small = scale < 1 ? resample(raster, Math.max(1, Math.round(raster.width * scale)), Math.max(1, Math.round(raster.height * scale))) : raster;
  const map = saliency(small);
  const sw = Math.max(1, Math.round(cropWidth * (small.width / raster.width)));
  const sh = Math.max(1, Math.round(cropHeight * (small.height / raster.height)));
  // Summed-area table: any window's total in four lookups; the centre weighting uses a second, inner window.
  const stride = small.width + 1;
  const sums = new Float64Array(stride * (small.height + 1));
  for (let y = 0; y < small.height; y++) {
    let row = 0;
    for (let x = 0; x < small.width; x++) {
      row += map[y * small.width + x]!;
      sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1]! + row;
    }
  }
  const total = (x: number, y: number, w: number, h: number) => sums[(y + h) * stride + x + w]! - sums[y * stride + x + w]! - sums[(y + h) * stride + x]! + sums[y * stride + x]!;
  let best = { x: Math.floor((small.width - sw) / 2), y: Math.floor((small.height - sh) / 2), score: -1 };
  const everything = total(0, 0, small.width, small.height);
  if (everything > 1e-6 * small.width * small.height) {
    for (let y = 0; y <= small.height - sh; y++) {
      for (let x = 0; x <= small.width - sw; x++) {
        const inner = total(x + Math.floor(sw / 4), y + Math.floor(sh / 4), Math.max(1, Math.floor(sw / 2)), Math.max(1, Math.floor(sh / 2)));
        const score = total(x, y, sw, sh) + inner;
        if (score > best.score + 1e-9) best = { x, y, score };
      }
    }
  }
  const left = Math.min(raster.width - cropWidth, Math.round(best.x / (small.width / raster.width)));
  const top = Math.min(raster.height - cropHeight, Math.round(best.y / (small.height / raster.height)));
  const cropped = cropRaster(raster, Math.max(0, left), Math.max(0, top), cropWidth, cropHeight);
  return cropped.width === width && cropped.height === height ? cropped : resample(cropped, width, height);
}

/** How far (largest channel difference) a pixel may be from the background colour and still be background. */
const BACKGROUND_TOLERANCE = 24;

/**
 * Makes the background transparent: the colour that most of the border has (per-channel median), and every pixel
 * of that colour (within the tolerance) connected to the border. Edge pixels a little further from it get partial
 * alpha, so the cut-out is anti-aliased. A border without one dominant colour has no background to remove: a 422.
 */
export function removeUniformBackground(raster: Raster, where: string): Raster {
  const { width, height, pixels } = raster;
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(x, (height - 1) * width + x);
  for (let y = 1; y < height - 1; y++) border.push(y * width, y * width + width - 1);
  const median = [0, 1, 2].map((c) => {
    const values = border.map((i) => pixels[i * 4 + c]!).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)]!;
  });
  const distance = (i: number) => Math.max(Math.abs(pixels[i * 4]! - median[0]!), Math.abs(pixels[i * 4 + 1]! - median[1]!), Math.abs(pixels[i * 4 + 2]! - median[2]!));
  const matching = border.filter((i) => distance(i) <= BACKGROUND_TOLERANCE && pixels[i * 4 + 3]! > 0).length;
  if (matching < border.length * 0.5) {
    throw new ApiError(422, `${where}: the image has no uniform background touching its borders to remove (this deployment removes backgrounds by colour, not with a segmentation model)`);
  }
  const background = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  let head = 0;
  let tail = 0;
  for (const i of border) {
    if (!background[i] && distance(i) <= BACKGROUND_TOLERANCE) {
      background[i] = 1;
      queue[tail++] = i;
    }
  }
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % width;
    const neighbours = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width];
    for (const n of neighbours) {
      if (n >= 0 && n < width * height && !background[n] && distance(n) <= BACKGROUND_TOLERANCE) {
        background[n] = 1;
        queue[tail++] = n;
      }
    }
  }
  const out = pixels.slice();
  for (let i = 0; i < width * height; i++) {
    if (background[i]) {
      out[i * 4 + 3] = 0;
      continue;
    }
    const x = i % width;
    const touches = (x > 0 && background[i - 1]) || (x < width - 1 && background[i + 1]) || (i >= width && background[i - width]) || (i + width < width * height && background[i + width]);
    const d = distance(i);
    if (touches && d < BACKGROUND_TOLERANCE * 2) {
      out[i * 4 + 3] = Math.round((out[i * 4 + 3]! * (d - BACKGROUND_TOLERANCE)) / BACKGROUND_TOLERANCE);
    }
  }
  return { width, height, pixels: out };
}
