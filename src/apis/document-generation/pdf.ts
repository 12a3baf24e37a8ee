/**
 * PDF through pdfmake (its browser build: layout, text flow across pages, tables with spans, TOC page references,
 * headers and footers per page), which embeds each font as a subset. Every font file gets a pdfmake family per
 * weight (`Inter@600`), so weights are exact; italics use the family's italic file where it has one. Font files
 * and images go in through pdfmake's virtual file system under keys of this render, removed when it is done.
 * pdfmake never fetches: its URL access policy refuses everything (images arrive prepared).
 */
import type { LoadedFont } from "../../graphics/fonts";
import { encodeBase64 } from "../../base64";
import type { Prepared } from "./assets";
import { tableColumns, type Block, type DocumentInput, type GridColumn, type TableBlock } from "./schema";
import { over, pageGeometry, rgb, tableStyleOf, weightOf, type ResolvedStyles, type TextStyle } from "./styles";
import { paragraphLines, type Span } from "./text";

type Node = Record<string, unknown>;

interface PdfMake {
  createPdf(definition: Node): { getBuffer(): Promise<Uint8Array> };
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
  setFonts(fonts: Record<string, Record<string, string>>): void;
  virtualfs: { writeFileSync(key: string, content: string, encoding: string): void; storage: Record<string, unknown> };
}

let pdfMakeModule: Promise<PdfMake> | undefined;
function loadPdfMake(): Promise<PdfMake> {
  pdfMakeModule ??= import("pdfmake/build/pdfmake.js").then((module) => {
    const pdfMake = ((module as { default?: PdfMake }).default ?? module) as PdfMake;
    pdfMake.setUrlAccessPolicy(() => false);
    return pdfMake;
  });
  return pdfMakeModule;
}

/** The pdfmake families of the render's fonts: one per family and weight, italic where the family has one. */
function registerFonts(pdfMake: PdfMake, fonts: readonly LoadedFont[], prefix: string) {
  const families: Record<string, Record<string, string>> = {};
  const weights = new Map<string, number[]>();
  fonts.forEach((font, index) => {
    const key = `${prefix}-${index}.ttf`;
    pdfMake.virtualfs.writeFileSync(key, encodeBase64(new Uint8Array(font.data)), "base64");
    const name = `${font.name}@${font.weight}`;
    const entry = (families[name] ??= {});
    if (font.style === "italic") entry.italics = entry.bolditalics = key;
    else entry.normal = entry.bold = key;
    const list = weights.get(font.name) ?? [];
    if (!list.includes(font.weight)) weights.set(font.name, [...list, font.weight]);
  });
  for (const entry of Object.values(families)) {
    // A weight with only an italic file (or only an upright one) uses it for both.
    entry.normal ??= entry.italics!;
    entry.bold ??= entry.normal;
    entry.italics ??= entry.normal;
    entry.bolditalics ??= entry.italics;
  }
  /** The registered font nearest to a family and weight. */
  const pick = (family: string, weight: number) => {
    const available = weights.get(family) ?? [...weights.values()][0]!;
    const nearest = available.reduce((best, candidate) => (Math.abs(candidate - weight) < Math.abs(best - weight) ? candidate : best));
    return `${weights.has(family) ? family : [...weights.keys()][0]}@${nearest}`;
  };
  return { families, pick };
}

export async function renderPdf(document: DocumentInput, styles: ResolvedStyles, prepared: Prepared): Promise<Uint8Array> {
  const pdfMake = await loadPdfMake();
  const prefix = `render-${crypto.randomUUID()}`;
  const registered = registerFonts(pdfMake, prepared.fonts.fonts, prefix);
  const font = (family: string, weight: number) => registered.pick(prepared.fonts.family(family), weight);
  const page = pageGeometry(document);
  const contentWidth = page.width - page.margins.left - page.margins.right;
  const headlineIds = new Map<Block, string>();
  let headlineCount = 0;

  const textNode = (spans: readonly Span[], style: TextStyle): Node[] =>
    spans.map((span) => ({
      text: span.text,
      font: font(style.font_family, weightOf(span.weight ?? style.font_weight)),
      italics: span.italic ?? style.is_italic,
      ...(span.link
        ? { link: span.link, color: rgb(styles.link.color), ...(styles.link.is_underlined ? { decoration: "underline" } : {}) }
        : {}),
    }));
  const styled = (style: TextStyle) => ({ fontSize: style.font_size_in_pt, lineHeight: style.line_height, color: rgb(style.color) });

  const convert = (blocks: readonly Block[], width: number, pageNumber?: { current: number; count: number }): Node[] => {
    const nodes: Node[] = [];
    for (const block of blocks) {
      switch (block.type) {
        case "paragraph": {
          const style = over(styles.text, block.styles);
          for (const line of paragraphLines(block)) {
            const spans = line.heading ? line.spans.map((span) => ({ ...span, weight: "bold" as const })) : line.spans;
            nodes.push({
              text: [...(line.marker ? [{ text: `${line.marker} `, font: font(style.font_family, weightOf(style.font_weight)) }] : []), ...textNode(spans, style)],
              ...styled(style),
              alignment: block.text_alignment ?? "left",
              margin: [line.marker ? 12 * ((line.depth ?? 0) + 1) : 0, 0, 0, style.font_size_in_pt * 0.6],
            });
          }
          break;
        }
        case "headline": {
          const style = over(styles.headline(block.level), block.styles);
          const id = `${prefix}-h${++headlineCount}`;
          headlineIds.set(block, id);
          nodes.push({
            text: block.text,
            id,
            font: font(style.font_family, weightOf(style.font_weight)),
            italics: style.is_italic,
            fontSize: style.font_size_in_pt,
            color: rgb(style.color),
            margin: [0, style.spacing_before_in_pt, 0, style.spacing_after_in_pt],
            outline: true,
            headlineLevel: Number(block.level.slice(1)),
          });
          break;
        }
        case "image": {
          const image = prepared.images.get(block)!;
          const border = over(styles.image, block.styles);
          const picture = { image: `data:${image.mimeType};base64,${encodeBase64(image.bytes)}`, width: Math.min(image.width, width), height: image.height * Math.min(1, width / image.width) };
          nodes.push(
            border.border_width_in_pt > 0 && border.border_color
              ? { table: { body: [[picture]] }, layout: boxLayout(border.border_width_in_pt, border.border_color), margin: [0, 0, 0, 8] }
              : { ...picture, margin: [0, 0, 0, 8] },
          );
          break;
        }
        case "table":
          nodes.push(tableNode(block, width));
          break;
        case "grid":
          nodes.push(gridNode(block.columns, block.styles, width, pageNumber));
          break;
        case "list": {
          const style = over(styles.list.text_style, block.styles?.text_style);
          const items = (list: typeof block.items): Node[] =>
            list.map((item) => {
              const text = { text: item.text, font: font(style.font_family, weightOf(style.font_weight)), italics: style.is_italic };
              return item.children?.length ? { stack: [text, { [block.variant === "ordered" ? "ol" : "ul"]: items(item.children), markerColor: rgb(block.styles?.marker_color ?? styles.list.marker_color) }] } : text;
            });
          nodes.push({ [block.variant === "ordered" ? "ol" : "ul"]: items(block.items), markerColor: rgb(block.styles?.marker_color ?? styles.list.marker_color), ...styled(style), margin: [0, 0, 0, 8] });
          break;
        }
        case "table-of-contents":
          nodes.push({ tocPlaceholder: block });
          break;
        case "page-break":
          nodes.push({ text: "", pageBreak: "after" });
          break;
        case "separator": {
          const style = over(styles.separator, block.styles);
          nodes.push({
            canvas: [{ type: "line", x1: 0, y1: 0, x2: width, y2: 0, lineWidth: style.thickness_in_pt, lineColor: rgb(style.color) }],
            margin: [0, style.spacing_before_in_pt, 0, style.spacing_after_in_pt],
          });
          break;
        }
        case "qr-code":
        case "barcode": {
          const code = prepared.codes.get(block)!;
          nodes.push({ svg: code.svg, width: code.width, height: code.height, margin: [0, 0, 0, 8] });
          break;
        }
        case "page-number": {
          const style = over(styles.text, block.styles);
          const number = String(pageNumber?.current ?? "");
          const text = block.template ? block.template.replaceAll("{{page_number}}", number).replaceAll("{{page_count}}", String(pageNumber?.count ?? "")) : number;
          nodes.push({ text, font: font(style.font_family, weightOf(style.font_weight)), italics: style.is_italic, ...styled(style), alignment: block.text_alignment ?? "center" });
          break;
        }
      }
    }
    return nodes;
  };

  const tableNode = (block: TableBlock, width: number): Node => {
    const { header, body, outer, inner } = tableStyleOf(styles, block.styles);
    const border = { outer, inner };
    const columns = tableColumns(block);
    const rows = block.header ? [block.header, ...block.rows] : block.rows;
    // Cells a row span above covers, per row: pdfmake wants a filler object there.
    const covered: Set<number>[] = rows.map(() => new Set());
    const bodyRows = rows.map((row, r) => {
      const isHeader = block.header !== undefined && r === 0;
      const out: Node[] = [];
      let column = 0;
      for (const cell of row.cells) {
        while (covered[r]!.has(column)) {
          out.push({});
          column++;
        }
        const span = cell.column_span ?? 1;
        const rowSpan = Math.min(cell.row_span ?? 1, rows.length - r);
        for (let below = 1; below < rowSpan; below++) for (let c = column; c < column + span; c++) covered[r + below]!.add(c);
        const own = cell.styles ?? {};
        const weight = own.font_weight ?? (isHeader ? header.font_weight : styles.text.font_weight);
        out.push({
          text: cell.text,
          font: font(styles.text.font_family, weightOf(weight)),
          italics: own.is_italic ?? false,
          fontSize: own.font_size_in_pt ?? (isHeader ? header.font_size_in_pt : body.font_size_in_pt),
          color: rgb(own.text_color ?? (isHeader ? header.text_color : body.text_color)),
          fillColor: rgb(own.background_color ?? (isHeader ? header.background_color : body.background_color)),
          alignment: cell.horizontal_alignment ?? "left",
          ...(span > 1 ? { colSpan: span } : {}),
          ...(rowSpan > 1 ? { rowSpan } : {}),
        });
        for (let filler = 1; filler < span; filler++) out.push({});
        column += span;
      }
      while (column < columns) {
        out.push(covered[r]!.has(column) ? {} : { text: "" });
        column++;
      }
      return out;
    });
    const percents = block.column_widths_in_percent;
    const total = percents?.reduce((sum, value) => sum + value, 0) ?? 0;
    return {
      table: { headerRows: block.header ? 1 : 0, widths: percents ? percents.map((value) => (width * value) / total - 8) : Array(columns).fill("*"), body: bodyRows },
      layout: {
        hLineWidth: (i: number, node: { table: { body: unknown[] } }) => (i === 0 ? border.outer.top.width_in_pt : i === node.table.body.length ? border.outer.bottom.width_in_pt : border.inner.horizontal.width_in_pt),
        vLineWidth: (i: number) => (i === 0 ? border.outer.left.width_in_pt : i === columns ? border.outer.right.width_in_pt : border.inner.vertical.width_in_pt),
        hLineColor: (i: number, node: { table: { body: unknown[] } }) => rgb(i === 0 ? border.outer.top.color : i === node.table.body.length ? border.outer.bottom.color : border.inner.horizontal.color),
        vLineColor: (i: number) => rgb(i === 0 ? border.outer.left.color : i === columns ? border.outer.right.color : border.inner.vertical.color),
      },
      margin: [0, 0, 0, 10],
    };
  };

  const gridNode = (columns: readonly GridColumn[], own: Extract<Block, { type: "grid" }>["styles"], width: number, pageNumber?: { current: number; count: number }): Node => {
    const grid = over(styles.grid, own);
    const used = columns.reduce((sum, column) => sum + column.column_span, 0);
    const gaps = grid.gap_in_pt * (columns.length - 1 + (used < 12 ? 1 : 0));
    const unit = (width - gaps) / 12;
    const boxed = grid.background_color !== undefined || (grid.border_width_in_pt > 0 && grid.border_color !== undefined);
    const nodes: Node[] = columns.map((column) => {
      const columnWidth = unit * column.column_span;
      const stack = { stack: convert(column.blocks, columnWidth - (boxed ? 8 : 0), pageNumber), alignment: column.horizontal_alignment ?? "left" };
      if (!boxed) return { width: columnWidth, ...stack };
      return {
        width: columnWidth,
        table: { widths: ["*"], body: [[{ ...stack, ...(grid.background_color ? { fillColor: rgb(grid.background_color) } : {}) }]] },
        layout: boxLayout(grid.border_width_in_pt, grid.border_color ?? "#FFFFFF"),
      };
    });
    if (used < 12) nodes.push({ width: unit * (12 - used), text: "" });
    return { columns: nodes, columnGap: grid.gap_in_pt, margin: [0, 0, 0, 8] };
  };

  const content = convert(document.content, contentWidth);
  // Tables of contents last: they list every headline, including those after them.
  const withToc = content.map((node) => {
    const toc = node.tocPlaceholder as Extract<Block, { type: "table-of-contents" }> | undefined;
    return toc ? tocNode(toc) : node;
  });
  function tocNode(toc: Extract<Block, { type: "table-of-contents" }>): Node {
    const style = over(styles.text, toc.styles);
    const rows: Node[][] = [];
    for (const block of document.content) {
      if (block.type !== "headline" || block.table_of_contents?.is_included === false) continue;
      const level = block.table_of_contents?.level_override ?? block.level;
      if (!toc.levels.includes(level)) continue;
      const id = headlineIds.get(block)!;
      const indent = (Number(level.slice(1)) - 1) * 14;
      rows.push([
        { text: block.table_of_contents?.label_override ?? block.text, linkToDestination: id, margin: [indent, 2, 0, 2], alignment: toc.text_alignment ?? "left" },
        { pageReference: id, linkToDestination: id, alignment: "right", margin: [8, 2, 0, 2] },
      ]);
    }
    if (rows.length === 0) return { text: "" };
    return {
      table: { widths: ["*", "auto"], body: rows, dontBreakRows: true },
      // Dot leaders: a dotted rule under each entry, from its label to its page number.
      layout: toc.leader === "dots" ? { hLineWidth: (i: number) => (i === 0 ? 0 : 0.6), vLineWidth: () => 0, hLineColor: () => rgb(style.color), hLineStyle: () => ({ dash: { length: 1, space: 2 } }) } : "noBorders",
      font: font(style.font_family, weightOf(style.font_weight)),
      ...styled(style),
      margin: [0, 0, 0, 12],
    };
  }

  const region = (blocks: readonly Block[] | undefined, top: boolean) =>
    blocks?.length
      ? (current: number, count: number) => {
          const distance = top ? (document.header_distance_from_edge_in_pt ?? Math.min(36, page.margins.top / 2)) : (document.footer_distance_from_edge_in_pt ?? Math.min(36, page.margins.bottom / 2));
          const lineHeight = styles.text.font_size_in_pt * styles.text.line_height;
          return {
            stack: convert(blocks, contentWidth, { current, count }),
            margin: top ? [page.margins.left, distance, page.margins.right, 0] : [page.margins.left, Math.max(0, page.margins.bottom - distance - lineHeight), page.margins.right, 0],
          };
        }
      : undefined;

  const definition: Node = {
    info: { title: document.metadata.title, ...(document.metadata.author ? { author: document.metadata.author } : {}), creator: "Lamina" },
    language: document.metadata.language,
    pageSize: { width: page.width, height: page.height },
    pageMargins: [page.margins.left, page.margins.top, page.margins.right, page.margins.bottom],
    ...(page.background ? { background: () => ({ canvas: [{ type: "rect", x: 0, y: 0, w: page.width, h: page.height, color: rgb(page.background!) }] }) } : {}),
    header: region(document.header, true),
    footer: region(document.footer, false),
    defaultStyle: { font: font(styles.text.font_family, weightOf(styles.text.font_weight)), ...styled(styles.text) },
    content: withToc,
  };
  try {
    pdfMake.setFonts(registered.families);
    // createPdf reads the fonts now, before anything else can run: no other render's fonts slip in.
    const output = pdfMake.createPdf(definition);
    return new Uint8Array(await output.getBuffer());
  } finally {
    for (const key of Object.keys(pdfMake.virtualfs.storage)) if (key.startsWith(prefix)) delete pdfMake.virtualfs.storage[key];
  }
}

function boxLayout(width: number, color: string): Node {
  return { hLineWidth: () => width, vLineWidth: () => width, hLineColor: () => rgb(color), vLineColor: () => rgb(color) };
}
