// `npm run gallery`: renders a few realistic images, a sample report as PDF and DOCX, and a sheet of orders as XLSX
// and CSV (with a total row), through the real
// service (`wrangler dev` on 127.0.0.1) and writes them to gallery/ (git-ignored), for people to look at.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encode } from "fast-png";
import { sheetRequest } from "../bench/sheets.mjs";
import { ROOT, startStack } from "./lib/stack.mjs";

/** A soft photo-like stand-in (a two-axis gradient), made here so the gallery needs no network. */
function samplePhoto(width, height) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = 60 + Math.round((150 * x) / width);
      data[i + 1] = 110 + Math.round((90 * y) / height);
      data[i + 2] = 170 - Math.round((80 * x) / width);
      data[i + 3] = 255;
    }
  }
  return Buffer.from(encode({ width, height, data, channels: 4 })).toString("base64");
}

const pill = (text, color, background) => ({
  type: "layout",
  padding_top: 8,
  padding_bottom: 8,
  padding_left: 18,
  padding_right: 18,
  border_radius: 22,
  background_color: background,
  layers: [{ type: "text", text, font_name: "Inter", font_size_in_px: 24, font_weight: "semibold", text_color: color, dimensions: { width: "auto", height: "auto" } }],
});

const EXAMPLES = {
  "og-card": {
    dimensions: { width_in_px: 1200, height_in_px: 630 },
    layers: [
      { index: 0, type: "gradient", gradient_type: "linear", angle_in_degrees: 35, colors: [{ hex_color: "#0F172A", position: 0 }, { hex_color: "#1E3A8A", position: 100 }], position: { x_in_px: 0, y_in_px: 0 }, dimensions: { width_in_px: 1200, height_in_px: 630 } },
      { index: 1, type: "solid-color", hex_color: "#38BDF8", position: { x_in_px: 0, y_in_px: 0 }, dimensions: { width_in_px: 24, height_in_px: 630 } },
      { index: 2, type: "layout", position: { x_in_px: 90, y_in_px: 90 }, layers: [pill("ENGINEERING BLOG", "#0F172A", "#38BDF8")] },
      { index: 3, type: "text", text: "How we deliver **every** webhook exactly once, even when receivers fail", font_name: "Playfair Display", font_weight: "bold", font_size_in_px: 64, text_color: "#F8FAFC", position: { x_in_px: 90, y_in_px: 170 }, dimensions: { width_in_px: 1020, height_in_px: 300 }, should_auto_scale: true },
      { index: 4, type: "text", text: "lamina.example/blog · 8 min read", font_name: "Inter", font_size_in_px: 28, text_color: "#94A3B8", position: { x_in_px: 90, y_in_px: 520 }, dimensions: { width_in_px: 1020, height_in_px: 40 } },
    ],
  },
  certificate: {
    dimensions: { width_in_px: 1600, height_in_px: 1130 },
    output_format: "jpeg",
    layers: [
      { index: 0, type: "solid-color", hex_color: "#FFFBEB" },
      { index: 1, type: "solid-color", hex_color: "#B45309", position: { x_in_px: 40, y_in_px: 40 }, dimensions: { width_in_px: 1520, height_in_px: 1050 }, border_radius: 12 },
      { index: 2, type: "solid-color", hex_color: "#FFFBEB", position: { x_in_px: 52, y_in_px: 52 }, dimensions: { width_in_px: 1496, height_in_px: 1026 }, border_radius: 8 },
      { index: 3, type: "text", text: "Certificate of Completion", font_name: "Playfair Display", font_weight: "bold", font_size_in_px: 84, text_color: "#78350F", text_align: "center", position: { x_in_px: 100, y_in_px: 170 }, dimensions: { width_in_px: 1400, height_in_px: 120 } },
      { index: 4, type: "text", text: "This certifies that", font_name: "Lora", font_style: "italic", font_size_in_px: 36, text_color: "#92400E", text_align: "center", position: { x_in_px: 100, y_in_px: 340 }, dimensions: { width_in_px: 1400, height_in_px: 60 } },
      { index: 5, type: "text", text: "Ada Lovelace", font_name: "Merriweather", font_weight: "bold", font_size_in_px: 96, text_color: "#1C1917", text_align: "center", position: { x_in_px: 100, y_in_px: 420 }, dimensions: { width_in_px: 1400, height_in_px: 140 } },
      { index: 6, type: "text", text: "completed *Async Systems on the Edge*\non 30 November 2026", font_name: "Lora", font_size_in_px: 36, paragraph_spacing_in_px: 10, text_color: "#44403C", text_align: "center", position: { x_in_px: 100, y_in_px: 600 }, dimensions: { width_in_px: 1400, height_in_px: 140 } },
      { index: 7, type: "barcode", value: "CERT-2026-000042", format: "code128", foreground_hex_color: "#1C1917", background_hex_color: "#FFFBEB", position: { x_in_px: 550, y_in_px: 850 }, dimensions: { width_in_px: 500, height_in_px: 120 } },
    ],
  },
  "product-card": {
    dimensions: { width_in_px: 800, height_in_px: 1000 },
    layers: [
      { index: 0, type: "solid-color", hex_color: "#FFFFFF", border_radius: 32 },
      { index: 1, type: "image", file: { type: "base64", base64: samplePhoto(400, 300) }, position: { x_in_px: 0, y_in_px: 0 }, dimensions: { width_in_px: 800, height_in_px: 520 }, border_top_left_radius: 32, border_top_right_radius: 32 },
      { index: 2, type: "layout", position: { x_in_px: 40, y_in_px: 40 }, layers: [pill("NEW", "#FFFFFF", "#DC2626")] },
      { index: 3, type: "text", text: "Trail Runner 3", font_name: "Montserrat", font_weight: "bold", font_size_in_px: 56, text_color: "#111827", position: { x_in_px: 40, y_in_px: 560 }, dimensions: { width_in_px: 720, height_in_px: 80 } },
      { index: 4, type: "text", text: "Lightweight, grippy and ready for **any** weather.", font_name: "Inter", font_size_in_px: 28, text_color: "#4B5563", position: { x_in_px: 40, y_in_px: 650 }, dimensions: { width_in_px: 460, height_in_px: 120 } },
      { index: 5, type: "text", text: "€129", font_name: "Poppins", font_weight: "bold", font_size_in_px: 72, text_color: "#059669", position: { x_in_px: 40, y_in_px: 820 }, dimensions: { width_in_px: 400, height_in_px: 110 } },
      { index: 6, type: "qr-code", value: "https://shop.example/p/trail-runner-3", foreground_hex_color: "#111827", background_hex_color: "#FFFFFF", position: { x_in_px: 560, y_in_px: 740 }, dimensions: { width_in_px: 200, height_in_px: 200 } },
    ],
  },
  "stats-banner": {
    dimensions: { width_in_px: 1500, height_in_px: 500 },
    output_format: "webp",
    layers: [
      { index: 0, type: "gradient", gradient_type: "radial", colors: [{ hex_color: "#312E81", position: 0 }, { hex_color: "#0B1020", position: 100 }], position: { x_in_px: 0, y_in_px: 0 }, dimensions: { width_in_px: 1500, height_in_px: 500 } },
      {
        index: 1,
        type: "layout",
        direction: "horizontal",
        gap: 40,
        horizontal_alignment: "center",
        vertical_alignment: "center",
        position: { x_in_px: 0, y_in_px: 0 },
        dimensions: { width_in_px: 1500, height_in_px: 500 },
        layers: [
          ["99.99%", "delivery success"],
          ["< 1 s", "median 201 → webhook"],
          ["0", "double charges"],
        ].map(([value, label]) => ({
          type: "layout",
          direction: "vertical",
          horizontal_alignment: "center",
          gap: 8,
          padding: 36,
          border_radius: 24,
          background_color: "#FFFFFF14",
          dimensions: { width_in_px: 420, height_in_px: 260 },
          layers: [
            { type: "text", text: value, font_name: "Outfit", font_weight: "bold", font_size_in_px: 96, text_color: "#E0E7FF", dimensions: { width_in_px: "auto", height_in_px: "auto" } },
            { type: "text", text: label, font_name: "Noto Sans", font_size_in_px: 30, text_color: "#A5B4FC", dimensions: { width_in_px: "auto", height_in_px: "auto" } },
          ],
        })),
      },
    ],
  },
};

const EXTENSIONS = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif", "image/tiff": "tiff" };

/** A sample report for document generation: cover, TOC, text, a table, a chart-like image, a QR code, a grid. */
const REPORT = {
  metadata: { title: "Trail Survey 2026", author: "Acme Parks" },
  page: { size: { preset: "A4" }, margins: { top_in_pt: 64, right_in_pt: 56, bottom_in_pt: 64, left_in_pt: 56 } },
  styles: { headline: { color: "#0F172A" }, table: { header: { background_color: "#0EA5E9", text_color: "#FFFFFF" } } },
  header: [{ type: "paragraph", runs: [{ text: "Acme Parks · Trail Survey 2026", is_italic: true }], text_alignment: "right", styles: { font_size_in_pt: 8, color: "#64748B" } }],
  footer: [{ type: "paragraph", runs: [{ text: "Page {{page_number}} of {{page_count}}" }], text_alignment: "center" }],
  content: [
    { type: "headline", level: "h1", text: "Trail Survey 2026", table_of_contents: { is_included: false } },
    { type: "paragraph", markdown: "A survey of **142 km** of trails in the northern district, walked in *April and May* by four teams. See [the map](https://example.com/map)." },
    { type: "image", file: { type: "base64", base64: samplePhoto(1200, 500) }, width_in_pt: 483, height_in_pt: 200, fit: "cover" },
    { type: "table-of-contents", levels: ["h1", "h2"] },
    { type: "page-break" },
    { type: "headline", level: "h1", text: "Findings" },
    { type: "paragraph", runs: [{ text: "Most paths are in " }, { text: "good", font_weight: "bold" }, { text: " condition; three bridges need repair before the summer season." }], text_alignment: "justify" },
    {
      type: "table",
      header: { cells: [{ text: "Section" }, { text: "Length" }, { text: "State" }] },
      rows: [
        { cells: [{ text: "North ridge" }, { text: "38 km", horizontal_alignment: "right" }, { text: "good" }] },
        { cells: [{ text: "River path", row_span: 2 }, { text: "22 km", horizontal_alignment: "right" }, { text: "flooded in May", styles: { background_color: "#FEF3C7" } }] },
        { cells: [{ text: "4 km", horizontal_alignment: "right" }, { text: "bridge closed", styles: { background_color: "#FEE2E2", font_weight: "bold" } }] },
        { cells: [{ text: "Total 142 km surveyed", column_span: 3, horizontal_alignment: "center", styles: { font_weight: "semibold" } }] },
      ],
      column_widths_in_percent: [45, 20, 35],
    },
    { type: "headline", level: "h2", text: "Repairs" },
    { type: "list", variant: "ordered", items: [{ text: "Mill bridge", children: [{ text: "new deck" }, { text: "railings" }] }, { text: "Stone steps at the falls" }, { text: "Signs on the upper loop" }] },
    { type: "separator" },
    {
      type: "grid",
      columns: [
        { column_span: 8, blocks: [{ type: "headline", level: "h3", text: "Report online" }, { type: "paragraph", runs: [{ text: "Scan the code for the interactive map and the photo log." }] }] },
        { column_span: 4, blocks: [{ type: "qr-code", value: "https://example.com/trail-survey-2026", width_in_pt: 110, height_in_pt: 110 }], horizontal_alignment: "right" },
      ],
    },
    { type: "page-break" },
    { type: "headline", level: "h1", text: "Appendix" },
    { type: "headline", level: "h2", text: "Method" },
    { type: "paragraph", runs: [{ text: "Each section was walked twice, once in each direction; states were agreed by both walkers." }] },
    { type: "barcode", value: "TS-2026-0042", format: "code128", width_in_pt: 180, height_in_pt: 40 },
  ],
};

const stack = await startStack({ log: (message) => console.log(`[gallery] ${message}`) });
let failed = false;
try {
  const { apiKey } = await stack.createAccount(1000, "gallery", { rateLimitPerMinute: 0 });
  const out = join(ROOT, "gallery");
  mkdirSync(out, { recursive: true });
  /** Sends one request and writes its file as `<name>.<extension of its MIME type>` (or `<name>` when it has one). */
  const save = async (name, path, request) => {
    const started = performance.now();
    const res = await fetch(`${stack.base}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    const body = await res.json();
    if (res.status !== 200) {
      console.error(`[gallery] ${name}: ${res.status} ${body.error}`);
      failed = true;
      return;
    }
    const file = join(out, name.includes(".") ? name : `${name}.${EXTENSIONS[body.data.mime_type]}`);
    writeFileSync(file, Buffer.from(body.data.buffer, "base64"));
    console.log(`[gallery] ${name}: ${file} (${Math.round(performance.now() - started)} ms)`);
  };
  for (const [name, request] of Object.entries(EXAMPLES)) await save(name, "/image-generation/v1/generate", request);
  for (const format of ["pdf", "docx"]) await save(`report.${format}`, "/document-generation/v1/generate", { format, document: REPORT });
  for (const format of ["xlsx", "csv"]) {
    const request = sheetRequest(format, 30);
    const total = (column, code) => ({ value: `=SUM(${column}2:${column}31)`, ...code });
    request.sheets[0].rows.push([{ value: "Total", styles: { is_bold: true } }, null, total("C", { format: "number" }), total("D", { format: "decimal" }), total("E", { format: "currency", currency_code: "EUR" }), null, null, "=COUNT(A2:J31)", null, total("J", { format: "currency", currency_code: "EUR" })]);
    await save(`orders.${format}`, "/sheet-generation/v1/generate", request);
  }
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);
