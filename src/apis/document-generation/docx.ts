/**
 * DOCX through `docx`: Word's own structures. Headlines are paragraphs of the Heading 1–6 styles (styled as the
 * document says); paragraphs keep their runs (weights of semibold and above are bold, as the contract maps them),
 * links are hyperlinks; lists are numbered or bulleted paragraphs of a numbering definition (each ordered list
 * restarts at 1); tables are `w:tbl` with header rows, `gridSpan` and `vMerge`; grids are borderless tables of
 * their columns; images, QR codes and barcodes are embedded pictures; the table of contents is a TOC field filled
 * in from the headlines (Word refreshes its page numbers); page breaks, separators (a paragraph's bottom border),
 * and headers and footers with PAGE fields. The title and author are the core properties. Fonts are named, not
 * embedded: Word and LibreOffice use them where installed and substitute where not.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  Footer,
  Header,
  HeadingLevel,
  ImageRun,
  LeaderType,
  LevelFormat,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableOfContents,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from "docx";
import type { Prepared } from "./assets";
import { tableColumns, type Block, type DocumentInput, type ListItemInput, type TableBlock } from "./schema";
import { isBold, over, pageGeometry, rgb, tableStyleOf, type ResolvedStyles, type TextStyle } from "./styles";
import { paragraphLines, type Span } from "./text";

const twips = (pt: number) => Math.round(pt * 20);
const halfPoints = (pt: number) => Math.round(pt * 2);
/** docx sizes pictures in pixels at 96 dpi. */
const pixels = (pt: number) => Math.round((pt * 96) / 72);
const hex = (color: string) => rgb(color).slice(1);

const ALIGNMENT = { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT, justify: AlignmentType.JUSTIFIED } as const;
const HEADINGS = { h1: HeadingLevel.HEADING_1, h2: HeadingLevel.HEADING_2, h3: HeadingLevel.HEADING_3, h4: HeadingLevel.HEADING_4, h5: HeadingLevel.HEADING_5, h6: HeadingLevel.HEADING_6 } as const;

export async function renderDocx(document: DocumentInput, styles: ResolvedStyles, prepared: Prepared): Promise<Uint8Array> {
  const page = pageGeometry(document);
  const contentWidth = page.width - page.margins.left - page.margins.right;
  const family = (name: string) => prepared.fonts.family(name);
  let orderedLists = 0;

  const runs = (spans: readonly Span[], style: TextStyle): ParagraphChild[] =>
    spans.map((span) => {
      const run = new TextRun({
        text: span.text,
        font: family(style.font_family),
        size: halfPoints(style.font_size_in_pt),
        color: hex(span.link ? styles.link.color : style.color),
        bold: isBold(span.weight ?? style.font_weight),
        italics: span.italic ?? style.is_italic,
        ...(span.link && styles.link.is_underlined ? { underline: {} } : {}),
      });
      return span.link ? new ExternalHyperlink({ link: span.link, children: [run] }) : run;
    });
  const spacing = (style: TextStyle) => ({ line: Math.round(style.line_height * 240), after: twips(style.font_size_in_pt * 0.6) });

  const picture = (bytes: Uint8Array, mimeType: string, width: number, height: number, alignment?: keyof typeof ALIGNMENT) =>
    new Paragraph({
      ...(alignment ? { alignment: ALIGNMENT[alignment] } : {}),
      children: [new ImageRun({ type: mimeType === "image/jpeg" ? "jpg" : "png", data: bytes, transformation: { width: pixels(width), height: pixels(height) } })],
    });

  const convert = (blocks: readonly Block[], width: number): Child[] => {
    const out: Child[] = [];
    for (const block of blocks) {
      switch (block.type) {
        case "paragraph": {
          const style = over(styles.text, block.styles);
          const lines = paragraphLines(block);
          for (const line of lines) {
            const spans = line.heading ? line.spans.map((span) => ({ ...span, weight: "bold" as const })) : line.spans;
            out.push(
              new Paragraph({
                alignment: ALIGNMENT[block.text_alignment ?? "left"],
                spacing: spacing(style),
                ...(line.marker ? { numbering: { reference: line.marker === "•" ? "bullets" : "numbers", level: Math.min(8, line.depth ?? 0), instance: line.marker === "•" ? 0 : orderedLists + 1 } } : {}),
                children: runs(spans, style),
              }),
            );
          }
          if (lines.some((line) => line.marker && line.marker !== "•")) orderedLists++;
          break;
        }
        case "headline": {
          const style = over(styles.headline(block.level), block.styles);
          out.push(
            new Paragraph({
              heading: HEADINGS[block.level],
              spacing: { before: twips(style.spacing_before_in_pt), after: twips(style.spacing_after_in_pt) },
              children: [new TextRun({ text: block.text, font: family(style.font_family), size: halfPoints(style.font_size_in_pt), color: hex(style.color), bold: isBold(style.font_weight), italics: style.is_italic })],
            }),
          );
          break;
        }
        case "image": {
          const image = prepared.images.get(block)!;
          const scale = Math.min(1, width / image.width);
          out.push(picture(image.bytes, image.mimeType, image.width * scale, image.height * scale));
          break;
        }
        case "qr-code":
        case "barcode": {
          const code = prepared.codes.get(block)!;
          out.push(picture(code.png, "image/png", code.width, code.height));
          break;
        }
        case "table":
          out.push(table(block, width), new Paragraph({ children: [] }));
          break;
        case "grid": {
          const grid = over(styles.grid, block.styles);
          const used = block.columns.reduce((sum, column) => sum + column.column_span, 0);
          const columnWidths = [...block.columns.map((column) => (width * column.column_span) / 12), ...(used < 12 ? [(width * (12 - used)) / 12] : [])];
          const border = grid.border_width_in_pt > 0 && grid.border_color ? { style: BorderStyle.SINGLE, size: Math.max(1, Math.round(grid.border_width_in_pt * 8)), color: hex(grid.border_color) } : { style: BorderStyle.NONE, size: 0, color: "FFFFFF" };
          const cells = block.columns.map(
            (column, index) =>
              new TableCell({
                width: { size: twips(columnWidths[index]!), type: WidthType.DXA },
                ...(grid.background_color ? { shading: { fill: hex(grid.background_color), type: ShadingType.CLEAR, color: "auto" } } : {}),
                borders: { top: border, bottom: border, left: border, right: border },
                margins: { left: twips(grid.gap_in_pt / 2), right: twips(grid.gap_in_pt / 2) },
                verticalAlign: column.vertical_alignment === "middle" ? "center" : (column.vertical_alignment ?? "top"),
                children: withParagraph(convert(column.blocks, columnWidths[index]! - grid.gap_in_pt).filter(isCellChild)),
              }),
          );
          if (used < 12) cells.push(new TableCell({ width: { size: twips(columnWidths.at(-1)!), type: WidthType.DXA }, borders: { top: border, bottom: border, left: border, right: border }, children: [new Paragraph({ children: [] })] }));
          out.push(new Table({ rows: [new TableRow({ children: cells })], columnWidths: columnWidths.map(twips), width: { size: twips(width), type: WidthType.DXA } }), new Paragraph({ children: [] }));
          break;
        }
        case "list": {
          const style = over(styles.list.text_style, block.styles?.text_style);
          const ordered = block.variant === "ordered";
          const instance = ordered ? ++orderedLists : 0;
          const items = (list: readonly ListItemInput[], level: number) => {
            for (const item of list) {
              out.push(new Paragraph({ numbering: { reference: ordered ? "numbers" : "bullets", level: Math.min(8, level), instance }, spacing: spacing(style), children: runs([{ text: item.text }], style) }));
              if (item.children) items(item.children, level + 1);
            }
          };
          items(block.items, 0);
          break;
        }
        case "table-of-contents":
          out.push(
            new TableOfContents("Contents", {
              hyperlink: true,
              headingStyleRange: `${Math.min(...block.levels.map((level) => Number(level.slice(1))))}-${Math.max(...block.levels.map((level) => Number(level.slice(1))))}`,
              tabLeader: block.leader === "dots" ? LeaderType.DOT : LeaderType.NONE,
            }),
          );
          break;
        case "page-break":
          out.push(new Paragraph({ children: [new PageBreak()] }));
          break;
        case "separator": {
          const style = over(styles.separator, block.styles);
          out.push(
            new Paragraph({
              spacing: { before: twips(style.spacing_before_in_pt), after: twips(style.spacing_after_in_pt) },
              border: { bottom: { style: BorderStyle.SINGLE, size: Math.max(2, Math.round(style.thickness_in_pt * 8)), color: hex(style.color), space: 1 } },
              children: [],
            }),
          );
          break;
        }
        case "page-number": {
          const style = over(styles.text, block.styles);
          const format = { font: family(style.font_family), size: halfPoints(style.font_size_in_pt), color: hex(style.color), bold: isBold(style.font_weight), italics: style.is_italic };
          const parts = (block.template ?? "{{page_number}}").split(/(\{\{page_number\}\}|\{\{page_count\}\})/).filter(Boolean);
          out.push(
            new Paragraph({
              alignment: ALIGNMENT[block.text_alignment ?? "center"],
              children: parts.map((part) =>
                part === "{{page_number}}" ? new TextRun({ ...format, children: [PageNumber.CURRENT] }) : part === "{{page_count}}" ? new TextRun({ ...format, children: [PageNumber.TOTAL_PAGES] }) : new TextRun({ ...format, text: part }),
              ),
            }),
          );
          break;
        }
      }
    }
    return out;
  };

  const table = (block: TableBlock, width: number): Table => {
    const { header, body, outer, inner } = tableStyleOf(styles, block.styles);
    const side = (border: { color: string; width_in_pt: number }) =>
      border.width_in_pt > 0 ? { style: BorderStyle.SINGLE, size: Math.max(2, Math.round(border.width_in_pt * 8)), color: hex(border.color) } : { style: BorderStyle.NONE, size: 0, color: "FFFFFF" };
    const columns = tableColumns(block);
    const percents = block.column_widths_in_percent;
    const total = percents?.reduce((sum, value) => sum + value, 0) ?? columns;
    const columnWidths = Array.from({ length: columns }, (_, i) => twips((width * (percents?.[i] ?? 1)) / total));
    const rows = (block.header ? [block.header, ...block.rows] : block.rows).map((row, r) => {
      const isHeader = block.header !== undefined && r === 0;
      return new TableRow({
        tableHeader: isHeader,
        children: row.cells.map((cell) => {
          const cellStyle = cell.styles ?? {};
          const weight = cellStyle.font_weight ?? (isHeader ? header.font_weight : styles.text.font_weight);
          return new TableCell({
            ...(cell.column_span && cell.column_span > 1 ? { columnSpan: cell.column_span } : {}),
            ...(cell.row_span && cell.row_span > 1 ? { rowSpan: cell.row_span } : {}),
            shading: { fill: hex(cellStyle.background_color ?? (isHeader ? header.background_color : body.background_color)), type: ShadingType.CLEAR, color: "auto" },
            children: [
              new Paragraph({
                alignment: ALIGNMENT[cell.horizontal_alignment ?? "left"],
                children: [
                  new TextRun({
                    text: cell.text,
                    font: family(styles.text.font_family),
                    size: halfPoints(cellStyle.font_size_in_pt ?? (isHeader ? header.font_size_in_pt : body.font_size_in_pt)),
                    color: hex(cellStyle.text_color ?? (isHeader ? header.text_color : body.text_color)),
                    bold: isBold(weight),
                    italics: cellStyle.is_italic ?? false,
                  }),
                ],
              }),
            ],
          });
        }),
      });
    });
    return new Table({
      rows,
      columnWidths,
      width: { size: twips(width), type: WidthType.DXA },
      borders: { top: side(outer.top), right: side(outer.right), bottom: side(outer.bottom), left: side(outer.left), insideHorizontal: side(inner.horizontal), insideVertical: side(inner.vertical) },
    });
  };

  const levels = (format: (typeof LevelFormat)[keyof typeof LevelFormat], text: (level: number) => string) =>
    Array.from({ length: 9 }, (_, level) => ({
      level,
      format,
      text: text(level),
      alignment: AlignmentType.LEFT,
      style: { paragraph: { indent: { left: twips(18 * (level + 1) + styles.list.marker_gap_in_pt), hanging: twips(12 + styles.list.marker_gap_in_pt) } }, run: { color: hex(styles.list.marker_color) } },
    }));
  const region = (blocks: readonly Block[] | undefined) => (blocks?.length ? withParagraph(convert(blocks, contentWidth).filter(isCellChild)) : undefined);
  const headerChildren = region(document.header);
  const footerChildren = region(document.footer);
  const file = new Document({
    title: document.metadata.title,
    ...(document.metadata.author ? { creator: document.metadata.author } : {}),
    features: { updateFields: document.content.some((block) => block.type === "table-of-contents") },
    styles: {
      default: {
        document: { run: { font: family(styles.text.font_family), size: halfPoints(styles.text.font_size_in_pt), color: hex(styles.text.color) } },
        ...Object.fromEntries(
          (["h1", "h2", "h3", "h4", "h5", "h6"] as const).map((level, index) => {
            const style = styles.headline(level);
            return [`heading${index + 1}`, { run: { font: family(style.font_family), size: halfPoints(style.font_size_in_pt), color: hex(style.color), bold: isBold(style.font_weight), italics: style.is_italic } }];
          }),
        ),
      },
    },
    numbering: {
      config: [
        { reference: "bullets", levels: levels(LevelFormat.BULLET, (level) => ["•", "◦", "▪"][level % 3]!) },
        { reference: "numbers", levels: levels(LevelFormat.DECIMAL, (level) => `%${level + 1}.`) },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: twips(page.width), height: twips(page.height) },
            margin: {
              top: twips(page.margins.top),
              right: twips(page.margins.right),
              bottom: twips(page.margins.bottom),
              left: twips(page.margins.left),
              header: twips(document.header_distance_from_edge_in_pt ?? Math.min(36, page.margins.top / 2)),
              footer: twips(document.footer_distance_from_edge_in_pt ?? Math.min(36, page.margins.bottom / 2)),
            },
          },
        },
        ...(headerChildren ? { headers: { default: new Header({ children: headerChildren }) } } : {}),
        ...(footerChildren ? { footers: { default: new Footer({ children: footerChildren }) } } : {}),
        children: convert(document.content, contentWidth),
      },
    ],
    ...(page.background ? { background: { color: hex(page.background) } } : {}),
  });
  return new Uint8Array(await Packer.toArrayBuffer(file));
}

type Child = Paragraph | Table | TableOfContents;

/** Table cells, headers and footers hold paragraphs and tables (a table of contents only stands in the body). */
const isCellChild = (child: Child): child is Paragraph | Table => !(child instanceof TableOfContents);

/** A table cell, header or footer must hold at least one paragraph. */
function withParagraph(children: (Paragraph | Table)[]): (Paragraph | Table)[] {
  return children.length > 0 ? children : [new Paragraph({ children: [] })];
}
