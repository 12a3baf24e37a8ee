/**
 * PPTX through pptxgenjs. Slides have no text flow, so blocks are placed by a small layout pass: each
 * page-break-separated section starts a slide, blocks stack down its content area (the page size and margins), and
 * a block that does not fit below the last one continues on a new slide. Heights are estimated from the font size,
 * line height and an average glyph width (text), the row count (tables) and the drawn size (pictures). Text boxes
 * keep runs (semibold and above as bold), links and alignment; lists are bullet or numbered paragraphs with their
 * levels; tables keep spans and colours; images, QR codes and barcodes are pictures; a table of contents lists the
 * headlines with the numbers of the slides they are on. Headers, footers and page numbers are not part of PPTX:
 * they are left out, as the contract's format matrix says.
 */
import { unzipSync } from "fflate";
import PptxGenJS from "pptxgenjs";
import { encodeBase64 } from "../../base64";
import { writeZip } from "../../documents/zip";
import type { Prepared } from "./assets";
import { withFastImmediate } from "./immediate";
import { tableColumns, type Block, type DocumentInput, type ListItemInput, type TableBlock } from "./schema";
import { isBold, over, pageGeometry, rgb, tableStyleOf, type ResolvedStyles, type TextStyle } from "./styles";
import { paragraphLines, type Span } from "./text";

const inches = (pt: number) => pt / 72;
const hex = (color: string) => rgb(color).slice(1);
/** An average glyph is about half an em wide in the families we bundle. */
const AVERAGE_GLYPH = 0.5;

type Slide = ReturnType<PptxGenJS["addSlide"]>;
interface Area {
  x: number;
  width: number;
}
/** One drawing on a slide, placed by the layout pass, drawn once slide numbers are known. */
type Draw = (slide: Slide, area: Area, y: number) => void;

export async function renderPptx(document: DocumentInput, styles: ResolvedStyles, prepared: Prepared): Promise<Uint8Array> {
  const page = pageGeometry(document);
  const family = (name: string) => prepared.fonts.family(name);
  const pptx = new PptxGenJS();
  pptx.defineLayout({ name: "DOCUMENT", width: inches(page.width), height: inches(page.height) });
  pptx.layout = "DOCUMENT";
  pptx.title = document.metadata.title;
  if (document.metadata.author) pptx.author = document.metadata.author;
  pptx.company = "Lamina";

  const slides: { draws: { draw: Draw; area: Area; y: number }[] }[] = [{ draws: [] }];
  const bottom = page.height - page.margins.bottom;
  let y = page.margins.top;
  const headlineSlides = new Map<Block, number>();
  const full: Area = { x: page.margins.left, width: page.width - page.margins.left - page.margins.right };

  const textHeight = (text: string, size: number, lineHeight: number, width: number) => {
    const perLine = Math.max(1, Math.floor(width / (size * AVERAGE_GLYPH)));
    const lines = text.split("\n").reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / perLine)), 0);
    return lines * size * lineHeight + 4;
  };
  /** Inside a grid: its columns stay on one slide. */
  let unbroken = 0;
  /** Reserves `height` on the current slide (or a new one) and records the drawing there. */
  const place = (height: number, area: Area, draw: Draw, spaceAfter = 6) => {
    if (unbroken === 0 && y + height > bottom && y > page.margins.top) {
      slides.push({ draws: [] });
      y = page.margins.top;
    }
    slides.at(-1)!.draws.push({ draw, area, y });
    y += height + spaceAfter;
  };
  const textRuns = (spans: readonly Span[], style: TextStyle) =>
    spans.map((span) => ({
      text: span.text,
      options: {
        fontFace: family(style.font_family),
        fontSize: style.font_size_in_pt,
        color: hex(span.link ? styles.link.color : style.color),
        bold: isBold(span.weight ?? style.font_weight),
        italic: span.italic ?? style.is_italic,
        ...(span.link ? { hyperlink: { url: span.link }, underline: styles.link.is_underlined ? { style: "sng" as const } : undefined } : {}),
      },
    }));

  /** Lays blocks out in `area`; returns nothing: each block reserves its own height. */
  const layout = (blocks: readonly Block[], area: Area) => {
    for (const block of blocks) {
      switch (block.type) {
        case "paragraph": {
          const style = over(styles.text, block.styles);
          const lines = paragraphLines(block);
          const text = lines.map((line) => line.spans.map((span) => span.text).join("")).join("\n");
          const height = textHeight(text, style.font_size_in_pt, style.line_height, area.width);
          const runs = lines.flatMap((line, index) =>
            textRuns(line.heading ? line.spans.map((span) => ({ ...span, weight: "bold" as const })) : line.spans, style).map((run, r, all) => ({
              ...run,
              options: {
                ...run.options,
                ...(line.marker ? { bullet: line.marker === "•" ? true : { type: "number" as const }, indentLevel: line.depth ?? 0 } : {}),
                ...(r === all.length - 1 && index < lines.length - 1 ? { breakLine: true } : {}),
              },
            })),
          );
          place(height, area, (slide, at, top) =>
            slide.addText(runs, { x: inches(at.x), y: inches(top), w: inches(at.width), h: inches(height), valign: "top", align: block.text_alignment ?? "left", lineSpacingMultiple: style.line_height, margin: 0 }),
          );
          break;
        }
        case "headline": {
          const style = over(styles.headline(block.level), block.styles);
          const height = textHeight(block.text, style.font_size_in_pt, 1.2, area.width);
          y += slides.at(-1)!.draws.length > 0 ? style.spacing_before_in_pt : 0;
          place(
            height,
            area,
            (slide, at, top) =>
              slide.addText(block.text, { x: inches(at.x), y: inches(top), w: inches(at.width), h: inches(height), valign: "top", fontFace: family(style.font_family), fontSize: style.font_size_in_pt, color: hex(style.color), bold: isBold(style.font_weight), italic: style.is_italic, margin: 0 }),
            style.spacing_after_in_pt,
          );
          headlineSlides.set(block, slides.length);
          break;
        }
        case "image":
        case "qr-code":
        case "barcode": {
          const picture = block.type === "image" ? prepared.images.get(block)! : { ...prepared.codes.get(block)!, bytes: prepared.codes.get(block)!.png, mimeType: "image/png" };
          const scale = Math.min(1, area.width / picture.width, (bottom - page.margins.top) / picture.height);
          const [width, height] = [picture.width * scale, picture.height * scale];
          const data = `data:${picture.mimeType};base64,${encodeBase64(picture.bytes)}`;
          place(height, area, (slide, at, top) => slide.addImage({ data, x: inches(at.x), y: inches(top), w: inches(width), h: inches(height) }));
          break;
        }
        case "table":
          table(block, area);
          break;
        case "grid": {
          // Columns side by side from the grid's top, never split across slides: a grid that does not fit below
          // the last block starts a new slide, and it ends below its longest column.
          const grid = over(styles.grid, block.styles);
          const unit = (area.width - grid.gap_in_pt * (block.columns.length - 1)) / 12;
          const tallest = Math.max(...block.columns.map((column) => estimate(column.blocks, unit * column.column_span)));
          if (y + tallest > bottom && y > page.margins.top) {
            slides.push({ draws: [] });
            y = page.margins.top;
          }
          const top = y;
          let end = y;
          let x = area.x;
          unbroken++;
          for (const column of block.columns) {
            const width = unit * column.column_span;
            if (grid.background_color || (grid.border_width_in_pt > 0 && grid.border_color)) {
              const height = Math.max(12, estimate(column.blocks, width));
              slides.at(-1)!.draws.push({
                area: { x, width },
                y: top,
                draw: (slide, at, boxTop) =>
                  slide.addShape(pptx.ShapeType.rect, {
                    x: inches(at.x),
                    y: inches(boxTop),
                    w: inches(at.width),
                    h: inches(height),
                    ...(grid.background_color ? { fill: { color: hex(grid.background_color) } } : {}),
                    ...(grid.border_width_in_pt > 0 && grid.border_color ? { line: { color: hex(grid.border_color), width: grid.border_width_in_pt } } : {}),
                  }),
              });
            }
            y = top;
            layout(column.blocks, { x, width });
            end = Math.max(end, y);
            x += width + grid.gap_in_pt;
          }
          unbroken--;
          y = end;
          break;
        }
        case "list": {
          const style = over(styles.list.text_style, block.styles?.text_style);
          const runs: { text: string; options: Record<string, unknown> }[] = [];
          const items = (list: readonly ListItemInput[], level: number) => {
            for (const item of list) {
              runs.push({ text: item.text, options: { bullet: block.variant === "ordered" ? { type: "number" } : true, indentLevel: level, breakLine: true, fontFace: family(style.font_family), fontSize: style.font_size_in_pt, color: hex(style.color) } });
              if (item.children) items(item.children, level + 1);
            }
          };
          items(block.items, 0);
          const height = runs.length * style.font_size_in_pt * style.line_height + 6;
          place(height, area, (slide, at, top) => slide.addText(runs, { x: inches(at.x), y: inches(top), w: inches(at.width), h: inches(height), valign: "top", margin: 0 }));
          break;
        }
        case "table-of-contents": {
          const style = over(styles.text, block.styles);
          const entries = document.content.filter(
            (candidate): candidate is Extract<Block, { type: "headline" }> =>
              candidate.type === "headline" && candidate.table_of_contents?.is_included !== false && block.levels.includes(candidate.table_of_contents?.level_override ?? candidate.level),
          );
          const height = entries.length * style.font_size_in_pt * style.line_height + 6;
          place(height, area, (slide, at, top) =>
            slide.addText(
              entries.map((entry) => ({
                text: `${"   ".repeat(Number((entry.table_of_contents?.level_override ?? entry.level).slice(1)) - 1)}${entry.table_of_contents?.label_override ?? entry.text}${block.leader === "dots" ? " …… " : "   "}${headlineSlides.get(entry) ?? ""}`,
                options: { breakLine: true, fontFace: family(style.font_family), fontSize: style.font_size_in_pt, color: hex(style.color) },
              })),
              { x: inches(at.x), y: inches(top), w: inches(at.width), h: inches(height), valign: "top", margin: 0 },
            ),
          );
          break;
        }
        case "page-break":
          slides.push({ draws: [] });
          y = page.margins.top;
          break;
        case "separator": {
          const style = over(styles.separator, block.styles);
          y += style.spacing_before_in_pt;
          place(style.thickness_in_pt, area, (slide, at, top) => slide.addShape(pptx.ShapeType.line, { x: inches(at.x), y: inches(top), w: inches(at.width), h: 0, line: { color: hex(style.color), width: style.thickness_in_pt } }), style.spacing_after_in_pt);
          break;
        }
        case "page-number":
          break;
      }
    }
  };

  /** A block list's height if laid out at `width` (for grid column boxes). */
  const estimate = (blocks: readonly Block[], width: number) =>
    blocks.reduce((sum, block) => {
      if (block.type === "paragraph") return sum + textHeight(paragraphLines(block).map((line) => line.spans.map((span) => span.text).join("")).join("\n"), styles.text.font_size_in_pt, styles.text.line_height, width) + 6;
      if (block.type === "headline") return sum + styles.headline(block.level).font_size_in_pt * 1.4;
      if (block.type === "image") return sum + (prepared.images.get(block)?.height ?? 0) + 6;
      return sum + styles.text.font_size_in_pt * 2;
    }, 0);

  const table = (block: TableBlock, area: Area) => {
    const { header, body, inner } = tableStyleOf(styles, block.styles);
    const columns = tableColumns(block);
    const percents = block.column_widths_in_percent;
    const total = percents?.reduce((sum, value) => sum + value, 0) ?? columns;
    const colW = Array.from({ length: columns }, (_, i) => inches((area.width * (percents?.[i] ?? 1)) / total));
    const rowOf = (row: TableBlock["rows"][number], isHeader: boolean) =>
      row.cells.map((cell) => {
        const cellStyle = cell.styles ?? {};
        return {
          text: cell.text,
          options: {
            fontFace: family(styles.text.font_family),
            fontSize: cellStyle.font_size_in_pt ?? (isHeader ? header.font_size_in_pt : body.font_size_in_pt),
            color: hex(cellStyle.text_color ?? (isHeader ? header.text_color : body.text_color)),
            fill: { color: hex(cellStyle.background_color ?? (isHeader ? header.background_color : body.background_color)) },
            bold: isBold(cellStyle.font_weight ?? (isHeader ? header.font_weight : styles.text.font_weight)),
            italic: cellStyle.is_italic ?? false,
            align: cell.horizontal_alignment ?? "left",
            ...(cell.column_span && cell.column_span > 1 ? { colspan: cell.column_span } : {}),
            ...(cell.row_span && cell.row_span > 1 ? { rowspan: cell.row_span } : {}),
          },
        };
      });
    const rowHeight = body.font_size_in_pt * 1.9;
    // A long table continues on new slides, its header row repeated on each.
    const perSlide = Math.max(1, Math.floor((bottom - page.margins.top) / rowHeight) - (block.header ? 1 : 0));
    for (let start = 0; start < Math.max(1, block.rows.length); start += perSlide) {
      const rows = [...(block.header ? [rowOf(block.header, true)] : []), ...block.rows.slice(start, start + perSlide).map((row) => rowOf(row, false))];
      const height = rows.length * rowHeight;
      place(height, area, (slide, at, top) =>
        slide.addTable(rows, { x: inches(at.x), y: inches(top), w: inches(at.width), colW, border: { type: "solid", pt: inner.horizontal.width_in_pt, color: hex(inner.horizontal.color) }, margin: 0.05 }),
      );
    }
  };

  layout(document.content, full);
  for (const { draws } of slides) {
    const slide = pptx.addSlide();
    if (page.background) slide.background = { color: hex(page.background) };
    for (const { draw, area, y: top } of draws) draw(slide, area, top);
  }
  // pptxgenjs stores every entry uncompressed when asked for bytes (1.4 MB for 30 text slides): the entries are
  // read back and deflated natively, which makes the file a tenth of that size for a few milliseconds.
  const stored = (await withFastImmediate(() => pptx.write({ outputType: "uint8array" }))) as Uint8Array;
  return writeZip(Object.entries(unzipSync(stored)).map(([name, data]) => ({ name, data })));
}
