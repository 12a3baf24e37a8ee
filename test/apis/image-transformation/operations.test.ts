/**
 * Every operation through the route, judged on decoded pixels: sizes, colours at known points, mirrored pixels,
 * alpha. Inputs are small PNGs drawn pixel by pixel, so the expected colour of each point is known.
 */
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount } from "../../helpers/http";
import { base64Of, bytesOf, colorDistance, decodeAny, pixelAt, pngOf, type Decoded } from "../../helpers/images";

const PATH = "/image-transformation/v1/transform";
const RED = [255, 0, 0, 255];
const BLUE = [0, 0, 255, 255];
const WHITE = [255, 255, 255, 255];

/** 40 × 20: red on the left half, blue on the right, a white pixel at (0, 0). */
const halves = pngOf(40, 20, (x, y) => (x === 0 && y === 0 ? WHITE : x < 20 ? RED : BLUE));

async function transform(image: Uint8Array, operations: unknown[]): Promise<Decoded> {
  const account = await createAccount(5);
  const res = await callJson(PATH, { key: account.apiKey, body: { file: { type: "base64", base64: base64Of(image) }, operations } });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  expect(await balanceOf(account.accountId)).toBe(4);
  return { ...(await decodeAny(bytesOf(res.body.data.buffer))), mimeType: res.body.data.mime_type };
}

async function refused(image: Uint8Array, operations: unknown[]): Promise<{ status: number; error: string }> {
  const account = await createAccount(5);
  const res = await callJson(PATH, { key: account.apiKey, body: { file: { type: "base64", base64: base64Of(image) }, operations } });
  expect(await balanceOf(account.accountId)).toBe(5);
  return { status: res.status, error: res.body.error };
}

describe("geometry", () => {
  it("resize fill: exactly the size asked for, aspect ignored", async () => {
    const out = await transform(halves, [{ type: "resize", width_in_px: 10, height_in_px: 30, fit: "fill" }]);
    expect([out.width, out.height, out.mimeType]).toEqual([10, 30, "image/png"]);
    expect(colorDistance(pixelAt(out, 1, 15), RED)).toBeLessThan(8);
    expect(colorDistance(pixelAt(out, 8, 15), BLUE)).toBeLessThan(8);
  });

  it("resize inside and outside keep the aspect, within and covering the box", async () => {
    const inside = await transform(halves, [{ type: "resize", width_in_px: 20, height_in_px: 20, fit: "inside" }]);
    expect([inside.width, inside.height]).toEqual([20, 10]);
    const outside = await transform(halves, [{ type: "resize", width_in_px: 20, height_in_px: 20, fit: "outside" }]);
    expect([outside.width, outside.height]).toEqual([40, 20]);
  });

  it("resize cover: the size asked for, cropped at the centre", async () => {
    const out = await transform(halves, [{ type: "resize", width_in_px: 10, height_in_px: 20, fit: "cover" }]);
    expect([out.width, out.height]).toEqual([10, 20]);
    // The centre 10 px of the 40 px width: 5 red then 5 blue.
    expect(colorDistance(pixelAt(out, 1, 10), RED)).toBeLessThan(8);
    expect(colorDistance(pixelAt(out, 8, 10), BLUE)).toBeLessThan(8);
  });

  it("resize contain: letterboxed in transparency for PNG, in black for JPEG", async () => {
    const png = await transform(halves, [{ type: "resize", width_in_px: 40, height_in_px: 40, fit: "contain" }]);
    expect([png.width, png.height]).toEqual([40, 40]);
    expect(pixelAt(png, 20, 2)[3]).toBe(0);
    expect(colorDistance(pixelAt(png, 5, 20), RED)).toBeLessThan(8);
    const jpeg = await transform(halves, [{ type: "resize", width_in_px: 40, height_in_px: 40, fit: "contain" }, { type: "convert", format: "jpeg" }]);
    expect(colorDistance(pixelAt(jpeg, 20, 2).slice(0, 3), [0, 0, 0])).toBeLessThan(12);
  });

  it("crop: the rectangle asked for; one reaching outside the image is a 422 naming the operation, refunded", async () => {
    const out = await transform(halves, [{ type: "crop", left_in_px: 15, top_in_px: 5, width_in_px: 10, height_in_px: 4 }]);
    expect([out.width, out.height]).toEqual([10, 4]);
    expect(pixelAt(out, 4, 0)).toEqual(RED);
    expect(pixelAt(out, 5, 0)).toEqual(BLUE);
    const outside = await refused(halves, [{ type: "flip" }, { type: "crop", left_in_px: 35, top_in_px: 0, width_in_px: 10, height_in_px: 4 }]);
    expect(outside).toEqual({ status: 422, error: "operations.1 (crop): the rectangle (35, 0) + 10 × 4 reaches outside the 40 × 20 image" });
  });

  it("extend: a border of the colour on each side", async () => {
    const out = await transform(halves, [{ type: "extend", top_in_px: 1, bottom_in_px: 2, left_in_px: 3, right_in_px: 4, hex_color: "#00FF0080" }]);
    expect([out.width, out.height]).toEqual([47, 23]);
    expect(pixelAt(out, 0, 0)).toEqual([0, 255, 0, 128]);
    expect(pixelAt(out, 46, 22)).toEqual([0, 255, 0, 128]);
    expect(pixelAt(out, 3, 1)).toEqual(WHITE);
  });

  it("trim: removes a border of the corner's colour, within the threshold", async () => {
    const framed = pngOf(30, 20, (x, y) => (x >= 5 && x < 25 && y >= 4 && y < 16 ? RED : x === 29 && y === 19 ? [250, 250, 250, 255] : WHITE));
    const out = await transform(framed, [{ type: "trim", threshold: 10 }]);
    expect([out.width, out.height]).toEqual([20, 12]);
    expect(pixelAt(out, 0, 0)).toEqual(RED);
  });

  it("rotate 90: exact, clockwise (the top-left pixel goes to the top-right)", async () => {
    const out = await transform(halves, [{ type: "rotate", angle_in_degrees: 90 }]);
    expect([out.width, out.height]).toEqual([20, 40]);
    expect(pixelAt(out, 19, 0)).toEqual(WHITE);
    expect(pixelAt(out, 5, 39)).toEqual(BLUE);
    const back = await transform(halves, [{ type: "rotate", angle_in_degrees: -270 }]);
    expect(pixelAt(back, 19, 0)).toEqual(WHITE);
    const half = await transform(halves, [{ type: "rotate", angle_in_degrees: 180 }]);
    expect(pixelAt(half, 39, 19)).toEqual(WHITE);
  });

  it("rotate 33: a larger canvas, corners transparent for PNG or the colour asked for", async () => {
    const square = pngOf(40, 40, () => RED);
    const out = await transform(square, [{ type: "rotate", angle_in_degrees: 33 }]);
    const side = Math.ceil(40 * (Math.cos((33 * Math.PI) / 180) + Math.sin((33 * Math.PI) / 180)));
    expect([out.width, out.height]).toEqual([side, side]);
    expect(pixelAt(out, 0, 0)[3]).toBe(0);
    expect(pixelAt(out, side >> 1, side >> 1)).toEqual(RED);
    const filled = await transform(square, [{ type: "rotate", angle_in_degrees: 33, hex_color: "#00FF00" }]);
    expect(pixelAt(filled, 0, 0)).toEqual([0, 255, 0, 255]);
  });

  it("flip mirrors top and bottom, flop left and right", async () => {
    const flipped = await transform(halves, [{ type: "flip" }]);
    expect(pixelAt(flipped, 0, 19)).toEqual(WHITE);
    expect(pixelAt(flipped, 0, 0)).toEqual(RED);
    const flopped = await transform(halves, [{ type: "flop" }]);
    expect(pixelAt(flopped, 39, 0)).toEqual(WHITE);
    expect(pixelAt(flopped, 0, 10)).toEqual(BLUE);
  });

  it("upscale 3: three times the size, and past the pixel budget a 422 naming the operation", async () => {
    const out = await transform(halves, [{ type: "upscale", factor: 3 }]);
    expect([out.width, out.height]).toEqual([120, 60]);
    expect(colorDistance(pixelAt(out, 30, 30), RED)).toBeLessThan(4);
    const big = pngOf(1200, 1200, () => BLUE);
    expect(await refused(big, [{ type: "upscale", factor: 4 }])).toEqual({ status: 422, error: "operations.0 (upscale): the result would be 4800 × 4800 pixels; at most 4194304 are allowed" });
  });

  it("extend past the pixel budget is a 422 naming the operation; past 8192 px a side a 400", async () => {
    const sides = { top_in_px: 4000, bottom_in_px: 4000, left_in_px: 4000, right_in_px: 4000, hex_color: "#000000" };
    expect(await refused(halves, [{ type: "extend", ...sides }])).toEqual({ status: 422, error: "operations.0 (extend): the result would be 8040 × 8020 pixels; at most 4194304 are allowed" });
    const far = await refused(halves, [{ type: "extend", ...sides, top_in_px: 30_000 }]);
    expect(far.status).toBe(400);
    expect(far.error).toMatch(/^operations\.0\.top_in_px: /);
  });

  it("smart_crop: the exact size, where the picture is busy", async () => {
    // Flat grey on the left, a checkerboard of 4-pixel squares (which survives the 2× reduction) on the right.
    const scene = pngOf(80, 40, (x, y) => (x < 40 ? [128, 128, 128, 255] : (Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const out = await transform(scene, [{ type: "smart_crop", width_in_px: 20, height_in_px: 20 }]);
    expect([out.width, out.height]).toEqual([20, 20]);
    const greys = Array.from({ length: 20 }, (_, x) => pixelAt(out, x, 10)).filter((p) => colorDistance(p, [128, 128, 128, 255]) < 20).length;
    expect(greys).toBeLessThan(10);
  });
});

describe("tone and colour", () => {
  const mid = pngOf(4, 4, () => [200, 100, 50, 255]);

  it("modulate: brightness, saturation and hue", async () => {
    expect(pixelAt(await transform(mid, [{ type: "modulate", brightness: 0.5 }]), 1, 1)).toEqual([100, 50, 25, 255]);
    const gray = pixelAt(await transform(mid, [{ type: "modulate", saturation: 0 }]), 1, 1);
    expect(gray[0]).toBe(gray[1]);
    expect(gray[1]).toBe(gray[2]);
    const red = pngOf(2, 2, () => RED);
    expect(colorDistance(pixelAt(await transform(red, [{ type: "modulate", hue: 120 }]), 0, 0), [0, 255, 0, 255])).toBeLessThan(2);
    expect(await refused(mid, [{ type: "modulate" }])).toEqual({ status: 400, error: "operations.0: modulate needs at least one of brightness, saturation and hue" });
  });

  it("tint keeps the luminance and takes the colour's hue", async () => {
    const grey = pngOf(2, 2, () => [128, 128, 128, 255]);
    const [r, g, b] = pixelAt(await transform(grey, [{ type: "tint", hex_color: "#FF0000" }]), 0, 0);
    expect(r).toBeGreaterThan(g! + 100);
    expect(g).toBe(b);
  });

  it("grayscale: Rec. 709 luminance in every channel", async () => {
    // 0.2126 × 200 + 0.7152 × 100 + 0.0722 × 50 = 117.65
    expect(pixelAt(await transform(mid, [{ type: "grayscale" }]), 0, 0)).toEqual([118, 118, 118, 255]);
  });

  it("invert_colors: 255 minus each channel, alpha kept", async () => {
    const translucent = pngOf(2, 2, () => [200, 100, 50, 77]);
    expect(pixelAt(await transform(translucent, [{ type: "invert_colors" }]), 0, 0)).toEqual([55, 155, 205, 77]);
  });

  it("auto_contrast stretches a dull image to the full range", async () => {
    const dull = pngOf(20, 1, (x) => [100 + x * 2, 100 + x * 2, 100 + x * 2, 255]);
    const out = await transform(dull, [{ type: "auto_contrast" }]);
    expect(pixelAt(out, 0, 0)[0]).toBe(0);
    expect(pixelAt(out, 19, 0)[0]).toBe(255);
  });

  it("gamma above 1 brightens the mid-tones and keeps black and white", async () => {
    const ramp = pngOf(3, 1, (x) => [[0, 128, 255][x]!, [0, 128, 255][x]!, [0, 128, 255][x]!, 255]);
    const out = await transform(ramp, [{ type: "gamma", gamma: 2.2 }]);
    expect([pixelAt(out, 0, 0)[0], pixelAt(out, 1, 0)[0], pixelAt(out, 2, 0)[0]]).toEqual([0, 186, 255]);
  });

  it("threshold: black and white at the value, or per channel", async () => {
    expect(pixelAt(await transform(mid, [{ type: "threshold", value: 118, is_grayscale: true }]), 0, 0)).toEqual([0, 0, 0, 255]);
    expect(pixelAt(await transform(mid, [{ type: "threshold", value: 117 }]), 0, 0)).toEqual(WHITE);
    expect(pixelAt(await transform(mid, [{ type: "threshold", value: 99, is_grayscale: false }]), 0, 0)).toEqual([255, 255, 0, 255]);
  });

  it("opacity multiplies alpha; remove_transparency flattens onto the colour", async () => {
    expect(pixelAt(await transform(mid, [{ type: "opacity", opacity_in_percent: 50 }]), 0, 0)).toEqual([200, 100, 50, 128]);
    const clear = pngOf(2, 2, (x) => (x === 0 ? [0, 0, 0, 0] : [255, 0, 0, 128]));
    const flat = await transform(clear, [{ type: "remove_transparency", hex_color: "#0000FF" }]);
    expect(pixelAt(flat, 0, 0)).toEqual([0, 0, 255, 255]);
    expect(colorDistance(pixelAt(flat, 1, 0), [128, 0, 127, 255])).toBeLessThan(2);
  });
});

describe("filters", () => {
  const edge = pngOf(20, 4, (x) => (x < 10 ? [0, 0, 0, 255] : WHITE));

  it("blur turns an edge into a ramp and leaves flat areas flat", async () => {
    const out = await transform(edge, [{ type: "blur", sigma: 2 }]);
    const row = Array.from({ length: 20 }, (_, x) => pixelAt(out, x, 2)[0]!);
    expect(row[0]).toBe(0);
    expect(row[19]).toBe(255);
    expect(row[9]).toBeGreaterThan(60);
    expect(row[10]).toBeLessThan(195);
    expect(row).toEqual([...row].sort((a, b) => a - b));
    const wide = await transform(edge, [{ type: "blur", sigma: 20 }]);
    expect(pixelAt(wide, 9, 2)[0]).toBeGreaterThan(80);
  });

  it("sharpen steepens an edge: darker just before it, lighter just after", async () => {
    const soft = pngOf(20, 4, (x) => [Math.min(255, Math.max(0, (x - 6) * 32)), Math.min(255, Math.max(0, (x - 6) * 32)), Math.min(255, Math.max(0, (x - 6) * 32)), 255]);
    const out = await transform(soft, [{ type: "sharpen", sigma: 1.5 }]);
    expect(pixelAt(out, 7, 2)[0]).toBeLessThan(32);
    expect(pixelAt(out, 12, 2)[0]).toBeGreaterThan(192);
  });

  it("denoise removes a speck and keeps an edge", async () => {
    const speckled = pngOf(20, 20, (x, y) => (x === 5 && y === 5 ? WHITE : x < 10 ? [0, 0, 0, 255] : WHITE));
    const out = await transform(speckled, [{ type: "denoise", size: 3 }]);
    expect(pixelAt(out, 5, 5)).toEqual([0, 0, 0, 255]);
    expect(pixelAt(out, 9, 10)).toEqual([0, 0, 0, 255]);
    expect(pixelAt(out, 10, 10)).toEqual(WHITE);
  });
});

describe("background removal", () => {
  const product = pngOf(30, 30, (x, y) => (x >= 10 && x < 20 && y >= 10 && y < 20 ? RED : WHITE));

  it("makes a uniform background touching the borders transparent, keeping the subject", async () => {
    const out = await transform(product, [{ type: "remove_background" }]);
    expect(pixelAt(out, 0, 0)[3]).toBe(0);
    expect(pixelAt(out, 29, 15)[3]).toBe(0);
    expect(pixelAt(out, 15, 15)).toEqual(RED);
  });

  it("fills it with background_hex_color, or white where the format has no alpha", async () => {
    expect(pixelAt(await transform(product, [{ type: "remove_background", background_hex_color: "#00FF00" }]), 0, 0)).toEqual([0, 255, 0, 255]);
    const jpeg = await transform(product, [{ type: "remove_background" }, { type: "convert", format: "jpeg" }]);
    expect(colorDistance(pixelAt(jpeg, 0, 0), WHITE)).toBeLessThan(6);
  });

  it("refuses an image without a uniform border with a 422, refunded", async () => {
    const noisy = pngOf(20, 20, (x, y) => [(x * 53 + y * 97) % 256, (x * 31) % 256, (y * 71) % 256, 255]);
    const res = await refused(noisy, [{ type: "remove_background" }]);
    expect(res.status).toBe(422);
    expect(res.error).toMatch(/^operations\.0 \(remove_background\): the image has no uniform background/);
  });
});

describe("sequences", () => {
  it("applies operations in order: crop then flop differs from flop then crop", async () => {
    const crop = { type: "crop", left_in_px: 0, top_in_px: 0, width_in_px: 10, height_in_px: 10 };
    const first = await transform(halves, [crop, { type: "flop" }]);
    expect(pixelAt(first, 9, 0)).toEqual(WHITE);
    const second = await transform(halves, [{ type: "flop" }, crop]);
    expect(pixelAt(second, 0, 0)).toEqual(BLUE);
  });
});
