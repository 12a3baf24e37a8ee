/**
 * The document's styles with the contract's defaults filled in (Plus Jakarta Sans 11 pt body text, Outfit
 * headlines, black text, sky-500 links, A4 with 72 pt margins), the page size and margins resolved, and a block's
 * own `styles` laid over the document's. Every renderer reads these, so a default is written once.
 */
import { FONT_WEIGHTS, type FontWeightName } from "../../graphics/fonts";
import { PAGE_PRESETS, type Block, type DocumentInput, type Styles, type TableBlock } from "./schema";

export interface TextStyle {
  font_family: string;
  font_size_in_pt: number;
  line_height: number;
  color: string;
  font_weight: FontWeightName;
  is_italic: boolean;
}
export interface HeadlineStyle extends Omit<TextStyle, "line_height"> {
  spacing_before_in_pt: number;
  spacing_after_in_pt: number;
}
export interface Border {
  color: string;
  width_in_pt: number;
}

const HEADLINE_SIZES = { h1: 26, h2: 21, h3: 17, h4: 14, h5: 12, h6: 11 } as const;

export function resolveStyles(styles: Styles | undefined) {
  const text: TextStyle = { font_family: "PlusJakartaSans", font_size_in_pt: 11, line_height: 1.4, color: "#000000", font_weight: "regular", is_italic: false, ...styles?.text };
  const headline = { font_family: "Outfit", color: "#000000", font_weight: "bold" as FontWeightName, is_italic: false, ...styles?.headline };
  const border = (color: string, width = 0.75): Border => ({ color, width_in_pt: width });
  const table = styles?.table;
  return {
    text,
    /** A level's headline style: its size from the level unless the document set one. */
    headline(level: keyof typeof HEADLINE_SIZES): HeadlineStyle {
      const size = headline.font_size_in_pt !== undefined ? headline.font_size_in_pt * (HEADLINE_SIZES[level] / HEADLINE_SIZES.h1) : HEADLINE_SIZES[level];
      return { spacing_before_in_pt: size * 0.8, spacing_after_in_pt: size * 0.4, ...headline, font_size_in_pt: size };
    },
    link: { color: "#0EA5E9", is_underlined: true, ...styles?.link },
    list: { marker_color: text.color, marker_gap_in_pt: 6, ...styles?.list, text_style: { ...text, ...styles?.list?.text_style } },
    table: {
      header: { background_color: "#F1F5F9", text_color: text.color, font_size_in_pt: text.font_size_in_pt, font_weight: "bold" as FontWeightName, ...table?.header },
      body: { background_color: "#FFFFFF", text_color: text.color, font_size_in_pt: text.font_size_in_pt, ...table?.body },
      border: {
        outer: { top: border("#CBD5E1"), right: border("#CBD5E1"), bottom: border("#CBD5E1"), left: border("#CBD5E1"), ...table?.border?.outer },
        inner: { horizontal: border("#E2E8F0"), vertical: border("#E2E8F0"), ...table?.border?.inner },
      },
    },
    grid: { background_color: undefined as string | undefined, border_color: undefined as string | undefined, border_width_in_pt: 0, gap_in_pt: 12, ...styles?.grid },
    separator: { color: "#CBD5E1", thickness_in_pt: 1, spacing_before_in_pt: 8, spacing_after_in_pt: 8, ...styles?.separator },
    image: { border_color: undefined as string | undefined, border_width_in_pt: 0, ...styles?.image },
  };
}
export type ResolvedStyles = ReturnType<typeof resolveStyles>;

/** A table's resolved header, body and border styles: its own `styles` over the document's. */
export function tableStyleOf(styles: ResolvedStyles, own: TableBlock["styles"]) {
  return {
    header: over(styles.table.header, own?.header),
    body: over(styles.table.body, own?.body),
    outer: over(styles.table.border.outer, own?.border?.outer),
    inner: over(styles.table.border.inner, own?.border?.inner),
  };
}

/** Lays a block's partial style over the document's. */
export function over<T extends object>(base: T, own: Partial<T> | undefined): T {
  return own ? { ...base, ...Object.fromEntries(Object.entries(own).filter(([, value]) => value !== undefined)) } : base;
}

export interface PageGeometry {
  width: number;
  height: number;
  margins: { top: number; right: number; bottom: number; left: number };
  background?: string;
}

export function pageGeometry(document: DocumentInput): PageGeometry {
  const size = document.page?.size;
  const [width, height] = size && "preset" in size ? PAGE_PRESETS[size.preset] : size ? [size.width_in_pt, size.height_in_pt] : PAGE_PRESETS.A4;
  const margins = document.page?.margins;
  return {
    width,
    height,
    margins: { top: margins?.top_in_pt ?? 72, right: margins?.right_in_pt ?? 72, bottom: margins?.bottom_in_pt ?? 72, left: margins?.left_in_pt ?? 72 },
    ...(document.page?.background_color ? { background: document.page.background_color } : {}),
  };
}

export const weightOf = (name: FontWeightName) => FONT_WEIGHTS[name];
/** DOCX and PPTX know bold or not: semibold and above are bold (the contract's mapping). */
export const isBold = (name: FontWeightName) => FONT_WEIGHTS[name] >= 600;

/** Every font family the document's text is set in (for loading only those). */
export function usedFamilies(document: DocumentInput, styles: ResolvedStyles): Set<string> {
  const families = new Set<string>([styles.text.font_family, styles.headline("h1").font_family, styles.list.text_style.font_family]);
  const visit = (blocks: readonly Block[] | undefined) => {
    for (const block of blocks ?? []) {
      if ("styles" in block && block.styles && "font_family" in block.styles && typeof block.styles.font_family === "string") families.add(block.styles.font_family);
      if (block.type === "list" && block.styles?.text_style?.font_family) families.add(block.styles.text_style.font_family);
      if (block.type === "grid") for (const column of block.columns) visit(column.blocks);
    }
  };
  visit(document.content);
  visit(document.header);
  visit(document.footer);
  return families;
}

/** The `#RRGGBB` part of a contract colour (renderers take no alpha). */
export const rgb = (hex: string) => `#${hex.replace("#", "").slice(0, 6).toUpperCase()}`;
