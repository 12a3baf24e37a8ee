/** Colours: the wire contract's hex colour and its CSS form, shared by every renderer. */
import { z } from "@hono/zod-openapi";

export const HexColorSchema = z
  .string()
  .regex(/^#?(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, "must be a hex color like #RRGGBB (or #RRGGBBAA)")
  .openapi({ example: "#1E293B" });

export type Rgba = readonly [number, number, number, number];

/** `#RRGGBB` / `#RRGGBBAA` (with or without `#`) → straight RGBA, 0–255 each. */
export function rgbaOf(hex: string): Rgba {
  const digits = hex.startsWith("#") ? hex.slice(1) : hex;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(digits.slice(i, i + 2), 16)) as [number, number, number];
  return [r, g, b, digits.length === 8 ? Number.parseInt(digits.slice(6, 8), 16) : 255];
}

/** `#RRGGBB` / `#RRGGBBAA` (with or without `#`) → a CSS `rgba()` the renderer and the SVG builders share. */
export function cssColor(hex: string): string {
  const [r, g, b, a] = rgbaOf(hex);
  return `rgba(${r}, ${g}, ${b}, ${Number((a / 255).toFixed(4))})`;
}

/** `#RRGGBB(AA)` → `RRGGBB`, the form barcode writers take. */
export function hexDigits(hex: string): string {
  return hex.replace("#", "").slice(0, 6);
}
