/**
 * The document generation request of the wire contract (section 9): a format and a document of metadata, page,
 * styles, content blocks (paragraph, headline, image, table, grid, list, table of contents, page break, separator,
 * QR code, barcode), header and footer (with page numbers), and fonts. The contract's legacy shapes are accepted
 * and rewritten to the current ones before validation: `is_bold`, `page.size.custom`, separator `margin_*`,
 * headline `table_of_contents.{is_excluded, label}`, and `{{page_number}}` inside header and footer text.
 */
import { z } from "@hono/zod-openapi";
import { BARCODE_FORMATS, BARCODE_RULES, QrValueSchema } from "../../graphics/codes";
import { HexColorSchema } from "../../graphics/colors";
import { FontDefinitionSchema, FontWeightSchema } from "../../graphics/fonts";
import { FileInputSchema } from "../../inputs/file-input";
import { isPlainObject } from "../define";

/** Limits of one document (see README): what a Worker lays out in well under its CPU and memory budget. */
export const MAX_BLOCKS = 5_000;
export const MAX_TEXT_CHARACTERS = 500_000;
export const MAX_TABLE_CELLS = 10_000;
/**
 * The layout work budget: blocks, list items and table cells (empty ones too) and line breaks inside text each
 * count 1, a page break PAGE_BREAK_WEIGHT (a new page, slide or chapter costs the writers as much as that many
 * lines). What a writer does grows with these, not with characters alone: a million empty list items, or a
 * paragraph of 100,000 line breaks (ten thousand PDF pages), are within the other limits. DOCX has half: the docx
 * writer holds an object tree of every paragraph while it serialises (`npm run test:abuse` holds the cases).
 */
export const MAX_LAYOUT_UNITS = { pdf: 10_000, pptx: 10_000, epub: 10_000, docx: 5_000 } as const;
export const PAGE_BREAK_WEIGHT = 20;
/** How deeply markdown blockquotes and lists may nest: the markdown reader and the writers recurse per level. */
export const MAX_MARKDOWN_NESTING = 32;
export const MAX_IMAGES = 50;
export const MAX_GRID_DEPTH = 3;
export const MAX_LIST_DEPTH = 8;
export const MAX_FONTS = 20;

const PT = z.number().min(0).max(14_400);
const SIZE = z.number().min(1).max(14_400);
const Text = z.string().max(100_000);

export const PAGE_PRESETS = {
  A0: [2383.94, 3370.39], A1: [1683.78, 2383.94], A2: [1190.55, 1683.78], A3: [841.89, 1190.55], A4: [595.28, 841.89],
  A5: [419.53, 595.28], A6: [297.64, 419.53], B0: [2834.65, 4008.19], B1: [2004.09, 2834.65], B2: [1417.32, 2004.09],
  B3: [1000.63, 1417.32], B4: [708.66, 1000.63], B5: [498.9, 708.66], B6: [354.33, 498.9], Letter: [612, 792],
  Legal: [612, 1008], Tabloid: [792, 1224], Executive: [521.86, 756], Statement: [396, 612],
} as const satisfies Record<string, readonly [number, number]>;
export type PagePreset = keyof typeof PAGE_PRESETS;

const Alignment = z.enum(["left", "center", "right", "justify"]);
const HorizontalAlignment = z.enum(["left", "center", "right"]);

export const TextStyleSchema = z.object({
  font_family: z.string().min(1).max(200),
  font_size_in_pt: z.number().min(1).max(500),
  line_height: z.number().min(0.5).max(10),
  color: HexColorSchema,
  font_weight: FontWeightSchema,
  is_italic: z.boolean(),
});
export const HeadlineStyleSchema = z.object({
  font_family: z.string().min(1).max(200),
  font_size_in_pt: z.number().min(1).max(500),
  color: HexColorSchema,
  spacing_before_in_pt: PT,
  spacing_after_in_pt: PT,
  font_weight: FontWeightSchema,
  is_italic: z.boolean(),
});
const LinkStyleSchema = z.object({ color: HexColorSchema, is_underlined: z.boolean() });
const ListStyleSchema = z.object({ text_style: TextStyleSchema.partial(), marker_color: HexColorSchema, marker_gap_in_pt: PT });
const BorderSchema = z.object({ color: HexColorSchema, width_in_pt: z.number().min(0).max(100) });
const TableStyleSchema = z.object({
  header: z.object({ background_color: HexColorSchema, text_color: HexColorSchema, font_size_in_pt: z.number().min(1).max(500), font_weight: FontWeightSchema }).partial(),
  body: z.object({ background_color: HexColorSchema, text_color: HexColorSchema, font_size_in_pt: z.number().min(1).max(500) }).partial(),
  border: z
    .object({
      outer: z.object({ top: BorderSchema, right: BorderSchema, bottom: BorderSchema, left: BorderSchema }).partial(),
      inner: z.object({ horizontal: BorderSchema, vertical: BorderSchema }).partial(),
    })
    .partial(),
});
const GridStyleSchema = z.object({ background_color: HexColorSchema, border_color: HexColorSchema, border_width_in_pt: z.number().min(0).max(100), gap_in_pt: PT });
const SeparatorStyleSchema = z.object({ color: HexColorSchema, thickness_in_pt: z.number().min(0.1).max(100), spacing_before_in_pt: PT, spacing_after_in_pt: PT });
const ImageStyleSchema = z.object({ border_color: HexColorSchema, border_width_in_pt: z.number().min(0).max(100) });

export const StylesSchema = z
  .object({
    text: TextStyleSchema.partial(),
    headline: HeadlineStyleSchema.partial(),
    link: LinkStyleSchema.partial(),
    list: ListStyleSchema.partial(),
    table: TableStyleSchema.partial(),
    grid: GridStyleSchema.partial(),
    separator: SeparatorStyleSchema.partial(),
    image: ImageStyleSchema.partial(),
  })
  .partial()
  .openapi("DocumentStyles");
export type Styles = z.output<typeof StylesSchema>;

const RunSchema = z.object({
  text: Text,
  font_weight: FontWeightSchema.optional(),
  is_italic: z.boolean().optional(),
  link_url: z.url("must be a valid URL").max(2048).optional(),
});

const ParagraphSchema = z
  .object({
    type: z.literal("paragraph"),
    runs: z.array(RunSchema).max(1000).optional(),
    markdown: Text.optional(),
    text_alignment: Alignment.optional(),
    styles: TextStyleSchema.partial().optional(),
  })
  .refine((block) => (block.runs === undefined) !== (block.markdown === undefined), { message: "give either runs or markdown", path: ["runs"] });

const HEADLINE_LEVELS = ["h1", "h2", "h3", "h4", "h5", "h6"] as const;
const HeadlineSchema = z.object({
  type: z.literal("headline"),
  level: z.enum(HEADLINE_LEVELS),
  text: Text.min(1, "must not be empty"),
  styles: HeadlineStyleSchema.partial().optional(),
  table_of_contents: z.object({ is_included: z.boolean().optional(), label_override: Text.optional(), level_override: z.enum(HEADLINE_LEVELS).optional() }).optional(),
});

const ImageSchema = z.object({
  type: z.literal("image"),
  file: FileInputSchema,
  width_in_pt: SIZE,
  height_in_pt: SIZE,
  fit: z.enum(["cover", "contain"]).default("contain"),
  styles: ImageStyleSchema.partial().optional(),
});

const CellSchema = z.object({
  text: Text,
  horizontal_alignment: HorizontalAlignment.optional(),
  column_span: z.int().min(1).max(100).optional(),
  row_span: z.int().min(1).max(1000).optional(),
  styles: z.object({ background_color: HexColorSchema, text_color: HexColorSchema, font_size_in_pt: z.number().min(1).max(500), font_weight: FontWeightSchema, is_italic: z.boolean() }).partial().optional(),
});
const RowSchema = z.object({ cells: z.array(CellSchema).min(1).max(100) });
const TableSchema = z.object({
  type: z.literal("table"),
  header: RowSchema.optional(),
  rows: z.array(RowSchema).max(10_000),
  column_widths_in_percent: z.array(z.number().min(0.1).max(100)).min(1).max(100).optional(),
  styles: TableStyleSchema.partial().optional(),
});

interface ListItem {
  text: string;
  children?: ListItem[];
}
const ListItemSchema: z.ZodType<ListItem> = z
  .object({
    text: Text,
    get children(): z.ZodOptional<z.ZodArray<z.ZodType<ListItem>>> {
      return z.array(ListItemSchema).max(1000).optional();
    },
  })
  .openapi("DocumentListItem");
const ListSchema = z.object({
  type: z.literal("list"),
  variant: z.enum(["ordered", "unordered"]).default("unordered"),
  items: z.array(ListItemSchema).min(1).max(5000),
  styles: ListStyleSchema.partial().optional(),
});

const TocSchema = z.object({
  type: z.literal("table-of-contents"),
  levels: z.array(z.enum(HEADLINE_LEVELS)).min(1).default(["h1", "h2", "h3"]),
  leader: z.enum(["dots", "none"]).default("dots"),
  text_alignment: HorizontalAlignment.optional(),
  styles: TextStyleSchema.partial().optional(),
});

const PageBreakSchema = z.object({ type: z.literal("page-break") });
const SeparatorSchema = z.object({ type: z.literal("separator"), styles: SeparatorStyleSchema.partial().optional() });

const codeCommon = {
  width_in_pt: SIZE,
  height_in_pt: SIZE,
  fg_hex_color: HexColorSchema.default("#000000"),
  bg_hex_color: HexColorSchema.default("#FFFFFF"),
};
const QrCodeSchema = z.object({
  type: z.literal("qr-code"),
  value: QrValueSchema,
  ...codeCommon,
});
const BarcodeSchema = z
  .object({ type: z.literal("barcode"), value: z.string().min(1, "must not be empty").max(200), format: z.enum(BARCODE_FORMATS), ...codeCommon })
  .superRefine((block, ctx) => {
    const rule = BARCODE_RULES[block.format];
    if (!rule.pattern.test(block.value)) ctx.addIssue({ code: "custom", path: ["value"], message: rule.message });
  });
const PageNumberSchema = z.object({
  type: z.literal("page-number"),
  text_alignment: HorizontalAlignment.optional(),
  styles: TextStyleSchema.partial().optional(),
  template: Text.optional().openapi({ description: "Legacy: the text around the number, `{{page_number}}` where it goes." }),
});

type Simple =
  | z.output<typeof ParagraphSchema>
  | z.output<typeof HeadlineSchema>
  | z.output<typeof ImageSchema>
  | z.output<typeof TableSchema>
  | z.output<typeof ListSchema>
  | z.output<typeof TocSchema>
  | z.output<typeof PageBreakSchema>
  | z.output<typeof SeparatorSchema>
  | z.output<typeof QrCodeSchema>
  | z.output<typeof BarcodeSchema>
  | z.output<typeof PageNumberSchema>;
export interface GridColumn {
  column_span: number;
  blocks: Block[];
  horizontal_alignment?: "left" | "center" | "right";
  vertical_alignment?: "top" | "middle" | "bottom";
}
export interface Grid {
  type: "grid";
  columns: GridColumn[];
  styles?: Partial<z.output<typeof GridStyleSchema>>;
}
export type Block = Simple | Grid;

const GridColumnSchema = z.object({
  column_span: z.int().min(1).max(12),
  get blocks(): z.ZodArray<z.ZodType<Block>> {
    return z.array(BlockSchema).max(MAX_BLOCKS);
  },
  horizontal_alignment: HorizontalAlignment.optional(),
  vertical_alignment: z.enum(["top", "middle", "bottom"]).optional(),
});
const GridSchema = z.object({ type: z.literal("grid"), columns: z.array(GridColumnSchema).min(1).max(12), styles: GridStyleSchema.partial().optional() });

/** Legacy spellings → current ones, on any object of a block (is_bold, separator margins, headline TOC keys, an image's `buffer`). */
function normalizeLegacyBlock(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const block: Record<string, unknown> = { ...value };
  if (block.type === "paragraph" && Array.isArray(block.runs)) block.runs = block.runs.map(normalizeRun);
  if (block.type === "paragraph" && typeof block.text === "string" && block.runs === undefined && block.markdown === undefined) {
    block.runs = [{ text: block.text }];
    delete block.text;
  }
  if (block.type === "image" && typeof block.buffer === "string" && block.file === undefined) {
    block.file = { type: "base64", base64: block.buffer };
    delete block.buffer;
  }
  if (block.type === "separator" && isPlainObject(block.styles)) {
    const styles: Record<string, unknown> = { ...block.styles };
    if ("margin_top_in_pt" in styles) [styles.spacing_before_in_pt, styles.margin_top_in_pt] = [styles.spacing_before_in_pt ?? styles.margin_top_in_pt, undefined];
    if ("margin_bottom_in_pt" in styles) [styles.spacing_after_in_pt, styles.margin_bottom_in_pt] = [styles.spacing_after_in_pt ?? styles.margin_bottom_in_pt, undefined];
    block.styles = withoutUndefined(styles);
  }
  if (block.type === "headline" && isPlainObject(block.table_of_contents)) {
    const toc: Record<string, unknown> = { ...block.table_of_contents };
    if (typeof toc.is_excluded === "boolean" && toc.is_included === undefined) toc.is_included = !toc.is_excluded;
    if (typeof toc.label === "string" && toc.label_override === undefined) toc.label_override = toc.label;
    delete toc.is_excluded;
    delete toc.label;
    block.table_of_contents = toc;
  }
  if (block.type === "grid" && Array.isArray(block.columns)) {
    block.columns = block.columns.map((column) => (isPlainObject(column) && Array.isArray(column.blocks) ? { ...column, blocks: column.blocks.map(normalizeLegacyBlock) } : column));
  }
  return block;
}

function normalizeRun(run: unknown): unknown {
  if (!isPlainObject(run) || typeof run.is_bold !== "boolean" || run.font_weight !== undefined) return run;
  const { is_bold, ...rest } = run;
  return { ...rest, font_weight: is_bold ? "bold" : "regular" };
}

const withoutUndefined = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

/** `{{page_number}}` in a header or footer paragraph: the page number where it stands (a legacy spelling). */
function normalizeLegacyRegion(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.flatMap((raw) => {
    const block = normalizeLegacyBlock(raw);
    if (!isPlainObject(block) || block.type !== "paragraph" || !Array.isArray(block.runs)) return [block];
    const text = block.runs.map((run) => (isPlainObject(run) && typeof run.text === "string" ? run.text : "")).join("");
    if (!text.includes("{{page_number}}")) return [block];
    return [{ type: "page-number", template: text, ...(block.text_alignment ? { text_alignment: block.text_alignment } : {}), ...(block.styles ? { styles: block.styles } : {}) }];
  });
}

const BlockSchema: z.ZodType<Block> = z
  .preprocess(
    normalizeLegacyBlock,
    z.discriminatedUnion("type", [
      ParagraphSchema, HeadlineSchema, ImageSchema, TableSchema, GridSchema, ListSchema, TocSchema, PageBreakSchema, SeparatorSchema,
      QrCodeSchema, BarcodeSchema, PageNumberSchema,
    ]),
  )
  .openapi("DocumentBlock") as unknown as z.ZodType<Block>;

/** Header and footer blocks; a paragraph with the legacy `{{page_number}}` in its text becomes a page number. */
const RegionSchema = z.preprocess(normalizeLegacyRegion, z.array(BlockSchema).max(50));

const PageSchema = z.preprocess(
  (value) => {
    if (!isPlainObject(value) || !isPlainObject(value.size) || !isPlainObject(value.size.custom)) return value;
    return { ...value, size: value.size.custom };
  },
  z.object({
    size: z
      .union([z.object({ preset: z.enum(Object.keys(PAGE_PRESETS) as [PagePreset, ...PagePreset[]]) }), z.object({ width_in_pt: z.number().min(72).max(14_400), height_in_pt: z.number().min(72).max(14_400) })])
      .optional(),
    margins: z.object({ top_in_pt: PT, right_in_pt: PT, bottom_in_pt: PT, left_in_pt: PT }).partial().optional(),
    background_color: HexColorSchema.optional(),
  }),
);

export const DocumentSchema = z.object({
  metadata: z.object({
    title: z.string().trim().min(1, "title is required").max(1000),
    author: z.string().max(1000).optional(),
    language: z.string().min(2).max(35).default("en"),
  }),
  page: PageSchema.optional(),
  styles: StylesSchema.optional(),
  content: z.array(BlockSchema).max(MAX_BLOCKS),
  header: RegionSchema.optional(),
  footer: RegionSchema.optional(),
  header_distance_from_edge_in_pt: PT.optional(),
  footer_distance_from_edge_in_pt: PT.optional(),
  fonts: z.array(FontDefinitionSchema).max(MAX_FONTS).optional(),
});

export const GenerateDocumentRequestSchema = z.object({
  format: z.enum(["pdf", "docx", "epub", "pptx"]),
  document: DocumentSchema.openapi("Document"),
});
export type GenerateDocumentRequest = z.output<typeof GenerateDocumentRequestSchema>;
export type DocumentInput = GenerateDocumentRequest["document"];
export type TableBlock = z.output<typeof TableSchema>;
export type ListItemInput = ListItem;

type Path = (string | number)[];

/** How many line breaks `text` holds. */
function lineBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/**
 * The deepest nesting of blockquotes and lists a markdown text opens, from each line's prefix: every `>` and list
 * marker (one followed by a space, so a rule or a setext underline of dashes is none) counts a level, and so does
 * every two spaces of indentation before a marker (nested lists).
 */
export function markdownNesting(markdown: string): number {
  let deepest = 0;
  const prefix = /^[ \t]*(?:>[ \t]*|(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))*/;
  for (const line of markdown.split("\n")) {
    const opened = prefix.exec(line)![0];
    if (opened.length <= deepest) continue;
    let depth = 0;
    let spaces = 0;
    for (const char of opened) {
      if (char === " ") spaces++;
      else if (char === "\t") spaces += 4;
      else if (char === ">" || char === "-" || char === "*" || char === "+" || char === "." || char === ")") {
        depth += 1 + Math.floor(spaces / 2);
        spaces = 0;
      }
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/** How many columns a table has: its widths, else its header row, else its widest row (spans counted). */
export function tableColumns(table: TableBlock): number {
  const span = (row: TableBlock["rows"][number]) => row.cells.reduce((sum, cell) => sum + (cell.column_span ?? 1), 0);
  if (table.column_widths_in_percent) return table.column_widths_in_percent.length;
  if (table.header) return span(table.header);
  return Math.max(1, ...table.rows.map(span));
}

/**
 * The rules a block schema cannot check alone, and the document budgets, all known at accept (a 400 naming the
 * path, nothing charged): page numbers only in headers and footers, column spans within a table's columns, grid
 * columns within 12, and the limits on blocks, text, table cells, images, nesting and layout work.
 */
export function refineGenerateDocument(input: GenerateDocumentRequest, ctx: z.RefinementCtx): void {
  const totals = { blocks: 0, characters: 0, cells: 0, images: 0, units: 0 };
  const fail = (path: Path, message: string) => {
    ctx.addIssue({ code: "custom", path, message });
    return true;
  };
  const text = (value: string) => {
    totals.characters += value.length;
    totals.units += lineBreaks(value);
  };
  const overBudget = (path: Path) =>
    totals.units > MAX_LAYOUT_UNITS[input.format] &&
    fail(path, `a${input.format === "epub" ? "n" : ""} ${input.format.toUpperCase()} holds at most ${MAX_LAYOUT_UNITS[input.format].toLocaleString("en")} layout units (each block, list item, table cell and line break counts 1, a page break ${PAGE_BREAK_WEIGHT}); split it`);
  const listDepth = (items: readonly ListItem[], depth: number, path: Path): boolean => {
    for (const [index, item] of items.entries()) {
      totals.units++;
      text(item.text);
      if (overBudget([...path, index])) return true;
      if (item.children?.length) {
        if (depth >= MAX_LIST_DEPTH) return fail([...path, index, "children"], `lists nest at most ${MAX_LIST_DEPTH} levels deep`);
        if (listDepth(item.children, depth + 1, [...path, index, "children"])) return true;
      }
    }
    return false;
  };
  const walk = (blocks: readonly Block[], path: Path, region: boolean, gridDepth: number): boolean => {
    for (const [index, block] of blocks.entries()) {
      const at = [...path, index];
      if (++totals.blocks > MAX_BLOCKS) return fail(at, `a document holds at most ${MAX_BLOCKS} blocks (grid columns' blocks included)`);
      totals.units += block.type === "page-break" ? PAGE_BREAK_WEIGHT : 1;
      switch (block.type) {
        case "page-number":
          if (!region) return fail([...at, "type"], "a page-number block belongs in the header or footer");
          break;
        case "paragraph":
          // Refinements run on a body whose blocks failed their own rules too: nothing here may assume them.
          if (block.markdown !== undefined) {
            text(block.markdown);
            if (markdownNesting(block.markdown) > MAX_MARKDOWN_NESTING) return fail([...at, "markdown"], `markdown blockquotes and lists nest at most ${MAX_MARKDOWN_NESTING} levels deep`);
          }
          for (const run of block.runs ?? []) text(run.text);
          break;
        case "headline":
          text(block.text);
          break;
        case "image":
          if (++totals.images > MAX_IMAGES) return fail(at, `a document holds at most ${MAX_IMAGES} images`);
          break;
        case "list":
          if (listDepth(block.items, 1, [...at, "items"])) return true;
          break;
        case "table": {
          const columns = tableColumns(block);
          const rows: [Path, TableBlock["rows"][number]][] = [...(block.header ? [[[...at, "header"], block.header] as [Path, TableBlock["rows"][number]]] : []), ...block.rows.map((row, r) => [[...at, "rows", r], row] as [Path, TableBlock["rows"][number]])];
          for (const [rowPath, row] of rows) {
            let used = 0;
            for (const [c, cell] of row.cells.entries()) {
              used += cell.column_span ?? 1;
              text(cell.text);
              if (used > columns) return fail([...rowPath, "cells", c, "column_span"], `the row spans ${used} columns; the table has ${columns}`);
            }
            totals.cells += row.cells.length;
            totals.units += row.cells.length;
          }
          if (totals.cells > MAX_TABLE_CELLS) return fail(at, `a document's tables hold at most ${MAX_TABLE_CELLS} cells`);
          break;
        }
        case "grid": {
          const span = block.columns.reduce((sum, column) => sum + column.column_span, 0);
          if (span > 12) return fail([...at, "columns"], `the columns span ${span} of the grid's 12`);
          if (gridDepth >= MAX_GRID_DEPTH) return fail([...at, "type"], `grids nest at most ${MAX_GRID_DEPTH} deep`);
          for (const [c, column] of block.columns.entries()) {
            if (walk(column.blocks, [...at, "columns", c, "blocks"], region, gridDepth + 1)) return true;
          }
          break;
        }
      }
      if (totals.characters > MAX_TEXT_CHARACTERS) return fail(at, `a document holds at most ${MAX_TEXT_CHARACTERS} characters of text`);
      if (overBudget(at)) return true;
    }
    return false;
  };
  const { document } = input;
  if (walk(document.content, ["document", "content"], false, 0)) return;
  if (document.header && walk(document.header, ["document", "header"], true, 0)) return;
  if (document.footer) walk(document.footer, ["document", "footer"], true, 0);
}
