/**
 * Each layer type and its important fields, asserted on the pixels of the decoded PNG.
 */
import { decode, encode } from "fast-png";
import jsQR from "jsqr";
import { describe, expect, it, vi } from "vitest";
import { balanceOf, callJson, createAccount } from "../helpers/http";
import { base64Of, pngOf } from "../helpers/images";

const PATH = "/image-generation/v1/generate";

interface Png {
  width: number;
  height: number;
  at(x: number, y: number): number[];
  /** Pixels with any alpha inside [x0, x1) × [y0, y1). */
  ink(x0: number, y0: number, x1: number, y1: number): number;
  data: Uint8Array;
}

async function render(width: number, height: number, layers: unknown[], extra: Record<string, unknown> = {}): Promise<Png> {
  const account = await createAccount(10);
  const res = await callJson(PATH, { key: account.apiKey, body: { dimensions: { width_in_px: width, height_in_px: height }, layers, ...extra } });
  if (res.status !== 200) {
    throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  }
  const png = decode(Uint8Array.from(atob(res.body.data.buffer), (c) => c.charCodeAt(0)));
  const data = png.data as Uint8Array;
  const at = (x: number, y: number) => Array.from(data.slice((y * png.width + x) * 4, (y * png.width + x) * 4 + 4));
  const ink = (x0: number, y0: number, x1: number, y1: number) => {
    let count = 0;
    for (let y = Math.max(0, y0); y < Math.min(png.height, y1); y++) {
      for (let x = Math.max(0, x0); x < Math.min(png.width, x1); x++) {
        count += data[(y * png.width + x) * 4 + 3]! > 0 ? 1 : 0;
      }
    }
    return count;
  };
  return { width: png.width, height: png.height, at, ink, data };
}

const close = (actual: number[], expected: number[], tolerance = 6) =>
  actual.every((value, i) => Math.abs(value - expected[i]!) <= tolerance);

const box = { position: { x_in_px: 20, y_in_px: 10 }, dimensions: { width_in_px: 60, height_in_px: 40 } };

describe("solid-color", () => {
  it("rounds corners with border_radius", async () => {
    const png = await render(100, 60, [{ index: 0, type: "solid-color", hex_color: "#FF0000", border_radius: 15, ...box }]);
    expect(png.at(20, 10)[3]).toBe(0);
    expect(png.at(50, 30)).toEqual([255, 0, 0, 255]);
    expect(png.at(79, 49)[3]).toBe(0);
  });

  it("rounds only the corners named", async () => {
    const png = await render(100, 60, [{ index: 0, type: "solid-color", hex_color: "#FF0000", border_top_left_radius: 15, ...box }]);
    expect(png.at(20, 10)[3]).toBe(0);
    expect(png.at(79, 10)).toEqual([255, 0, 0, 255]);
  });

  it("rotates around the centre", async () => {
    const square = { position: { x_in_px: 30, y_in_px: 30 }, dimensions: { width_in_px: 40, height_in_px: 40 } };
    const png = await render(100, 100, [{ index: 0, type: "solid-color", hex_color: "#0000FF", rotation_in_degrees: 45, ...square }]);
    expect(png.at(50, 50)).toEqual([0, 0, 255, 255]);
    expect(png.at(31, 31)[3]).toBe(0); // the unrotated corner is now empty
    expect(png.at(50, 24)[3]).toBe(255); // the rotated corner reaches above the box
  });

  it("cuts an angled left edge", async () => {
    const png = await render(100, 60, [{ index: 0, type: "solid-color", hex_color: "#00FF00", angled_edges: [{ edge: "left", angle_in_degrees: 30 }], ...box }]);
    expect(png.at(22, 11)[3]).toBe(0); // top-left is cut away
    expect(png.at(22, 48)).toEqual([0, 255, 0, 255]); // bottom-left stays
  });
});

describe("gradient", () => {
  it("runs a linear gradient left to right at 0°", async () => {
    const png = await render(100, 20, [{ index: 0, type: "gradient", gradient_type: "linear", colors: [{ hex_color: "#FF0000", position: 0 }, { hex_color: "#0000FF", position: 100 }], position: { x: 0, y: 0 }, dimensions: { width: 100, height: 20 } }]);
    expect(close(png.at(1, 10), [255, 0, 0, 255], 10)).toBe(true);
    expect(close(png.at(98, 10), [0, 0, 255, 255], 10)).toBe(true);
    expect(close(png.at(50, 10), [128, 0, 128, 255], 12)).toBe(true);
  });

  it("turns with angle_in_degrees (90° runs top to bottom)", async () => {
    const png = await render(20, 100, [{ index: 0, type: "gradient", gradient_type: "linear", angle_in_degrees: 90, colors: [{ hex_color: "#FF0000", position: 0 }, { hex_color: "#0000FF", position: 100 }], position: { x: 0, y: 0 }, dimensions: { width: 20, height: 100 } }]);
    expect(close(png.at(10, 1), [255, 0, 0, 255], 10)).toBe(true);
    expect(close(png.at(10, 98), [0, 0, 255, 255], 10)).toBe(true);
  });

  it("draws a radial gradient from the centre out", async () => {
    const png = await render(100, 100, [{ index: 0, type: "gradient", gradient_type: "radial", colors: [{ hex_color: "#FFFFFF", position: 0 }, { hex_color: "#000000", position: 100 }], position: { x: 0, y: 0 }, dimensions: { width: 100, height: 100 } }]);
    expect(png.at(50, 50)[0]).toBeGreaterThan(240);
    expect(png.at(2, 2)[0]).toBeLessThan(20);
  });
});

describe("text", () => {
  const text = (overrides: Record<string, unknown> = {}) => ({
    index: 0,
    type: "text",
    text: "Hello Lamina",
    font_name: "Inter",
    font_size_in_px: 20,
    text_color: "#000000",
    ...box,
    ...overrides,
  });

  it("puts ink inside its box and none outside", async () => {
    const png = await render(100, 60, [text()]);
    expect(png.ink(20, 10, 80, 50)).toBeGreaterThan(50);
    expect(png.ink(0, 0, 100, 60) - png.ink(20, 10, 80, 50)).toBe(0);
  });

  it("wraps lines inside the box width, or not with is_splitting_lines false", async () => {
    const wrapped = await render(100, 60, [text({ text: "wrap wrap wrap wrap", font_size_in_px: 14 })]);
    const lines = (png: Png) => {
      let runs = 0;
      let inInk = false;
      for (let y = 10; y < 50; y++) {
        const has = png.ink(20, y, 80, y + 1) > 0;
        runs += has && !inInk ? 1 : 0;
        inInk = has;
      }
      return runs;
    };
    expect(lines(wrapped)).toBeGreaterThanOrEqual(2);
    const single = await render(100, 60, [text({ text: "wrap wrap wrap wrap", font_size_in_px: 14, is_splitting_lines: false })]);
    expect(lines(single)).toBe(1);
  });

  it("aligns right and bottom", async () => {
    const png = await render(100, 60, [text({ text: "Hi", text_align: "right", vertical_align: "bottom" })]);
    expect(png.ink(20, 10, 50, 50)).toBe(0);
    expect(png.ink(50, 10, 80, 25)).toBe(0);
    expect(png.ink(50, 25, 80, 50)).toBeGreaterThan(10);
  });

  it("renders **bold** with more ink than the same words in regular", async () => {
    const regular = await render(200, 60, [text({ text: "Bold words", position: { x: 0, y: 0 }, dimensions: { width: 200, height: 60 } })]);
    const bold = await render(200, 60, [text({ text: "**Bold words**", position: { x: 0, y: 0 }, dimensions: { width: 200, height: 60 } })]);
    expect(bold.ink(0, 0, 200, 60)).toBeGreaterThan(regular.ink(0, 0, 200, 60) * 1.15);
  });

  it("uses the text colour", async () => {
    const png = await render(100, 60, [text({ text: "■■■■", text_color: "#FF0000", font_size_in_px: 30 })]);
    const red = [...Array(40).keys()].some((dy) => [...Array(60).keys()].some((dx) => close(png.at(20 + dx, 10 + dy), [255, 0, 0, 255], 2)));
    expect(red).toBe(true);
  });

  it("shrinks text with should_auto_scale until it fits", async () => {
    const long = { text: "A fairly long sentence that cannot fit at this size", font_size_in_px: 40 };
    const scaled = await render(100, 60, [text({ ...long, should_auto_scale: true })]);
    const clipped = await render(100, 60, [text(long)]);
    const firstLineHeight = (png: Png) => {
      let y = 10;
      while (y < 50 && png.ink(20, y, 80, y + 1) === 0) y++;
      const start = y;
      while (y < 50 && png.ink(20, y, 80, y + 1) > 0) y++;
      return y - start;
    };
    expect(firstLineHeight(scaled)).toBeLessThan(firstLineHeight(clipped));
    expect(scaled.ink(0, 0, 100, 60) - scaled.ink(20, 10, 80, 50)).toBe(0);
  });

  it("falls back to Inter for an unknown font instead of failing, and renders every bundled family", async () => {
    for (const font_name of ["No Such Font", "Roboto", "Open Sans", "OpenSans", "Montserrat", "Lato", "Poppins", "Plus Jakarta Sans", "Outfit", "Playfair Display", "Lora", "Noto Sans", "Merriweather"]) {
      const png = await render(100, 60, [text({ font_name, text: "*Italic* and **bold**" })]);
      expect(png.ink(20, 10, 80, 50), font_name).toBeGreaterThan(30);
    }
  });
});

describe("image", () => {
  const redPng = btoa(String.fromCharCode(...encode({ width: 4, height: 4, data: new Uint8Array(64).map((_, i) => (i % 4 === 0 || i % 4 === 3 ? 255 : 0)), channels: 4 })));

  it("cover-fits a base64 image into its box", async () => {
    const png = await render(100, 60, [{ index: 0, type: "image", file: { type: "base64", base64: redPng }, ...box }]);
    expect(png.at(50, 30)).toEqual([255, 0, 0, 255]);
    expect(png.at(21, 11)).toEqual([255, 0, 0, 255]);
    expect(png.at(10, 5)[3]).toBe(0);
  });

  it("should_use_smart_cropping crops where the picture is busy, not at the centre", async () => {
    // 80 × 40: flat grey on the left, a checkerboard of 4-pixel squares on the right; into a 40 × 40 canvas.
    const scene = base64Of(pngOf(80, 40, (x, y) => (x < 40 ? [128, 128, 128, 255] : (Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255])));
    const greys = (png: Png) => Array.from({ length: 40 }, (_, x) => png.at(x, 20)).filter(([r, g, b]) => r === 128 && g === 128 && b === 128).length;
    const centred = await render(40, 40, [{ index: 0, type: "image", file: { type: "base64", base64: scene } }]);
    expect(greys(centred)).toBeGreaterThan(15);
    const smart = await render(40, 40, [{ index: 0, type: "image", file: { type: "base64", base64: scene }, should_use_smart_cropping: true }]);
    expect(greys(smart)).toBeLessThan(5);
  });

  it("should_remove_background makes a uniform background transparent", async () => {
    // A red square on white, over a blue canvas.
    const product = base64Of(pngOf(30, 30, (x, y) => (x >= 10 && x < 20 && y >= 10 && y < 20 ? [255, 0, 0, 255] : [255, 255, 255, 255])));
    const layers = (flag: boolean) => [
      { index: 0, type: "solid-color", hex_color: "#0000FF" },
      { index: 1, type: "image", file: { type: "base64", base64: product }, should_remove_background: flag },
    ];
    expect((await render(30, 30, layers(false))).at(2, 2)).toEqual([255, 255, 255, 255]);
    const cut = await render(30, 30, layers(true));
    expect(cut.at(2, 2)).toEqual([0, 0, 255, 255]);
    expect(cut.at(15, 15)).toEqual([255, 0, 0, 255]);
  });

  it("accepts the legacy buffer field and fills the canvas without a box", async () => {
    const png = await render(30, 20, [{ index: 0, type: "static-image", buffer: redPng }]);
    expect(png.at(0, 0)).toEqual([255, 0, 0, 255]);
    expect(png.at(29, 19)).toEqual([255, 0, 0, 255]);
  });

  it("fetches an https image URL", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      expect(String(input instanceof Request ? input.url : input)).toBe("https://images.example.com/red.png");
      return new Response(Uint8Array.from(atob(redPng), (c) => c.charCodeAt(0)), { headers: { "Content-Type": "image/png" } });
    });
    const png = await render(100, 60, [{ index: 0, type: "image", file: { type: "url", url: "https://images.example.com/red.png" }, ...box }]);
    fetchSpy.mockRestore();
    expect(png.at(50, 30)).toEqual([255, 0, 0, 255]);
  });

  it("refuses an image URL on a private host with 422 and refunds", async () => {
    const account = await createAccount(10);
    const res = await callJson(PATH, { key: account.apiKey, body: { dimensions: { width_in_px: 10, height_in_px: 10 }, layers: [{ index: 0, type: "image", file: { type: "url", url: "https://printer.local/a.png" } }] } });
    expect(res.status).toBe(422);
    expect(res.body.error).toContain("layers.0 (image): the file URL cannot be fetched");
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});

describe("qr-code and barcode", () => {
  it("draws a QR code that decodes back to its value", async () => {
    const png = await render(200, 200, [{ index: 0, type: "qr-code", value: "https://lamina.example/q?id=42", foreground_hex_color: "#000000", background_hex_color: "#FFFFFF", position: { x: 0, y: 0 }, dimensions: { width: 200, height: 200 } }]);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe("https://lamina.example/q?id=42");
  });

  it.each([
    ["code128", "LAMINA-128"],
    ["ean13", "590123412345"],
    ["ean8", "9638507"],
    ["code39", "LAMINA39"],
    ["itf", "12345678"],
    ["codabar", "A123456B"],
  ])("draws %s bars that alternate across the middle row", async (format, value) => {
    const png = await render(300, 100, [{ index: 0, type: "barcode", value, format, foreground_hex_color: "#000000", background_hex_color: "#FFFFFF", position: { x: 0, y: 0 }, dimensions: { width: 300, height: 100 } }]);
    let transitions = 0;
    let dark = false;
    for (let x = 0; x < 300; x++) {
      const isDark = png.at(x, 50)[0]! < 128;
      transitions += isDark !== dark ? 1 : 0;
      dark = isDark;
    }
    expect(transitions).toBeGreaterThan(20);
    expect(png.at(0, 0)).toEqual([255, 255, 255, 255]);
  });
});

describe("layout", () => {
  const child = (hex_color: string, width: number, height: number) => ({ type: "solid-color", hex_color, dimensions: { width, height } });

  it("places children in a row with gap and padding, and its background behind them", async () => {
    const png = await render(100, 40, [
      { index: 0, type: "layout", direction: "horizontal", gap: 10, padding: 5, background_color: "#FFFFFF", position: { x: 0, y: 0 }, dimensions: { width: 100, height: 40 }, layers: [child("#FF0000", 20, 20), child("#0000FF", 20, 20)] },
    ]);
    expect(png.at(2, 2)).toEqual([255, 255, 255, 255]);
    expect(png.at(6, 6)).toEqual([255, 0, 0, 255]);
    expect(png.at(30, 6)).toEqual([255, 255, 255, 255]); // the gap
    expect(png.at(36, 6)).toEqual([0, 0, 255, 255]);
  });

  it("stacks children vertically and centres them", async () => {
    const png = await render(100, 100, [
      { index: 0, type: "layout", direction: "vertical", horizontal_alignment: "center", vertical_alignment: "center", position: { x: 0, y: 0 }, dimensions: { width: 100, height: 100 }, layers: [child("#FF0000", 20, 20), child("#0000FF", 20, 20)] },
    ]);
    expect(png.at(50, 35)).toEqual([255, 0, 0, 255]);
    expect(png.at(50, 55)).toEqual([0, 0, 255, 255]);
    expect(png.at(10, 50)[3]).toBe(0);
  });

  it("nests layouts and draws background layers behind children", async () => {
    const png = await render(60, 60, [
      {
        index: 0,
        type: "layout",
        position: { x: 0, y: 0 },
        dimensions: { width: 60, height: 60 },
        background_layers: [{ type: "solid-color", hex_color: "#00FF00" }],
        layers: [{ type: "layout", padding: 10, layers: [child("#FF0000", 10, 10)] }],
      },
    ]);
    expect(png.at(2, 2)).toEqual([0, 255, 0, 255]);
    expect(png.at(12, 12)).toEqual([255, 0, 0, 255]);
  });
});

describe("layout background layers", () => {
  it("fill a shrink-wrapped layout, padding included", async () => {
    const png = await render(60, 60, [
      { index: 0, type: "layout", padding: 10, position: { x: 5, y: 5 }, background_layers: [{ type: "solid-color", hex_color: "#00FF00" }], layers: [{ type: "solid-color", hex_color: "#FF0000", dimensions: { width: 10, height: 10 } }] },
    ]);
    expect(png.at(6, 6)).toEqual([0, 255, 0, 255]); // the padding shows the background
    expect(png.at(20, 20)).toEqual([255, 0, 0, 255]); // the child
    expect(png.at(34, 34)).toEqual([0, 255, 0, 255]); // the far padding corner: 5 + 10 + 10 + 10 = 35
    expect(png.at(40, 40)[3]).toBe(0); // outside the layout
  });
});

describe("layout clipping", () => {
  it("clips text that overflows a fixed-size layout instead of failing", async () => {
    const png = await render(100, 100, [
      {
        index: 0,
        type: "layout",
        direction: "vertical",
        position: { x: 0, y: 0 },
        dimensions: { width: 50, height: 50 },
        layers: [{ type: "text", text: "long long long text that overflows the layout a lot", font_name: "Inter", font_size_in_px: 30, text_color: "#000000", dimensions: { width: "auto", height: "auto" } }],
      },
    ]);
    expect(png.ink(0, 0, 50, 50)).toBeGreaterThan(50);
    expect(png.ink(0, 0, 100, 100) - png.ink(0, 0, 50, 50)).toBe(0);
  });
});

describe("image inputs and custom fonts", () => {
  it("renders an SVG image input", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#0000FF"/></svg>';
    const png = await render(100, 60, [{ index: 0, type: "image", file: { type: "base64", base64: btoa(svg), name: "logo.svg" }, ...box }]);
    expect(png.at(50, 30)).toEqual([0, 0, 255, 255]);
  });

  it("renders a JPEG image input", async () => {
    const jpegJs = await import("jpeg-js");
    const raw = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 1 || i % 4 === 3 ? 255 : 0)) };
    const jpegBytes = jpegJs.default.encode(raw as never, 95).data;
    const png = await render(100, 60, [{ index: 0, type: "image", file: { type: "base64", base64: btoa(String.fromCharCode(...jpegBytes)) }, ...box }]);
    expect(close(png.at(50, 30), [0, 255, 0, 255], 8)).toBe(true);
  });

  it("uses a custom TTF from the request's fonts, matched by name", async () => {
    const { default: lora } = await import("@expo-google-fonts/lora/700Bold/Lora_700Bold.ttf");
    const bytes = new Uint8Array(lora as ArrayBuffer);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    const layer = { index: 0, type: "text", text: "Brand type", font_size_in_px: 30, text_color: "#000000", position: { x: 0, y: 0 }, dimensions: { width: 300, height: 60 } };
    const custom = await render(300, 60, [{ ...layer, font_name: "My Brand", font_weight: "bold" }], {
      fonts: [{ name: "My Brand", weight: "bold", style: "normal", file: { type: "base64", base64: btoa(binary), name: "brand.ttf" } }],
    });
    const fallback = await render(300, 60, [{ ...layer, font_name: "My Brand", font_weight: "bold" }]);
    expect(custom.ink(0, 0, 300, 60)).toBeGreaterThan(100);
    // The same text in Inter (the fallback) puts its ink elsewhere.
    expect(custom.data.some((byte, i) => byte !== fallback.data[i])).toBe(true);
  });
});

describe("requests shaped by the official Go SDK", () => {
  const zero = { dimensions: { width_in_px: 0, height_in_px: 0 }, position: { x_in_px: 0, y_in_px: 0 } };

  it("reads zero dimensions on a solid colour as not given: it fills the canvas", async () => {
    const png = await render(40, 20, [{ index: 0, type: "solid-color", hex_color: "#FF0000", ...zero }]);
    expect(png.at(0, 0)).toEqual([255, 0, 0, 255]);
    expect(png.at(39, 19)).toEqual([255, 0, 0, 255]);
  });

  it("reads zero dimensions on an image as not given: it covers the canvas, and accepts empty fetch_options", async () => {
    const red = encode({ width: 2, height: 2, data: new Uint8Array(16).fill(255).map((v, i) => (i % 4 === 1 || i % 4 === 2 ? 0 : v)), channels: 4 });
    let binary = "";
    red.forEach((byte) => (binary += String.fromCharCode(byte)));
    const png = await render(40, 20, [{ index: 0, type: "image", file: { type: "base64", base64: btoa(binary) }, ...zero }]);
    expect(png.at(1, 1)).toEqual([255, 0, 0, 255]);
    expect(png.at(38, 18)).toEqual([255, 0, 0, 255]);
  });

  it("reads zero dimensions on a layout as not given: it shrink-wraps its children", async () => {
    const png = await render(60, 60, [
      { index: 0, type: "layout", padding: 10, ...zero, background_layers: [{ type: "solid-color", hex_color: "#00FF00", ...zero }], layers: [{ type: "solid-color", hex_color: "#FF0000", dimensions: { width_in_px: 10, height_in_px: 10 } }] },
    ]);
    expect(png.at(5, 5)).toEqual([0, 255, 0, 255]);
    expect(png.at(15, 15)).toEqual([255, 0, 0, 255]);
    expect(png.at(29, 29)).toEqual([0, 255, 0, 255]);
    expect(png.at(31, 31)[3]).toBe(0);
  });

  it("answers 400 naming the field when a layer that needs dimensions sends zero ones, charging nothing", async () => {
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", {
      key: account.apiKey,
      body: { dimensions: { width_in_px: 40, height_in_px: 20 }, layers: [{ index: 0, type: "text", text: "hi", font_name: "Inter", font_size_in_px: 10, text_color: "#000000", ...zero }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("layers.0.dimensions");
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});

describe("children of a fixed-size layout", () => {
  const text = (value: string) => ({ type: "text", text: value, font_name: "Inter", font_size_in_px: 16, text_color: "#000000", dimensions: { width_in_px: 80, height_in_px: 20 } });
  const dark = (png: Png) => {
    let count = 0;
    for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) count += png.at(x, y)[3]! > 128 && png.at(x, y)[0]! < 100 ? 1 : 0;
    return count;
  };

  it.each(["horizontal", "vertical"])("draw their text boxes (%s), as much ink as when the layout shrink-wraps", async (direction) => {
    const layout = (dimensions?: object) => ({ index: 0, type: "layout", direction, ...(dimensions ? { dimensions } : {}), layers: [text("Hello"), text("World")] });
    const fixed = await render(200, 60, [layout({ width_in_px: 200, height_in_px: 60 })]);
    const wrapped = await render(200, 60, [layout()]);
    expect(dark(wrapped)).toBeGreaterThan(100);
    expect(dark(fixed)).toBeGreaterThan(dark(wrapped) * 0.9);
  });

  it("draw a QR code that still decodes", async () => {
    const png = await render(220, 220, [
      {
        index: 0,
        type: "layout",
        dimensions: { width_in_px: 220, height_in_px: 220 },
        background_color: "#FFFFFF",
        padding: 10,
        layers: [{ type: "qr-code", value: "https://lamina.example/nested", foreground_hex_color: "#000000", background_hex_color: "#FFFFFF", dimensions: { width_in_px: 200, height_in_px: 200 } }],
      },
    ]);
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe("https://lamina.example/nested");
  });
});

describe("solid rectangles and linear gradients on whole pixels at the bottom (painted without satori and resvg)", () => {
  /** The renderer's two ways for one request: `renderLayers` (which takes the fill when it can) and satori + resvg. */
  async function renderers() {
    const { env } = await import("cloudflare:workers");
    const { imageGeneration } = await import("../../src/apis/image-generation");
    const { layersToSvg, paintableBottom, renderLayers } = await import("../../src/apis/image-generation/render");
    const { rasterizeSvg } = await import("../../src/graphics/svg");
    const { createProcessDeps } = await import("../../src/jobs/deps");
    const deps = createProcessDeps(env, imageGeneration);
    return {
      parse: (body: unknown) => imageGeneration.request.parse(body),
      /** How many bottom layers renderLayers paints itself. */
      painted: (input: Parameters<typeof renderLayers>[0]) => paintableBottom(input).length,
      fast: (input: Parameters<typeof renderLayers>[0]) => renderLayers(input, deps),
      general: async (input: Parameters<typeof renderLayers>[0]) => {
        const { svg, images } = await layersToSvg(input, deps);
        return rasterizeSvg(svg, images);
      },
    };
  }

  it("come out pixel for pixel as the general path draws them", async () => {
    const { parse, painted, fast: renderFast, general: renderGeneral } = await renderers();
    const input = parse({
      dimensions: { width_in_px: 61, height_in_px: 37 },
      layers: [
        { index: 2, type: "solid-color", hex_color: "#00FF00", position: { x_in_px: 10, y_in_px: 5 }, dimensions: { width_in_px: 20, height_in_px: 40 } },
        { index: 0, type: "solid-color-background", hex_color: "#FFFFFF" },
        { index: 1, type: "rectangle", hex_color: "#123456FF", position: { x_in_px: 50, y_in_px: 30 } },
        { index: 3, type: "solid-color", hex_color: "#FF0000", position: { x_in_px: 55, y_in_px: -0 }, dimensions: { width_in_px: 100, height_in_px: 3 } },
      ],
    });
    expect(painted(input)).toBe(4);
    const fast = await renderFast(input);
    const general = await renderGeneral(input);
    expect([fast.width, fast.height]).toEqual([61, 37]);
    expect(fast.pixels.length).toBe(general.pixels.length);
    expect(Buffer.from(fast.pixels).equals(Buffer.from(general.pixels))).toBe(true);
    // And it is what the layers say: white, the dark rectangle to the corner, the green bar on top, the red strip.
    const at = (x: number, y: number) => [...fast.pixels.subarray((y * 61 + x) * 4, (y * 61 + x) * 4 + 4)];
    expect(at(0, 0)).toEqual([255, 255, 255, 255]);
    expect(at(60, 36)).toEqual([0x12, 0x34, 0x56, 255]);
    expect(at(15, 36)).toEqual([0, 255, 0, 255]);
    expect(at(58, 1)).toEqual([255, 0, 0, 255]);
  });

  it("still take the general path when a layer has opacity, rotation, corners or a fraction of a pixel", async () => {
    const { parse, painted, fast: renderFast, general: renderGeneral } = await renderers();
    for (const extra of [{ opacity: 50 }, { rotation_in_degrees: 10 }, { border_radius: 4 }, { position: { x_in_px: 2.5, y_in_px: 1 } }, { hex_color: "#00FF0080" }]) {
      const input = parse({
        dimensions: { width_in_px: 20, height_in_px: 20 },
        layers: [{ index: 0, type: "solid-color", hex_color: "#00FF00", dimensions: { width_in_px: 10, height_in_px: 10 }, ...extra }],
      });
      expect(painted(input), JSON.stringify(extra)).toBe(0);
      const general = await renderGeneral(input);
      expect(Buffer.from((await renderFast(input)).pixels).equals(Buffer.from(general.pixels)), JSON.stringify(extra)).toBe(true);
    }
  });

  /** The largest difference of any channel between two rasters of the same size. */
  function maxDifference(a: Uint8Array, b: Uint8Array): number {
    expect(a.length).toBe(b.length);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    return max;
  }

  it("paint linear gradients within one level (of 255) of the general path, at any angle and with stops inside the line", async () => {
    const { parse, painted, fast: renderFast, general: renderGeneral } = await renderers();
    const twoStops = [{ hex_color: "#0F172A", position: 0 }, { hex_color: "#F0E68C", position: 100 }];
    const threeStops = [{ hex_color: "#0000FF", position: 70 }, { hex_color: "#FF0000", position: 20 }, { hex_color: "#00FF00", position: 50 }];
    for (const angle of [0, 35, 90, -45, 180, 270, 123]) {
      for (const colors of [twoStops, threeStops]) {
        const input = parse({
          dimensions: { width_in_px: 300, height_in_px: 170 },
          layers: [{ index: 0, type: "gradient", gradient_type: "linear", angle_in_degrees: angle, colors, position: { x_in_px: 20, y_in_px: 10 }, dimensions: { width_in_px: 290, height_in_px: 150 } }],
        });
        expect(painted(input)).toBe(1);
        const fast = await renderFast(input);
        expect(maxDifference(fast.pixels, (await renderGeneral(input)).pixels), `${angle}°, ${colors.length} stops`).toBeLessThanOrEqual(1);
      }
    }
    // And it is the gradient the layer asks for: at 0° the first stop at the left edge, the last at the right,
    // nothing outside the box (the box runs past the canvas on the right and is cut there).
    const input = parse({
      dimensions: { width_in_px: 300, height_in_px: 170 },
      layers: [{ index: 0, type: "gradient", gradient_type: "linear", angle_in_degrees: 0, colors: twoStops, position: { x_in_px: 20, y_in_px: 10 }, dimensions: { width_in_px: 290, height_in_px: 150 } }],
    });
    const { pixels } = await renderFast(input);
    const at = (x: number, y: number) => [...pixels.subarray((y * 300 + x) * 4, (y * 300 + x) * 4 + 4)];
    expect(at(20, 80)).toEqual([0x0f, 0x17, 0x2a, 255]);
    // Pixel 299's centre is (299.5 - 20) / 290 of the way along.
    const t = (299.5 - 20) / 290;
    expect(at(299, 80)).toEqual([Math.round(0x0f + (0xf0 - 0x0f) * t), Math.round(0x17 + (0xe6 - 0x17) * t), Math.round(0x2a + (0x8c - 0x2a) * t), 255]);
    expect(at(10, 80)).toEqual([0, 0, 0, 0]);
    expect(at(100, 5)).toEqual([0, 0, 0, 0]);
  });

  it("draw the layers above a painted background over it, as the general path draws them", async () => {
    const { parse, painted, fast: renderFast, general: renderGeneral } = await renderers();
    const input = parse({
      dimensions: { width_in_px: 400, height_in_px: 210 },
      layers: [
        { index: 0, type: "gradient", gradient_type: "linear", angle_in_degrees: 35, colors: [{ hex_color: "#0F172A", position: 0 }, { hex_color: "#1E3A8A", position: 100 }], dimensions: { width_in_px: 400, height_in_px: 210 } },
        { index: 1, type: "solid-color", hex_color: "#FFFFFF", position: { x_in_px: 300, y_in_px: 0 }, dimensions: { width_in_px: 100, height_in_px: 50 } },
        { index: 2, type: "solid-color", hex_color: "#FF0000", opacity: 50, position: { x_in_px: 0, y_in_px: 150 }, dimensions: { width_in_px: 200, height_in_px: 60 } },
        { index: 3, type: "text", text: "Painted **under**, drawn over", font_name: "Inter", font_size_in_px: 28, text_color: "#F8FAFC", position: { x_in_px: 20, y_in_px: 40 }, dimensions: { width_in_px: 360, height_in_px: 100 } },
        { index: 4, type: "gradient", gradient_type: "linear", colors: [{ hex_color: "#00FF00", position: 0 }, { hex_color: "#0000FF", position: 100 }], position: { x_in_px: 350, y_in_px: 160 }, dimensions: { width_in_px: 50, height_in_px: 50 } },
      ],
    });
    // The gradient and the white box are painted; the half-red box (opacity) and everything above it go to resvg.
    expect(painted(input)).toBe(2);
    const fast = await renderFast(input);
    const general = await renderGeneral(input);
    expect(maxDifference(fast.pixels, general.pixels)).toBeLessThanOrEqual(1);
    // The text is there (light pixels in its box), the half-red box blends with the gradient, the top layer is on top.
    let light = 0;
    for (let y = 40; y < 140; y++) for (let x = 20; x < 380; x++) if (fast.pixels[(y * 400 + x) * 4]! > 200) light++;
    expect(light).toBeGreaterThan(500);
    const at = (x: number, y: number) => [...fast.pixels.subarray((y * 400 + x) * 4, (y * 400 + x) * 4 + 4)];
    expect(at(350, 10)).toEqual([255, 255, 255, 255]);
    const [r, g, , a] = at(100, 180);
    expect([r! > 120 && r! < 150, g! < 40, a]).toEqual([true, true, 255]);
    expect(at(352, 185)[1]).toBeGreaterThan(200);
  });

  it("leave radial gradients, translucent stops, rotation, corners and opacity to the general path", async () => {
    const { parse, painted, fast: renderFast, general: renderGeneral } = await renderers();
    const gradient = { index: 0, type: "gradient", gradient_type: "linear", colors: [{ hex_color: "#000000", position: 0 }, { hex_color: "#FFFFFF", position: 100 }], dimensions: { width_in_px: 16, height_in_px: 12 } };
    for (const extra of [{ gradient_type: "radial" }, { colors: [{ hex_color: "#00000080", position: 0 }, { hex_color: "#FFFFFF", position: 100 }] }, { rotation_in_degrees: 10 }, { border_radius: 4 }, { opacity: 50 }]) {
      const input = parse({ dimensions: { width_in_px: 20, height_in_px: 20 }, layers: [{ ...gradient, ...extra }] });
      expect(painted(input), JSON.stringify(extra)).toBe(0);
      const general = await renderGeneral(input);
      expect(Buffer.from((await renderFast(input)).pixels).equals(Buffer.from(general.pixels)), JSON.stringify(extra)).toBe(true);
    }
  });
});
