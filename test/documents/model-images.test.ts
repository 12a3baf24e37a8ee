/**
 * Pictures a model reads: a BMP and a TIFF (Tika's), and PPM, PGM and PBM pages (poppler's pdftoppm wrote them) go
 * to the AI binding as PNG, whose pixels are exactly what Pillow decodes from the same files; a JPEG 2000 picture
 * (Pillow wrote it) is refused naming the file. Without the binding every one of them is an image input: the 422
 * that says describing it needs the binding.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { documentToMarkdown } from "../../src/apis/document-to-markdown";
import { createUrlFetcher } from "../../src/inputs/fetcher";
import { assetReader } from "../../src/jobs/deps";
import { convertDocument } from "../helpers/documents";
import { base64Of, bytesOf, decodeAny } from "../helpers/images";

const fixtures = import.meta.glob<string>("../fixtures/model-images/*.{bmp,tif,ppm,pgm,pbm,jp2,png}", { query: "?inline", import: "default", eager: true });
const fixture = (name: string) => bytesOf(fixtures[`../fixtures/model-images/${name}`]!.replace(/^data:[^,]*,/, ""));

function aiReceiving() {
  return {
    toMarkdown: vi.fn(async (files: { name: string; blob: Blob }[]) => files.map((file) => ({ name: file.name, format: "markdown", data: "A page." }))),
    run: async () => ({}),
  };
}

describe("pictures the model reads", () => {
  it.each([
    ["testBMP.bmp", "image/bmp", 100, 75],
    ["testTIFF.tif", "image/tiff", 100, 75],
    ["page.ppm", "image/x-portable-anymap", 102, 132],
    ["page.pgm", "image/x-portable-anymap", 102, 132],
    ["page.pbm", "image/x-portable-anymap", 102, 132],
  ])("sends %s to the binding as a PNG with Pillow's pixels", async (name, mimeType, width, height) => {
    const ai = aiReceiving();
    const deps = { fetcher: createUrlFetcher(new Set()), assets: assetReader(env.ASSETS), bindings: { AI: ai }, settings: {} };
    const result = await documentToMarkdown.process({ file: { type: "base64", name, base64: base64Of(fixture(name)) } }, deps);
    expect(result).toMatchObject({ kind: "json", data: { name, mime_type: mimeType, markdown: "A page." } });
    const sent = ai.toMarkdown.mock.calls[0]![0][0]!;
    expect(sent.blob.type).toBe("image/png");
    const png = await decodeAny(new Uint8Array(await sent.blob.arrayBuffer()));
    const reference = await decodeAny(fixture(`${name}.reference.png`));
    expect([png.width, png.height]).toEqual([width, height]);
    expect([reference.width, reference.height]).toEqual([width, height]);
    expect(png.data).toEqual(reference.data);
  });

  it("refuses a JPEG 2000 picture with a 422 naming it, and without the binding asks for it for every picture", async () => {
    const deps = { fetcher: createUrlFetcher(new Set()), assets: assetReader(env.ASSETS), bindings: { AI: aiReceiving() }, settings: {} };
    await expect(documentToMarkdown.process({ file: { type: "base64", name: "photo.jp2", base64: base64Of(fixture("testBMP.jp2")) } }, deps)).rejects.toMatchObject({
      status: 422,
      message: "photo.jp2: JPEG 2000 pictures are not decoded here; send it as PNG or JPEG",
    });
    for (const name of ["testBMP.jp2", "page.pbm", "testBMP.bmp"]) {
      // Sent with no name, each is known by its bytes.
      const res = await convertDocument("upload", fixture(name));
      expect(res.status, name).toBe(422);
      expect(res.body.error).toBe("file: upload is an image or a scan: describing it needs the Workers AI binding, which this deployment does not have");
      expect(res.spent).toBe(0);
    }
  });
});
