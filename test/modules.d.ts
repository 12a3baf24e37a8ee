// Type declarations for test-only decoders that ship none.
declare module "omggif" {
  export class GifReader {
    constructor(bytes: Uint8Array);
    width: number;
    height: number;
    decodeAndBlitFrameRGBA(frame: number, pixels: Uint8Array): void;
  }
}

// Source files read as text (Vite's `?raw`): the other languages' SDKs, checked for a method per API.
declare module "*?raw" {
  const text: string;
  export default text;
}
