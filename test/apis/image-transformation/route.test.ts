/**
 * The image transformation route: every input format decodes, every output format decodes back, the output
 * follows the input unless `convert` says otherwise, bad requests are 400s naming the field with nothing charged,
 * budgets are 422s refunded, and async mode delivers the result (or the error, refunded) by webhook.
 */
import { describe, expect, it } from "vitest";
import { encodeImage } from "../../../src/graphics/encode";
import { balanceOf, callJson, createAccount, jobsOf } from "../../helpers/http";
import { base64Of, bytesOf, colorDistance, decodeAny, pixelAt, pngOf } from "../../helpers/images";
import { waitForJob } from "../../helpers/jobs";
import { createReceiver } from "../../helpers/webhook-receiver";

const PATH = "/image-transformation/v1/transform";
const ORANGE = [249, 115, 22, 255];
/** 16 × 8: orange, with a transparent right half. */
const source = pngOf(16, 8, (x) => (x < 8 ? ORANGE : [0, 0, 0, 0]));
const sourceRaster = () => {
  const data = new Uint8Array(16 * 8 * 4);
  for (let i = 0; i < 16 * 8; i++) data.set(i % 16 < 8 ? ORANGE : [0, 0, 0, 0], i * 4);
  return data;
};

async function inFormat(format: "png" | "jpeg" | "webp" | "gif" | "avif"): Promise<Uint8Array> {
  return (await encodeImage(sourceRaster(), 16, 8, format, format === "jpeg" || format === "avif" ? { quality: 95 } : {})).bytes;
}

async function send(body: Record<string, unknown>, credits = 5) {
  const account = await createAccount(credits);
  const res = await callJson(PATH, { key: account.apiKey, body });
  return { ...res, account, balance: await balanceOf(account.accountId) };
}

const flop = [{ type: "flop" }];

describe("input formats", () => {
  it.each(["png", "jpeg", "webp", "gif", "avif"] as const)("reads %s and answers in the same format by default", async (format) => {
    const res = await send({ file: { type: "base64", base64: base64Of(await inFormat(format)) }, operations: flop });
    expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(200);
    expect(res.body.data.mime_type).toBe(`image/${format}`);
    const out = await decodeAny(bytesOf(res.body.data.buffer));
    expect([out.width, out.height]).toEqual([16, 8]);
    // Flopped: the orange half is now on the right.
    expect(colorDistance(pixelAt(out, 12, 4).slice(0, 3), ORANGE.slice(0, 3))).toBeLessThan(20);
    expect(res.balance).toBe(4);
  });

  it("rasterises SVG at its own size and answers PNG", async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="30" height="10"><rect width="15" height="10" fill="#2563EB"/></svg>`;
    const res = await send({ file: { type: "base64", base64: btoa(svg) }, operations: flop });
    expect(res.status).toBe(200);
    expect(res.body.data.mime_type).toBe("image/png");
    const out = await decodeAny(bytesOf(res.body.data.buffer));
    expect([out.width, out.height]).toEqual([30, 10]);
    expect(pixelAt(out, 25, 5)).toEqual([37, 99, 235, 255]);
    expect(pixelAt(out, 5, 5)[3]).toBe(0);
  });

  it.each([
    ["BMP", (() => {
      const bmp = new Uint8Array(58);
      bmp.set([0x42, 0x4d, 58]);
      new DataView(bmp.buffer).setInt32(18, 1, true);
      new DataView(bmp.buffer).setInt32(22, 1, true);
      return bmp;
    })(), "file: BMP is not an image format read here (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)"],
    ["a PDF", new TextEncoder().encode("%PDF-1.7\n"), "file: PDF is not an image format read here (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)"],
    ["a truncated PNG", source.subarray(0, 40), "file: the PNG file could not be decoded"],
  ])("refuses %s with a 422 naming file, refunded", async (_name, bytes, message) => {
    const res = await send({ file: { type: "base64", base64: base64Of(bytes) }, operations: flop });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(message);
    expect(res.balance).toBe(5);
  });

  it("refuses an image whose header says more pixels than the budget, before decoding it", async () => {
    const png = pngOf(1, 1, () => ORANGE);
    new DataView(png.buffer, png.byteOffset).setUint32(16, 11_000);
    new DataView(png.buffer, png.byteOffset).setUint32(20, 11_000);
    const res = await send({ file: { type: "base64", base64: base64Of(png) }, operations: flop });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("file: the image is 11000 × 11000 pixels; at most 4194304 pixels are decoded");
    expect(res.balance).toBe(5);
  });

  it("refuses a JPEG bomb by its header and a broken JPEG with 422s, refunded, and still reads JPEGs after them", async () => {
    const jpeg = await inFormat("jpeg");
    // The frame header (SOF0, FF C0): length, precision, then height and width, big-endian.
    const bomb = jpeg.slice();
    const sof = bomb.findIndex((byte, i) => byte === 0xff && bomb[i + 1] === 0xc0);
    expect(sof).toBeGreaterThan(0);
    new DataView(bomb.buffer).setUint16(sof + 5, 11_000);
    new DataView(bomb.buffer).setUint16(sof + 7, 11_000);
    const refused = await send({ file: { type: "base64", base64: base64Of(bomb) }, operations: flop });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe("file: the image is 11000 × 11000 pixels; at most 4194304 pixels are decoded");
    expect(refused.balance).toBe(5);
    // Cut before its frame header: neither libjpeg nor photon can read it, and the header check says so first.
    const broken = await send({ file: { type: "base64", base64: base64Of(jpeg.subarray(0, sof)) }, operations: flop });
    expect(broken.status).toBe(422);
    expect(broken.body.error).toBe("file: the image's size could not be read from its header (a damaged or truncated file)");
    expect(broken.balance).toBe(5);
    const read = await send({ file: { type: "base64", base64: base64Of(jpeg) }, operations: flop });
    expect(read.status).toBe(200);
    expect((await decodeAny(bytesOf(read.body.data.buffer))).width).toBe(16);
  });

  it.each([
    ["AVIF", "avif"],
    ["HEIC", "heic"],
  ])("refuses a%s file whose image extents ('ispe') say more pixels than the budget, before decoding it", async (_name, brand) => {
    // ftyp, then meta > iprp > ipco > an 'ispe' of 11000 × 11000: nothing else is needed to be refused.
    const bytes = new Uint8Array(64);
    const view = new DataView(bytes.buffer);
    const box = (at: number, size: number, type: string) => {
      view.setUint32(at, size);
      bytes.set(new TextEncoder().encode(type), at + 4);
    };
    box(0, 16, "ftyp");
    bytes.set(new TextEncoder().encode(brand), 8);
    box(16, 48, "meta"); // a full box: 4 bytes of version and flags follow its header
    box(28, 36, "iprp");
    box(36, 28, "ipco");
    box(44, 20, "ispe");
    view.setUint32(56, 11_000);
    view.setUint32(60, 11_000);
    const res = await send({ file: { type: "base64", base64: base64Of(bytes) }, operations: flop });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("file: the image is 11000 × 11000 pixels; at most 4194304 pixels are decoded");
    expect(res.balance).toBe(5);
    expect((await send({ file: { type: "base64", base64: base64Of(source) }, operations: flop })).status).toBe(200);
  });

  it("fetches a URL file through the guarded fetcher", async () => {
    const origin = createReceiver(() => new Response(source, { headers: { "Content-Type": "image/png" } }));
    const res = await send({ file: { type: "url", url: origin.url }, operations: flop });
    expect(res.status).toBe(200);
    expect(origin.deliveries).toHaveLength(1);
  });
});

describe("output formats", () => {
  it.each([
    ["png", "image/png"],
    ["jpeg", "image/jpeg"],
    ["webp", "image/webp"],
    ["avif", "image/avif"],
  ])("convert to %s decodes back to the picture", async (format, mimeType) => {
    const res = await send({ file: { type: "base64", base64: base64Of(source) }, operations: [{ type: "convert", format, quality: 90 }] });
    expect(res.status).toBe(200);
    expect(res.body.data.mime_type).toBe(mimeType);
    const out = await decodeAny(bytesOf(res.body.data.buffer));
    expect([out.width, out.height]).toEqual([16, 8]);
    expect(colorDistance(pixelAt(out, 3, 4).slice(0, 3), ORANGE.slice(0, 3))).toBeLessThan(20);
    // JPEG has no alpha: the transparent half is flattened (onto white).
    expect(pixelAt(out, 12, 4)[3]).toBe(format === "jpeg" ? 255 : 0);
  });

  it("quality changes the size of a lossy file", async () => {
    const photo = pngOf(64, 64, (x, y) => [(x * 37 + y * 11) % 256, (x * y) % 256, (x * 5 + y * 23) % 256, 255]);
    const sizes = [];
    for (const quality of [10, 95]) {
      const res = await send({ file: { type: "base64", base64: base64Of(photo) }, operations: [{ type: "convert", format: "webp", quality }] });
      sizes.push(bytesOf(res.body.data.buffer).length);
    }
    expect(sizes[0]).toBeLessThan(sizes[1]! / 2);
  });

  it("writes AVIF for images up to 3,145,728 pixels: a larger one is a 422 naming the convert, refunded", async () => {
    const big = pngOf(1800, 1800, () => ORANGE);
    const res = await send({ file: { type: "base64", base64: base64Of(big) }, operations: [{ type: "flip" }, { type: "convert", format: "avif" }] });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("operations.1 (convert): AVIF is written for images of at most 3145728 pixels; this one is 1800 × 1800 (resize it first, or choose webp)");
    expect(res.balance).toBe(5);
  });

  it("refuses heif at validation: 400 naming the field, nothing charged", async () => {
    const res = await send({ file: { type: "base64", base64: base64Of(source) }, operations: [{ type: "convert", format: "heif" }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("operations.0.format: heif cannot be written here: no HEIF encoder runs in Workers (png, jpeg, webp and avif can)");
    expect(res.balance).toBe(5);
  });
});

describe("compress_to_size", () => {
  const photo = pngOf(200, 150, (x, y) => [(x * 37 + y * 11) % 256, (x * y) % 256, (x * 5 + y * 23) % 256, 255]);

  it("gives the best quality that fits, as JPEG", async () => {
    const res = await send({ file: { type: "base64", base64: base64Of(photo) }, operations: [{ type: "convert", format: "jpeg" }, { type: "compress_to_size", max_file_size_in_bytes: 12_000 }] });
    expect(res.status).toBe(200);
    const bytes = bytesOf(res.body.data.buffer);
    expect(bytes.length).toBeLessThanOrEqual(12_000);
    expect(bytes.length).toBeGreaterThan(6_000);
    const out = await decodeAny(bytes);
    expect([out.width, out.height]).toEqual([200, 150]);
  });

  it("shrinks a PNG until it fits", async () => {
    // Noise: no PNG filter makes it small, so the whole image (checked first) is well past the limit.
    const noisy = pngOf(200, 150, (x, y) => {
      let h = Math.imul(x, 73_856_093) ^ Math.imul(y, 19_349_663);
      h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
      h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
      h = (h ^ (h >>> 16)) >>> 0;
      return [h & 255, (h >>> 8) & 255, (h >>> 16) & 255, 255];
    });
    const whole = await send({ file: { type: "base64", base64: base64Of(noisy) }, operations: [{ type: "convert", format: "png" }] });
    expect(bytesOf(whole.body.data.buffer).length).toBeGreaterThan(40_000);
    const res = await send({ file: { type: "base64", base64: base64Of(noisy) }, operations: [{ type: "compress_to_size", max_file_size_in_bytes: 20_000 }] });
    expect(res.status).toBe(200);
    const bytes = bytesOf(res.body.data.buffer);
    expect(bytes.length).toBeLessThanOrEqual(20_000);
    expect((await decodeAny(bytes)).width).toBeLessThan(200);
  });

  it("an impossible size is a 422 naming the operation, refunded", async () => {
    const res = await send({ file: { type: "base64", base64: base64Of(photo) }, operations: [{ type: "convert", format: "jpeg" }, { type: "compress_to_size", max_file_size_in_bytes: 10 }] });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("operations.1 (compress_to_size): no JPEG of this image fits in 10 bytes");
    expect(res.balance).toBe(5);
  });
});

describe("bad requests: 400 naming the field, nothing charged", () => {
  const file = { type: "base64", base64: base64Of(source) };
  it.each([
    ["an unknown operation", { file, operations: [{ type: "sepia" }] }, /^operations\.0\.type: /],
    ["no operations", { file, operations: [] }, /^operations: must hold at least one operation$/],
    ["31 operations", { file, operations: Array(31).fill({ type: "flip" }) }, /^operations: must hold at most 30 operations$/],
    ["a missing field", { file, operations: [{ type: "resize", width_in_px: 10, height_in_px: 10 }] }, /^operations\.0\.fit: /],
    ["a wrong field", { file, operations: [{ type: "blur", sigma: -1 }] }, /^operations\.0\.sigma: /],
    ["a missing file", { operations: [{ type: "flip" }] }, /^file: /],
    ["an http URL", { file: { type: "url", url: "http://example.com/a.png" }, operations: [{ type: "flip" }] }, /^file\.url: https is required/],
    ["a resize past the pixel budget", { file, operations: [{ type: "resize", width_in_px: 4000, height_in_px: 4000, fit: "fill" }] }, /^operations\.0: 4000 × 4000 is more than 4194304 pixels$/],
  ])("%s", async (_name, body, message) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
    expect(res.balance).toBe(5);
    expect(await jobsOf(res.account.accountId)).toHaveLength(0);
  });
});

describe("async mode", () => {
  it("delivers the transformed image by webhook", async () => {
    const receiver = createReceiver();
    const res = await send({ file: { type: "base64", base64: base64Of(source) }, operations: [{ type: "rotate", angle_in_degrees: 90 }], webhook_url: receiver.url });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (job) => job.deliveryStatus === "delivered");
    const payload = JSON.parse(receiver.deliveries[0]!.body);
    expect(payload).toMatchObject({ success: true, api: "image_transformation", job_id: res.body.job_id, data: { mime_type: "image/png" } });
    const out = await decodeAny(bytesOf(payload.data.buffer));
    expect([out.width, out.height]).toEqual([8, 16]);
    expect(await balanceOf(res.account.accountId)).toBe(4);
  });

  it("delivers the error and refunds when processing fails", async () => {
    const receiver = createReceiver();
    const res = await send({ file: { type: "base64", base64: base64Of(source) }, operations: [{ type: "crop", left_in_px: 10, top_in_px: 0, width_in_px: 10, height_in_px: 8 }], webhook_url: receiver.url });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (job) => job.deliveryStatus === "delivered");
    expect(JSON.parse(receiver.deliveries[0]!.body)).toEqual({
      success: false,
      api: "image_transformation",
      job_id: res.body.job_id,
      error: { message: "operations.0 (crop): the rectangle (10, 0) + 10 × 8 reaches outside the 16 × 8 image" },
    });
    expect(await balanceOf(res.account.accountId)).toBe(5);
  });
});


describe("HEIF input", () => {
  it("reads a HEIC photo (libheif) and answers JPEG, the nearest format written here", async () => {
    const { default: heic } = await import("../../fixtures/image-transformation/tiles.heic?inline");
    const base64 = (heic as string).replace(/^data:[^,]*,/, "");
    const res = await send({ file: { type: "base64", base64 }, operations: flop });
    expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(200);
    expect(res.body.data.mime_type).toBe("image/jpeg");
    const out = await decodeAny(bytesOf(res.body.data.buffer));
    expect([out.width, out.height]).toEqual([32, 16]);
    // tiles.heic: orange on the left, blue on the right (heif-enc -q 95); flopped.
    expect(colorDistance(pixelAt(out, 4, 8).slice(0, 3), [37, 99, 235])).toBeLessThan(24);
    expect(colorDistance(pixelAt(out, 28, 8).slice(0, 3), [249, 115, 22])).toBeLessThan(24);
  });
});
