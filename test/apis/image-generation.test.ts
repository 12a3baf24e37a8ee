import { decode } from "fast-png";
import { describe, expect, it, vi } from "vitest";
import { balanceOf, call, callJson, createAccount, jobsOf, ledgerOf, SEED_REQUEST } from "../helpers/http";
import { fetchWithEnv } from "../helpers/worker";

const PATH = "/image-generation/v1/generate";

function decodePng(base64: string) {
  return decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

function pixelAt(png: ReturnType<typeof decodePng>, x: number, y: number): number[] {
  const i = (y * png.width + x) * png.channels;
  return Array.from(png.data.slice(i, i + png.channels));
}

const solid = (overrides: Record<string, unknown> = {}) => ({
  dimensions: { width_in_px: 20, height_in_px: 10 },
  layers: [{ index: 0, type: "solid-color", hex_color: "#FF0000" }],
  ...overrides,
});

describe("POST /image-generation/v1/generate (sync)", () => {
  it("renders the seed example as an 800×600 white PNG and charges 2 credits", async () => {
    const account = await createAccount(10);
    const res = await callJson(PATH, { body: SEED_REQUEST, key: account.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.data.mime_type).toBe("image/png");
    const png = decodePng(res.body.data.buffer);
    expect([png.width, png.height, png.channels, png.depth]).toEqual([800, 600, 4, 8]);
    for (const [x, y] of [[0, 0], [799, 0], [0, 599], [799, 599], [400, 300]] as const) {
      expect(pixelAt(png, x, y)).toEqual([255, 255, 255, 255]);
    }
    expect(png.data.every((byte) => byte === 255)).toBe(true);
    expect(await balanceOf(account.accountId)).toBe(8);
    const [job] = await jobsOf(account.accountId);
    expect(job).toMatchObject({ api: "image_generation", mode: "sync", status: "succeeded", cost: 2, delivery_status: null });
  });

  it("answers the legacy /render path exactly like /generate", async () => {
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/render", { body: SEED_REQUEST, key: account.apiKey });
    expect(res.status).toBe(200);
    expect(decodePng(res.body.data.buffer).width).toBe(800);
  });

  it("composites layers in index order, not array order, with position, size and opacity", async () => {
    const account = await createAccount(10);
    const res = await callJson(PATH, {
      key: account.apiKey,
      body: {
        dimensions: { width_in_px: 40, height_in_px: 20 },
        layers: [
          { index: 2, type: "solid-color", hex_color: "#0000FF", opacity: 50, position: { x_in_px: 20, y_in_px: 0 }, dimensions: { width_in_px: 20, height_in_px: 20 } },
          { index: 0, type: "solid-color", hex_color: "#FF0000" },
          { index: 1, type: "rectangle", hex_color: "#00ff0080", position: { x: 0, y: 10 }, dimensions: { width: 40, height: 10 } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const png = decodePng(res.body.data.buffer);
    expect(pixelAt(png, 5, 5)).toEqual([255, 0, 0, 255]); // red base only
    // Opacity 50 is exactly half: 255 × 0.5 = 127.5 rounds up.
    expect(pixelAt(png, 25, 5)).toEqual([128, 0, 128, 255]); // blue at 50% over red
    expect(pixelAt(png, 5, 15)).toEqual([127, 128, 0, 255]); // green #..80 over red
    expect(pixelAt(png, 25, 15)).toEqual([64, 64, 128, 255]); // blue 50% over (green over red)
  });

  it("leaves the canvas transparent where no layer covers it", async () => {
    const account = await createAccount(10);
    const res = await callJson(PATH, {
      key: account.apiKey,
      body: solid({ layers: [{ index: 0, type: "solid-color", hex_color: "#112233", dimensions: { width_in_px: 5, height_in_px: 5 } }] }),
    });
    const png = decodePng(res.body.data.buffer);
    expect(pixelAt(png, 0, 0)).toEqual([0x11, 0x22, 0x33, 255]);
    expect(pixelAt(png, 10, 8)).toEqual([0, 0, 0, 0]);
  });

  it.each([
    ["the legacy layer type solid-color-background", { layers: [{ index: 0, type: "solid-color-background", hex_color: "#FFFFFF" }] }],
    ["the legacy layer type rectangle", { layers: [{ index: 0, type: "rectangle", hex_color: "#FFFFFF" }] }],
    ["legacy canvas {width, height}", { dimensions: { width: 20, height: 10 } }],
    ["a hex colour without #", { layers: [{ index: 0, type: "solid-color", hex_color: "ffffff" }] }],
    ["an unknown extra field", { layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF", shadow: true }], extra: 1 }],
  ])("accepts %s", async (_name, overrides) => {
    const account = await createAccount(10);
    const res = await callJson(PATH, { body: solid(overrides), key: account.apiKey });
    expect(res.status).toBe(200);
    expect(decodePng(res.body.data.buffer).width).toBe(20);
  });
});

describe("validation: every bad field is a 400 that names it, and nothing is charged", () => {
  const png = btoa("\x89PNG");
  const cases: [string, unknown, string][] = [
    ["missing dimensions", { layers: solid().layers }, "dimensions:"],
    ["zero width", solid({ dimensions: { width_in_px: 0, height_in_px: 10 } }), "dimensions.width_in_px:"],
    ["fractional height", solid({ dimensions: { width_in_px: 10, height_in_px: 1.5 } }), "dimensions.height_in_px:"],
    ["width over 8192", solid({ dimensions: { width_in_px: 9000, height_in_px: 10 } }), "dimensions.width_in_px:"],
    ["more than 40 megapixels", solid({ dimensions: { width_in_px: 8000, height_in_px: 8000 } }), "dimensions: canvas is 64000000 pixels"],
    ["width as a string", solid({ dimensions: { width_in_px: "800", height_in_px: 10 } }), "dimensions.width_in_px:"],
    ["missing layers", { dimensions: { width_in_px: 10, height_in_px: 10 } }, "layers:"],
    ["empty layers", solid({ layers: [] }), "layers: layers must be a non-empty list"],
    ["an unknown layer type", solid({ layers: [{ index: 0, type: "sparkles" }] }), "layers.0.type: must be one of"],
    ["a bad hex colour", solid({ layers: [{ index: 0, type: "solid-color", hex_color: "red" }] }), "layers.0.hex_color: must be a hex color"],
    ["a missing hex colour", solid({ layers: [{ index: 0, type: "solid-color" }] }), "layers.0.hex_color:"],
    ["a top-level layer without index", solid({ layers: [{ type: "solid-color", hex_color: "#FFFFFF" }] }), "layers.0.index: is required"],
    ["a negative index", solid({ layers: [{ index: -1, type: "solid-color", hex_color: "#FFFFFF" }] }), "layers.0.index:"],
    ["opacity over 100", solid({ layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF", opacity: 101 }] }), "layers.0.opacity:"],
    ["rotation beyond 180", solid({ layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF", rotation_in_degrees: 200 }] }), "layers.0.rotation_in_degrees:"],
    ["an angled edge beyond 45°", solid({ layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF", angled_edges: [{ edge: "left", angle_in_degrees: 60 }] }] }), "layers.0.angled_edges.0.angle_in_degrees:"],
    ["border_radius with a corner radius", solid({ layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF", border_radius: 4, border_top_left_radius: 2 }] }), "layers.0.border_radius: cannot be combined"],
    ["a negative position", solid({ layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF", position: { x_in_px: -1, y_in_px: 0 } }] }), "layers.0.position.x_in_px:"],
    ["an unknown output format", solid({ output_format: "bmp" }), "output_format:"],
    ["empty text", solid({ layers: [{ index: 0, type: "text", text: "", font_name: "Inter", font_size_in_px: 12, text_color: "#000000", position: { x: 0, y: 0 }, dimensions: { width: 5, height: 5 } }] }), "layers.0.text: must not be empty"],
    ["a font size of zero", solid({ layers: [{ index: 0, type: "text", text: "hi", font_name: "Inter", font_size_in_px: 0, text_color: "#000000", position: { x: 0, y: 0 }, dimensions: { width: 5, height: 5 } }] }), "layers.0.font_size_in_px:"],
    ["an unknown font weight", solid({ layers: [{ index: 0, type: "text", text: "hi", font_name: "Inter", font_size_in_px: 10, font_weight: "heavy", text_color: "#000000", position: { x: 0, y: 0 }, dimensions: { width: 5, height: 5 } }] }), "layers.0.font_weight:"],
    ["a gradient with one colour", solid({ layers: [{ index: 0, type: "gradient", gradient_type: "linear", colors: [{ hex_color: "#000000", position: 0 }], position: { x: 0, y: 0 }, dimensions: { width: 5, height: 5 } }] }), "layers.0.colors:"],
    ["a gradient stop past 100", solid({ layers: [{ index: 0, type: "gradient", gradient_type: "radial", colors: [{ hex_color: "#000000", position: 0 }, { hex_color: "#FFFFFF", position: 120 }], position: { x: 0, y: 0 }, dimensions: { width: 5, height: 5 } }] }), "layers.0.colors.1.position:"],
    ["an image URL over http", solid({ layers: [{ index: 0, type: "image", file: { type: "url", url: "http://example.com/a.png" } }] }), "layers.0.file.url: https is required"],
    ["an image with bad base64", solid({ layers: [{ index: 0, type: "image", file: { type: "base64", base64: "not base64!" } }] }), "layers.0.file.base64: must be valid base64"],
    ["an image file of unknown type", solid({ layers: [{ index: 0, type: "image", file: { type: "ftp", url: "x" } }] }), "layers.0.file.type:"],
    ["an ean13 barcode with letters", solid({ layers: [{ index: 0, type: "barcode", value: "ABC", format: "ean13", foreground_hex_color: "#000000", background_hex_color: "#FFFFFF", position: { x: 0, y: 0 }, dimensions: { width: 5, height: 5 } }] }), "layers.0.value: ean13 needs 12 or 13 digits"],
    ["an itf barcode with an odd digit count", solid({ layers: [{ index: 0, type: "barcode", value: "123", format: "itf", foreground_hex_color: "#000000", background_hex_color: "#FFFFFF", position: { x: 0, y: 0 }, dimensions: { width: 5, height: 5 } }] }), "layers.0.value: itf needs an even number"],
    ["an unknown barcode format", solid({ layers: [{ index: 0, type: "barcode", value: "123", format: "upc", foreground_hex_color: "#000000", background_hex_color: "#FFFFFF", position: { x: 0, y: 0 }, dimensions: { width: 5, height: 5 } }] }), "layers.0.format:"],
    ["an empty QR value", solid({ layers: [{ index: 0, type: "qr-code", value: "", foreground_hex_color: "#000000", background_hex_color: "#FFFFFF", position: { x: 0, y: 0 }, dimensions: { width: 5, height: 5 } }] }), "layers.0.value: must not be empty"],
    ["a layout without children", solid({ layers: [{ index: 0, type: "layout", layers: [] }] }), "layers.0.layers:"],
    ["a bad colour deep in a layout", solid({ layers: [{ index: 0, type: "layout", layers: [{ type: "layout", layers: [{ type: "solid-color", hex_color: "#12" }] }] }] }), "layers.0.layers.0.layers.0.hex_color:"],
    ["padding with padding_top", solid({ layers: [{ index: 0, type: "layout", padding: 4, padding_top: 2, layers: [{ type: "solid-color", hex_color: "#FFFFFF" }] }] }), "layers.0.padding: cannot be combined"],
    ["layouts nested 9 deep", solid({ layers: [Array.from({ length: 9 }).reduce<Record<string, unknown>>((inner) => ({ type: "layout", layers: [inner] }), { type: "solid-color", hex_color: "#FFFFFF" })].map((layer) => ({ ...layer, index: 0 })) }), "layers: layouts nest 9 deep"],
    ["more than 100 layers in all", solid({ layers: [{ index: 0, type: "layout", layers: Array.from({ length: 100 }, () => ({ type: "solid-color", hex_color: "#FFFFFF" })) }] }), "layers: 101 layers in all"],
    ["a font without a file", solid({ fonts: [{ name: "Brand", weight: "bold", style: "normal" }] }), "fonts.0.file:"],
    ["a font with bad base64 in the legacy buffer field", solid({ fonts: [{ name: "Brand", weight: "bold", style: "normal", buffer: "%%%" }] }), "fonts.0.file.base64:"],
    ["a font with an unknown weight", solid({ fonts: [{ name: "Brand", weight: "fat", file: { type: "base64", base64: png } }] }), "fonts.0.weight:"],
    ["a non-https webhook_url", solid({ webhook_url: "http://example.com/hook" }), "webhook_url: https is required"],
    ["a webhook_url that is not a URL", solid({ webhook_url: "not a url" }), "webhook_url: must be a valid URL"],
    ["a body that is not an object", [1, 2, 3], "expected object"],
  ];

  it.each(cases)("%s", async (_name, body, message) => {
    const account = await createAccount(10);
    const res = await callJson(PATH, { body, key: account.apiKey });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error).toContain(message);
    expect(await balanceOf(account.accountId)).toBe(10);
    expect(await jobsOf(account.accountId)).toHaveLength(0);
  });

  it("answers malformed JSON with 400 and charges nothing", async () => {
    const account = await createAccount(10);
    const res = await call(PATH, { rawBody: '{"dimensions": {', key: account.apiKey });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ success: false, error: "Malformed JSON in request body" });
    expect(await balanceOf(account.accountId)).toBe(10);
  });

  it("answers a non-JSON content type with 415 and charges nothing", async () => {
    const account = await createAccount(10);
    const res = await call(PATH, { rawBody: JSON.stringify(SEED_REQUEST), key: account.apiKey, headers: { "Content-Type": "text/plain" } });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ success: false, error: expect.stringContaining("application/json") });
    expect(await balanceOf(account.accountId)).toBe(10);
  });

  it("answers a body over the configured limit with 413 and charges nothing", async () => {
    const account = await createAccount(10);
    const body = JSON.stringify({ ...SEED_REQUEST, padding: "x".repeat(5000) });
    const request = new Request(`https://lamina.test${PATH}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${account.apiKey}`, "Content-Type": "application/json" },
      body,
    });
    const res = await fetchWithEnv(request, { MAX_REQUEST_BYTES: "4096" });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ success: false, error: "Request body is larger than the limit of 4096 bytes; send large files by URL (up to 20 MB) instead of as base64" });
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});

describe("credits", () => {
  it("answers 402 Insufficient credits when the balance is short, with no job and no charge", async () => {
    const account = await createAccount(1);
    const res = await callJson(PATH, { body: SEED_REQUEST, key: account.apiKey });
    expect(res.status).toBe(402);
    expect(res.body).toEqual({ success: false, error: "Insufficient credits" });
    expect(await balanceOf(account.accountId)).toBe(1);
    expect(await jobsOf(account.accountId)).toHaveLength(0);
  });

  it("never overdraws with 20 parallel requests against a balance for 5", async () => {
    const account = await createAccount(10);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => callJson(PATH, { body: solid(), key: account.apiKey })),
    );
    const statuses = results.map((res) => res.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 402)).toHaveLength(15);
    expect(await balanceOf(account.accountId)).toBe(0);
    expect(await jobsOf(account.accountId)).toHaveLength(5);
    const ledger = await ledgerOf(account.accountId);
    expect(ledger.reduce((sum, row) => sum + row.amount, 0)).toBe(0);
  });

  it.each([
    ["an image URL that answers 404", solid({ layers: [{ index: 0, type: "image", file: { type: "url", url: "https://images.example.com/missing.png" } }] }), "layers.0 (image): fetching https://images.example.com/missing.png answered HTTP 404"],
    ["an image that is not an image", solid({ layers: [{ index: 0, type: "image", file: { type: "base64", base64: btoa("definitely not a picture") } }] }), "layers.0 (image): the image could not be decoded (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)"],
    ["a custom font that is not a font", solid({ fonts: [{ name: "Brand", weight: "bold", file: { type: "base64", base64: btoa("not a font file") } }] }), "fonts.0 (Brand): not a TTF, OTF or WOFF file"],
    ["a custom TTF that cannot be parsed", solid({ fonts: [{ name: "Brand", weight: "regular", file: { type: "base64", base64: btoa("\x00\x01\x00\x00" + "garbage".repeat(10)) } }], layers: [{ index: 0, type: "text", text: "hi", font_name: "Brand", font_size_in_px: 10, text_color: "#000000", position: { x: 0, y: 0 }, dimensions: { width: 20, height: 10 } }] }), /^The layers could not be laid out: .+/],
    ["a WOFF2 custom font", solid({ fonts: [{ name: "Brand", weight: "regular", file: { type: "base64", base64: btoa("wOF2" + "x".repeat(40)) } }] }), "fonts.0 (Brand): WOFF2 is not supported; use TTF, OTF or WOFF"],
  ])("answers 422 for %s and refunds the credits", async (_name, body, message) => {
    const account = await createAccount(10);
    const missing = vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("gone", { status: 404 }));
    const res = await callJson(PATH, { body, key: account.apiKey });
    missing.mockRestore();
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ success: false, error: typeof message === "string" ? message : expect.stringMatching(message) });
    expect(await balanceOf(account.accountId)).toBe(10);
    const [job] = await jobsOf(account.accountId);
    expect(job).toMatchObject({ status: "failed", error: res.body.error });
    expect((await ledgerOf(account.accountId)).map((row) => row.reason)).toEqual(["grant", "debit", "refund"]);
  });
});
