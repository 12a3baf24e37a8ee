/**
 * A straight-alpha RGBA pixel buffer that layers are composited onto with source-over blending.
 */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0..255 */
  a: number;
}

export function parseHexColor(hex: string): Rgba {
  const digits = hex.startsWith("#") ? hex.slice(1) : hex;
  return {
    r: Number.parseInt(digits.slice(0, 2), 16),
    g: Number.parseInt(digits.slice(2, 4), 16),
    b: Number.parseInt(digits.slice(4, 6), 16),
    a: digits.length === 8 ? Number.parseInt(digits.slice(6, 8), 16) : 255,
  };
}

export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    // Starts fully transparent, as the contract's canvas does.
    this.pixels = new Uint8Array(width * height * 4);
  }

  /** Fills the rectangle [x0, x1) × [y0, y1), clipped to the canvas, blending `color` over what is there. */
  fillRect(x0: number, y0: number, x1: number, y1: number, color: Rgba): void {
    const left = Math.max(0, Math.min(this.width, Math.round(x0)));
    const right = Math.max(0, Math.min(this.width, Math.round(x1)));
    const top = Math.max(0, Math.min(this.height, Math.round(y0)));
    const bottom = Math.max(0, Math.min(this.height, Math.round(y1)));
    if (left >= right || top >= bottom || color.a === 0) {
      return;
    }
    if (color.a === 255) {
      // Opaque: whole rows at once through a 32-bit view (RGBA bytes in little-endian order).
      const packed = (color.r | (color.g << 8) | (color.b << 16) | (255 << 24)) >>> 0;
      const words = new Uint32Array(this.pixels.buffer, this.pixels.byteOffset, this.width * this.height);
      for (let y = top; y < bottom; y++) {
        words.fill(packed, y * this.width + left, y * this.width + right);
      }
      return;
    }
    const sa = color.a / 255;
    for (let y = top; y < bottom; y++) {
      for (let x = left; x < right; x++) {
        const i = (y * this.width + x) * 4;
        const da = this.pixels[i + 3]! / 255;
        const outA = sa + da * (1 - sa);
        const blend = (src: number, dst: number) => Math.round((src * sa + dst * da * (1 - sa)) / outA);
        this.pixels[i] = blend(color.r, this.pixels[i]!);
        this.pixels[i + 1] = blend(color.g, this.pixels[i + 1]!);
        this.pixels[i + 2] = blend(color.b, this.pixels[i + 2]!);
        this.pixels[i + 3] = Math.round(outA * 255);
      }
    }
  }
}
