/**
 * Fonts for every renderer: the one weight table, the wire contract's FontDefinition, custom fonts (TTF, OTF or
 * WOFF, read through the guarded fetcher) and the 98 bundled families, looked up by name case- and
 * space-insensitively; unknown names fall back to Inter, never fail. Custom fonts win over bundled ones.
 * Bundled fonts are data, not code: static assets (assets/fonts/, written by `npm install` from the font packages)
 * read through an AssetReader on first use and cached in the isolate.
 */
import { z } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import type { UrlFetcher } from "../inputs/fetcher";
import { FileInputSchema, readFileInput } from "../inputs/file-input";
import { sniffFormat } from "../inputs/sniff";

export const FONT_WEIGHTS = {
  thin: 100,
  extralight: 200,
  light: 300,
  regular: 400,
  medium: 500,
  semibold: 600,
  bold: 700,
  extrabold: 800,
  black: 900,
} as const;
export type FontWeightName = keyof typeof FONT_WEIGHTS;

export const FontWeightSchema = z.preprocess(
  (value) => (typeof value === "string" ? value.toLowerCase().replace(/[-_ ]/g, "") : value),
  z.enum(Object.keys(FONT_WEIGHTS) as [FontWeightName, ...FontWeightName[]]),
);

export const FontStyleSchema = z.enum(["normal", "italic"]);

/** A custom font. Older clients send the bytes as `buffer`; they become `file: {type: "base64"}`. */
export const FontDefinitionSchema = z
  .preprocess(
    (value) => {
      if (typeof value === "object" && value !== null && !Array.isArray(value) && "buffer" in value && typeof value.buffer === "string" && !("file" in value)) {
        const { buffer, ...rest } = value as Record<string, unknown>;
        return { ...rest, file: { type: "base64", base64: buffer } };
      }
      return value;
    },
    z.object({
      name: z.string().min(1).max(200),
      weight: FontWeightSchema,
      style: FontStyleSchema.default("normal"),
      file: FileInputSchema,
    }),
  )
  .openapi("FontDefinition");
export type FontDefinition = z.output<typeof FontDefinitionSchema>;

/** A font file ready for satori: its family name, bytes, numeric weight and style. */
export interface LoadedFont {
  name: string;
  data: ArrayBuffer;
  weight: number;
  style: "normal" | "italic";
}

export const FALLBACK_FAMILY = "Inter";

/** The lookup key of a family name: `Open Sans`, `open-sans` and `OpenSans` are one family. */
export const familyKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

export async function loadCustomFonts(definitions: readonly FontDefinition[], fetcher: UrlFetcher): Promise<LoadedFont[]> {
  return Promise.all(
    definitions.map(async (font, i): Promise<LoadedFont> => {
      const where = `fonts.${i} (${font.name})`;
      const bytes = await readFileInput(font.file, where, fetcher);
      const format = sniffFormat(bytes, "");
      if (format === "woff2") {
        throw new ApiError(422, `${where}: WOFF2 is not supported; use TTF, OTF or WOFF`);
      }
      if (format !== "ttf" && format !== "otf" && format !== "woff") {
        throw new ApiError(422, `${where}: not a TTF, OTF or WOFF file`);
      }
      const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return { name: font.name, data, weight: FONT_WEIGHTS[font.weight], style: font.style };
    }),
  );
}

/** Reads a static asset by path (`fonts/inter/400-normal.ttf`); null when there is none. */
export interface AssetReader {
  read(path: string): Promise<ArrayBuffer | null>;
}

interface CatalogueFamily {
  name: string;
  files: { weight: number; style: "normal" | "italic"; path: string; bytes: number }[];
}

const CATALOGUE_PATH = "fonts/catalogue.json";
/** Font files kept in the isolate between requests, up to this many bytes (the CJK families are ~5 MB a file). */
const FONT_CACHE_BYTES = 32 * 1024 * 1024;

let catalogue: Promise<Map<string, CatalogueFamily>> | undefined;
const fileCache = new Map<string, ArrayBuffer>();
let fileCacheBytes = 0;

function loadCatalogue(assets: AssetReader): Promise<Map<string, CatalogueFamily>> {
  catalogue ??= assets
    .read(CATALOGUE_PATH)
    .then((data) => {
      if (!data) {
        throw new Error(`${CATALOGUE_PATH} is missing from the static assets (npm install writes it)`);
      }
      const { families } = JSON.parse(new TextDecoder().decode(data)) as { families: CatalogueFamily[] };
      return new Map(families.map((family) => [familyKey(family.name), family]));
    })
    .catch((err) => {
      catalogue = undefined;
      throw err;
    });
  return catalogue;
}

async function loadFontFile(assets: AssetReader, path: string): Promise<ArrayBuffer> {
  const cached = fileCache.get(path);
  if (cached) {
    // Most recently used last: Map keeps insertion order, so the first entries are evicted first.
    fileCache.delete(path);
    fileCache.set(path, cached);
    return cached;
  }
  const data = await assets.read(path);
  if (!data) {
    throw new Error(`font asset ${path} is missing`);
  }
  fileCache.set(path, data);
  fileCacheBytes += data.byteLength;
  for (const [oldest, bytes] of fileCache) {
    if (fileCacheBytes <= FONT_CACHE_BYTES || oldest === path) break;
    fileCache.delete(oldest);
    fileCacheBytes -= bytes.byteLength;
  }
  return data;
}

/** The bundled family names, as the catalogue spells them. */
export async function bundledFamilies(assets: AssetReader): Promise<string[]> {
  return [...(await loadCatalogue(assets)).values()].map((family) => family.name);
}

export interface FontSet {
  /** Every font file the render needs: the custom ones and the files of each bundled family used. */
  fonts: LoadedFont[];
  /** The family a name resolves to: a custom font's name, a bundled family, else the fallback. */
  family(name: string): string;
}

/** The fonts for text set in `familyNames` (custom fonts first), or just the fallback's regular face when there is no text. */
export async function createFontSet(custom: readonly LoadedFont[], familyNames: Iterable<string>, assets: AssetReader): Promise<FontSet> {
  const customNames = new Map(custom.map((font) => [familyKey(font.name), font.name]));
  const bundled = await loadCatalogue(assets);
  const family = (name: string) => customNames.get(familyKey(name)) ?? bundled.get(familyKey(name))?.name ?? FALLBACK_FAMILY;

  const used = new Set<string>();
  for (const name of familyNames) {
    used.add(family(name));
  }
  const fonts: LoadedFont[] = [...custom];
  await Promise.all(
    [...used].map(async (name) => {
      const entry = customNames.has(familyKey(name)) ? undefined : bundled.get(familyKey(name));
      for (const file of entry?.files ?? []) {
        fonts.push({ name: entry!.name, data: await loadFontFile(assets, file.path), weight: file.weight, style: file.style });
      }
    }),
  );
  if (fonts.length === 0) {
    // No text to set: the layout engine still wants one font, and parses every font it is given on every call.
    const regular = bundled.get(familyKey(FALLBACK_FAMILY))!.files[0]!;
    fonts.push({ name: FALLBACK_FAMILY, data: await loadFontFile(assets, regular.path), weight: regular.weight, style: regular.style });
  }
  return { fonts, family };
}
