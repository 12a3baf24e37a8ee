/**
 * The pixel budget, through the real path: a canvas over 2,097,152 pixels is a 400, an image input whose header
 * says more is a 422 naming the layer before anything decodes it, and auto-scaling long text stays bounded.
 */
import { PhotonImage } from "@cf-wasm/photon";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { imageDimensions } from "../../src/inputs/sniff";
import { balanceOf, callJson, createAccount } from "../helpers/http";

const b64 = (bytes: Uint8Array) => {
  let binary = "";
  bytes.forEach((byte) => (binary += String.fromCharCode(byte)));
  return btoa(binary);
};

/** A PNG whose header claims `width` × `height` (the pixel data does not matter: it is never decoded). */
function claimedPng(width: number, height: number): Uint8Array {
  const png = encodePng({ width: 1, height: 1, data: new Uint8Array(4), channels: 4 });
  const view = new DataView(png.buffer, png.byteOffset);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return png;
}

describe("image headers", () => {
  it("give the size of PNG, JPEG, WebP, GIF and BMP files", () => {
    const rgba = new Uint8Array(37 * 23 * 4).fill(200);
    expect(imageDimensions(encodePng({ width: 37, height: 23, data: rgba, channels: 4 }))).toEqual({ width: 37, height: 23 });
    expect(imageDimensions(jpeg.encode({ width: 37, height: 23, data: rgba }, 80).data)).toEqual({ width: 37, height: 23 });
    const photon = new PhotonImage(rgba, 37, 23);
    expect(imageDimensions(photon.get_bytes_webp())).toEqual({ width: 37, height: 23 });
    photon.free();
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 37, 0, 23, 0, 0, 0, 0]);
    expect(imageDimensions(gif)).toEqual({ width: 37, height: 23 });
    const bmp = new Uint8Array(54);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setInt32(18, 37, true);
    new DataView(bmp.buffer).setInt32(22, -23, true);
    expect(imageDimensions(bmp)).toEqual({ width: 37, height: 23 });
  });
});

describe("the pixel budget", () => {
  it("refuses an image input whose header says 11000 × 11000 pixels: 422 naming the layer, refunded", async () => {
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", {
      key: account.apiKey,
      body: { dimensions: { width_in_px: 10, height_in_px: 10 }, layers: [{ index: 0, type: "image", file: { type: "base64", base64: b64(claimedPng(11_000, 11_000)) } }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("layers.0 (image): the image is 11000 × 11000 pixels; at most 4194304 pixels are decoded");
    expect(await balanceOf(account.accountId)).toBe(10);
  });

  it("refuses the largest canvas of old, 8192 × 4882 (160 MB of RGBA), with a 400", async () => {
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", {
      key: account.apiKey,
      body: { dimensions: { width_in_px: 8192, height_in_px: 4882 }, layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF" }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("dimensions: canvas is 39993344 pixels; at most 2097152 are allowed");
    expect(await balanceOf(account.accountId)).toBe(10);
  });

  it("refuses a 4K UHD canvas (8,294,400 pixels) with a 400, and renders a Full HD one", async () => {
    const uhd = await createAccount(10);
    const refused = await callJson("/image-generation/v1/generate", {
      key: uhd.apiKey,
      body: { dimensions: { width_in_px: 3840, height_in_px: 2160 }, layers: [{ index: 0, type: "solid-color", hex_color: "#336699" }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe("dimensions: canvas is 8294400 pixels; at most 2097152 are allowed");
    expect(await balanceOf(uhd.accountId)).toBe(10);
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", {
      key: account.apiKey,
      body: { dimensions: { width_in_px: 1920, height_in_px: 1080 }, layers: [{ index: 0, type: "solid-color", hex_color: "#336699" }], output_format: "jpeg" },
    });
    expect(res.status).toBe(200);
    expect(jpeg.decode(Uint8Array.from(atob(res.body.data.buffer), (c) => c.charCodeAt(0))).width).toBe(1920);
  });

  it("auto-scales 10,000 characters of text into its box", async () => {
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", {
      key: account.apiKey,
      body: {
        dimensions: { width_in_px: 400, height_in_px: 300 },
        layers: [{ index: 0, type: "text", text: "lorem ipsum ".repeat(834).slice(0, 10_000), font_name: "Inter", font_size_in_px: 200, text_color: "#000000", should_auto_scale: true, dimensions: { width_in_px: 400, height_in_px: 300 } }],
      },
    });
    expect(res.status).toBe(200);
  }, 60_000);
});
