// Type declarations for the two encoders that ship none.
declare module "gifenc" {
  type Palette = number[][];
  export function quantize(rgba: Uint8Array, maxColors: number, options?: { format?: "rgb565" | "rgb444" | "rgba4444"; oneBitAlpha?: boolean | number }): Palette;
  export function applyPalette(rgba: Uint8Array, palette: Palette, format?: "rgb565" | "rgb444" | "rgba4444"): Uint8Array;
  export function GIFEncoder(): {
    writeFrame(index: Uint8Array, width: number, height: number, options?: { palette?: Palette; transparent?: boolean; transparentIndex?: number; delay?: number }): void;
    finish(): void;
    bytes(): Uint8Array;
  };
}

declare module "utif" {
  interface Ifd {
    width: number;
    height: number;
  }
  const UTIF: {
    encodeImage(rgba: Uint8Array, width: number, height: number): ArrayBuffer;
    decode(buffer: ArrayBufferLike): Ifd[];
    decodeImage(buffer: ArrayBufferLike, ifd: Ifd): void;
    toRGBA8(ifd: Ifd): Uint8Array;
  };
  export default UTIF;
}
