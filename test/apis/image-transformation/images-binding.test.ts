/**
 * remove_background with the Cloudflare Images binding (production): the picture goes to `segment: "foreground"`
 * and what comes back is used as it is. The binding is a fake here that keeps the red pixels (`wrangler dev`'s
 * simulation ignores `segment`, so it cannot stand in); its failures are 422s, never 500s.
 */
import { decode as decodePng, encode as encodePng } from "fast-png";
import { describe, expect, it } from "vitest";
import { transformImage } from "../../../src/apis/image-transformation/process";
import { TransformImageRequestSchema } from "../../../src/apis/image-transformation/schema";
import type { ProcessDeps } from "../../../src/apis/define";
import { base64Of, decodeAny, pixelAt, pngOf } from "../../helpers/images";

const RED = [255, 0, 0, 255];
/** Red in the middle of a noisy background the colour heuristic could not remove. */
const scene = pngOf(20, 20, (x, y) => (x >= 5 && x < 15 && y >= 5 && y < 15 ? RED : [(x * 47) % 256, (y * 91) % 256, ((x + y) * 13) % 256, 255]));

function fakeImages(calls: unknown[], fail = false) {
  return {
    input: (stream: ReadableStream<Uint8Array>) => ({
      transform: (options: Record<string, unknown>) => ({
        output: async (output: { format: string }) => {
          calls.push({ options, output });
          if (fail) throw new Error("IMAGES_TRANSFORM_ERROR 9422");
          const png = decodePng(new Uint8Array(await new Response(stream).arrayBuffer()));
          const data = new Uint8Array(png.data as Uint8Array);
          for (let i = 0; i < data.length; i += 4) if (!(data[i] === 255 && data[i + 1] === 0 && data[i + 2] === 0)) data[i + 3] = 0;
          return { response: () => new Response(encodePng({ width: png.width, height: png.height, data, channels: 4 })) };
        },
      }),
    }),
  };
}

const deps = (images: unknown): ProcessDeps => ({ fetcher: null as never, assets: null as never, settings: {}, bindings: { IMAGES: images } });
const request = (operations: unknown[]) => TransformImageRequestSchema.parse({ file: { type: "base64", base64: base64Of(scene) }, operations });

describe("remove_background with the Images binding", () => {
  it("asks for segment: foreground and keeps the subject it returns", async () => {
    const calls: unknown[] = [];
    const result = await transformImage(request([{ type: "remove_background" }]), deps(fakeImages(calls)));
    expect(calls).toEqual([{ options: { segment: "foreground" }, output: { format: "image/png" } }]);
    if (result.kind !== "binary") throw new Error("expected an image");
    const out = await decodeAny(result.bytes);
    expect(pixelAt(out, 10, 10)).toEqual(RED);
    expect(pixelAt(out, 1, 1)[3]).toBe(0);
  });

  it("fills the background with background_hex_color", async () => {
    const result = await transformImage(request([{ type: "remove_background", background_hex_color: "#0000FF" }]), deps(fakeImages([])));
    if (result.kind !== "binary") throw new Error("expected an image");
    expect(pixelAt(await decodeAny(result.bytes), 1, 1)).toEqual([0, 0, 255, 255]);
  });

  it("turns a failure of the binding into a 422 naming the operation", async () => {
    await expect(transformImage(request([{ type: "flip" }, { type: "remove_background" }]), deps(fakeImages([], true)))).rejects.toMatchObject({
      status: 422,
      message: "operations.1 (remove_background): the Images binding could not segment the image (IMAGES_TRANSFORM_ERROR 9422)",
    });
  });
});
