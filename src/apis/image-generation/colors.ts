/** `#RRGGBB` / `#RRGGBBAA` (with or without `#`) → a CSS `rgba()` the renderer and the SVG builders share. */
export function cssColor(hex: string): string {
  const digits = hex.startsWith("#") ? hex.slice(1) : hex;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(digits.slice(i, i + 2), 16));
  const a = digits.length === 8 ? Number.parseInt(digits.slice(6, 8), 16) / 255 : 1;
  return `rgba(${r}, ${g}, ${b}, ${Number(a.toFixed(4))})`;
}
