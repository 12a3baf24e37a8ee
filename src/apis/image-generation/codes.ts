/**
 * QR codes (qrcode-generator) and barcodes (bwip-js) as SVG, for the renderer to embed as images.
 */
import qrcode from "qrcode-generator";
import { ApiError } from "../../errors";
import { cssColor } from "./colors";
import type { Layer } from "./schema";

/** The quiet zone around a QR code, in modules: readers need it. */
const QUIET_ZONE = 4;

export function qrCodeSvg(value: string, foreground: string, background: string): string {
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
    `<rect width="${side}" height="${side}" fill="${cssColor(background)}"/><path d="${path}" fill="${cssColor(foreground)}"/></svg>`
  );
}

export type BarcodeEncoder = typeof import("bwip-js");

export function loadBarcodeEncoder(): Promise<BarcodeEncoder> {
  return import("bwip-js");
}

const BCID: Record<string, string> = {
  code128: "code128",
  ean13: "ean13",
  ean8: "ean8",
  code39: "code39",
  itf: "interleaved2of5",
  codabar: "rationalizedCodabar",
};

export function barcodeSvg(encoder: BarcodeEncoder, layer: Layer, path: string): string {
  if (layer.type !== "barcode") {
    throw new Error("not a barcode layer");
  }
  const hex = (color: string) => color.replace("#", "").slice(0, 6);
  try {
    return encoder.toSVG({
      bcid: BCID[layer.format]!,
      text: layer.value,
      scale: 2,
      height: 10,
      includetext: false,
      barcolor: hex(layer.foreground_hex_color),
      backgroundcolor: hex(layer.background_hex_color),
    });
  } catch (err) {
    throw new ApiError(422, `${path} (barcode): the value cannot be encoded as ${layer.format}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
