/**
 * QR codes through the real path: non-ASCII values are encoded as UTF-8 (and decode back), and a value the
 * error-correction level cannot hold is a 400 naming the layer, with nothing charged.
 */
import { decode } from "fast-png";
import jsQR from "jsqr";
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount } from "../helpers/http";

const qr = (value: string, side = 300) => ({
  dimensions: { width_in_px: side, height_in_px: side },
  layers: [{ index: 0, type: "qr-code", value, foreground_hex_color: "#000000", background_hex_color: "#FFFFFF", dimensions: { width_in_px: side, height_in_px: side } }],
});

async function decodeQr(value: string, side?: number) {
  const account = await createAccount(10);
  const res = await callJson("/image-generation/v1/generate", { key: account.apiKey, body: qr(value, side) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const png = decode(Uint8Array.from(atob(res.body.data.buffer), (c) => c.charCodeAt(0)));
  return jsQR(new Uint8ClampedArray(png.data as Uint8Array), png.width, png.height);
}

describe("QR codes", () => {
  it("encode non-ASCII text as UTF-8, so it decodes back to the same text", async () => {
    const value = "€ 5,00 ✓ 日本";
    const decoded = await decodeQr(value);
    expect(new TextDecoder().decode(Uint8Array.from(decoded!.binaryData))).toBe(value);
  });

  it("hold the full capacity of error correction M: 2,331 bytes", async () => {
    const value = "A".repeat(2331);
    // The largest square canvas (1448² ≤ 2,097,152 pixels): 7.8 pixels a module of version 40.
    const decoded = await decodeQr(value, 1448);
    expect(decoded?.data).toBe(value);
  });

  it.each([
    ["2,332 ASCII characters", "A".repeat(2332), "is 2332 bytes in UTF-8"],
    ["1,000 three-byte characters", "✓".repeat(1000), "is 3000 bytes in UTF-8"],
  ])("refuse %s with a 400 naming the layer, charging nothing", async (_name, value, message) => {
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", { key: account.apiKey, body: qr(value) });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(`layers.0.value: ${message}; a QR code at error correction M holds at most 2331`);
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});
