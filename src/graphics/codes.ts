/**
 * QR codes (qrcode-generator) and barcodes (bwip-js) as SVG documents, functions of (value, format, colours):
 * the image renderer embeds them, and the document renderers can too.
 */
import { z } from "@hono/zod-openapi";
import qrcode from "qrcode-generator";
import { ApiError } from "../errors";
import { cssColor, hexDigits } from "./colors";

/** The quiet zone around a QR code, in modules: readers need it. */
const QUIET_ZONE = 4;

// Byte mode carries UTF-8 (the library's default keeps only the low byte of each UTF-16 unit: "€" became "¬").
qrcode.stringToBytes = (text: string) => Array.from(new TextEncoder().encode(text));

/** What a version-40 QR code holds in byte mode at error correction M. */
export const QR_MAX_BYTES = 2331;

/** Why `value` cannot be a QR code (too long once UTF-8-encoded), or null. */
export function qrCapacityProblem(value: string): string | null {
  const bytes = new TextEncoder().encode(value).length;
  return bytes > QR_MAX_BYTES
    ? `is ${bytes} bytes in UTF-8; a QR code at error correction M holds at most ${QR_MAX_BYTES}`
    : null;
}

/** A QR code's value in a request: not empty, and within a QR code's capacity. */
export const QrValueSchema = z
  .string()
  .min(1, "must not be empty")
  .superRefine((value, ctx) => {
    const problem = qrCapacityProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export interface CodeColors {
  foreground: string;
  background: string;
}

export function qrCodeSvg(value: string, colors: CodeColors): string {
  const qr = qrcode(0, "M");
  qr.addData(value, "Byte");
  qr.make();
  const count = qr.getModuleCount();
  const side = count + QUIET_ZONE * 2;
  let path = "";
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) {
        path += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
      }
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" width="${side}" height="${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="${cssColor(colors.background)}"/><path d="${path}" fill="${cssColor(colors.foreground)}"/></svg>`
  );
}

export const BARCODE_FORMATS = ["code128", "ean13", "ean8", "code39", "itf", "codabar"] as const;
export type BarcodeFormat = (typeof BARCODE_FORMATS)[number];

/** What each format can hold, checked at validation so a bad value is a 400. */
export const BARCODE_RULES: Record<BarcodeFormat, { pattern: RegExp; message: string }> = {
  ean13: { pattern: /^\d{12,13}$/, message: "ean13 needs 12 or 13 digits" },
  ean8: { pattern: /^\d{7,8}$/, message: "ean8 needs 7 or 8 digits" },
  itf: { pattern: /^(?:\d\d)+$/, message: "itf needs an even number of digits" },
  codabar: { pattern: /^[A-Da-d][0-9\-$:/.+]*[A-Da-d]$/, message: "codabar must start and end with A, B, C or D" },
  code39: { pattern: /^[0-9A-Z\-. $/+%]+$/, message: "code39 allows uppercase letters, digits and - . space $ / + %" },
  code128: { pattern: /^[\x20-\x7E]+$/, message: "code128 allows printable ASCII characters" },
};

export type BarcodeEncoder = typeof import("bwip-js");

export function loadBarcodeEncoder(): Promise<BarcodeEncoder> {
  return import("bwip-js");
}

const BCID: Record<BarcodeFormat, string> = {
  code128: "code128",
  ean13: "ean13",
  ean8: "ean8",
  code39: "code39",
  itf: "interleaved2of5",
  codabar: "rationalizedCodabar",
};

/** A barcode as SVG; a value the format cannot encode is a 422 naming `where`. */
export function barcodeSvg(encoder: BarcodeEncoder, value: string, format: BarcodeFormat, colors: CodeColors, where: string): string {
  try {
    return encoder.toSVG({
      bcid: BCID[format],
      text: value,
      scale: 2,
      height: 10,
      includetext: false,
      barcolor: hexDigits(colors.foreground),
      backgroundcolor: hexDigits(colors.background),
    });
  } catch (err) {
    throw new ApiError(422, `${where}: the value cannot be encoded as ${format}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
