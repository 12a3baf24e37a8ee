/**
 * Which fonts a render needs: the bundled families its text layers name (unknown names fall back to Inter,
 * never fail) and the request's custom fonts (TTF, OTF or WOFF; matched by name before the bundled ones).
 */
import type { ProcessDeps } from "../define";
import { readFileInput } from "../file-input";
import { ApiError } from "../../errors";
import type { GenerateImageRequest, Layer } from "./schema";

export interface SatoriFont {
  name: string;
  data: ArrayBuffer;
  weight: number;
  style: "normal" | "italic";
}

const FALLBACK_FAMILY = "Inter";
export const FONT_WEIGHTS: Record<string, number> = {
  thin: 100,
  extralight: 200,
  light: 300,
  regular: 400,
  medium: 500,
  semibold: 600,
  bold: 700,
  extrabold: 800,
  black: 900,
};

const key = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

function fontFormat(bytes: Uint8Array): "ttf" | "otf" | "woff" | "woff2" | null {
  const tag = String.fromCharCode(...bytes.subarray(0, 4));
  if (tag === "\x00\x01\x00\x00" || tag === "true") return "ttf";
  if (tag === "OTTO") return "otf";
  if (tag === "wOFF") return "woff";
  if (tag === "wOF2") return "woff2";
  return null;
}

export async function loadFonts(
  input: GenerateImageRequest,
  layers: readonly Layer[],
  deps: ProcessDeps,
): Promise<{ fonts: SatoriFont[]; family: (name: string) => string }> {
  const custom = await Promise.all(
    (input.fonts ?? []).map(async (font, i): Promise<SatoriFont> => {
      const bytes = await readFileInput(font.file, `fonts.${i}`, deps);
      const format = fontFormat(bytes);
      if (format === "woff2") {
        throw new ApiError(422, `fonts.${i} (${font.name}): WOFF2 is not supported; use TTF, OTF or WOFF`);
      }
      if (format === null) {
        throw new ApiError(422, `fonts.${i} (${font.name}): not a TTF, OTF or WOFF file`);
      }
      const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return { name: font.name, data, weight: FONT_WEIGHTS[font.weight] ?? 400, style: font.style };
    }),
  );
  const customNames = new Map(custom.map((font) => [key(font.name), font.name]));

  const { BUNDLED_FAMILIES } = await import("./bundled-fonts");
  const bundled = new Map(BUNDLED_FAMILIES.map((entry) => [key(entry.family), entry]));
  const family = (name: string) => customNames.get(key(name)) ?? bundled.get(key(name))?.family ?? FALLBACK_FAMILY;

  const used = new Set<string>([FALLBACK_FAMILY]);
  for (const layer of layers) {
    if (layer.type === "text") {
      used.add(family(layer.font_name));
    }
  }
  const fonts: SatoriFont[] = [...custom];
  for (const name of used) {
    const entry = bundled.get(key(name));
    if (entry) {
      fonts.push(...entry.files.map((file) => ({ name: entry.family, data: file.data, weight: file.weight, style: file.style })));
    }
  }
  return { fonts, family };
}
