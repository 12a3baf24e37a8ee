/**
 * Intermediate rasters are freed as a chain of operations goes: releasePixels detaches a finished raster's buffer
 * (so its memory is returned at once, not when the collector gets to it) unless the next raster still uses it.
 */
import { describe, expect, it } from "vitest";
import { transformImage } from "../../src/apis/image-transformation/process";
import { TransformImageRequestSchema } from "../../src/apis/image-transformation/schema";
import { createRaster, releasePixels } from "../../src/graphics/raster";
import { base64Of, decodeAny, pixelAt, pngOf } from "../helpers/images";

describe("releasePixels", () => {
  it("detaches the finished raster's buffer, and leaves one the next raster shares", () => {
    const done = createRaster(64, 64, [10, 20, 30, 255]);
    const next = createRaster(64, 64);
    releasePixels(done, next);
    expect(done.pixels.byteLength).toBe(0);
    expect(next.pixels.byteLength).toBe(64 * 64 * 4);
    const shared = createRaster(8, 8, [1, 2, 3, 4]);
    releasePixels(shared, { ...shared, pixels: shared.pixels.subarray(0, 16) });
    expect(shared.pixels.byteLength).toBe(8 * 8 * 4);
    expect([...shared.pixels.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
  });

  it("leaves a chain's result intact: blur, sharpen, flop and resize in a row", async () => {
    const source = pngOf(32, 16, (x) => (x < 16 ? [240, 40, 40, 255] : [40, 40, 240, 255]));
    const input = TransformImageRequestSchema.parse({
      file: { type: "base64", base64: base64Of(source) },
      operations: [{ type: "blur", sigma: 0.5 }, { type: "sharpen", sigma: 1 }, { type: "flop" }, { type: "resize", width_in_px: 16, height_in_px: 8, fit: "fill" }, { type: "convert", format: "png" }],
    });
    const result = await transformImage(input, { fetcher: null as never, assets: null as never, settings: {}, bindings: {} });
    if (result.kind !== "binary") throw new Error("expected an image");
    const out = await decodeAny(result.bytes);
    expect([out.width, out.height]).toEqual([16, 8]);
    // Flopped: blue now on the left, red on the right.
    expect(pixelAt(out, 2, 4).slice(0, 3)).toEqual([40, 40, 240]);
    expect(pixelAt(out, 13, 4).slice(0, 3)).toEqual([240, 40, 40]);
  });
});
