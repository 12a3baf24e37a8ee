/**
 * EPUB 3, written by hand and zipped by the toolbox (documents/zip.ts): `mimetype` first and stored, `META-INF/container.xml`, an OPF
 * package (`dc:identifier`, `dc:title`, `dc:language`, `dc:creator`, `dcterms:modified`), a navigation document
 * listing the headlines, a style sheet from the document's styles, and one XHTML chapter per page-break-separated
 * section. Images, QR codes and barcodes are PNG or JPEG files of the package. Headers, footers and page numbers
 * are not part of EPUB (reading systems paginate): they are left out, as the contract's format matrix says; a
 * table of contents block is a list of links to the headlines, without page numbers.
 */
import { strToU8 } from "fflate";
import { escapeXml } from "../../documents/xml-text";
import { writeZip, type ZipEntry } from "../../documents/zip";
import type { Prepared } from "./assets";
import type { Block, DocumentInput, ListItemInput, TableBlock } from "./schema";
import { over, rgb, tableStyleOf, weightOf, type ResolvedStyles, type TextStyle } from "./styles";
import { paragraphLines, type Span } from "./text";

const SAFE_LINK = /^(https?:|mailto:)/i;

function css(style: Partial<TextStyle>, family: (name: string) => string): string {
  return [
    style.font_family ? `font-family: "${family(style.font_family)}", sans-serif` : "",
    style.font_size_in_pt ? `font-size: ${style.font_size_in_pt}pt` : "",
    style.line_height ? `line-height: ${style.line_height}` : "",
    style.color ? `color: ${rgb(style.color)}` : "",
    style.font_weight ? `font-weight: ${weightOf(style.font_weight)}` : "",
    style.is_italic !== undefined ? `font-style: ${style.is_italic ? "italic" : "normal"}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

export async function renderEpub(document: DocumentInput, styles: ResolvedStyles, prepared: Prepared): Promise<Uint8Array> {
  const family = (name: string) => prepared.fonts.family(name);
  const language = document.metadata.language;
  const files: Record<string, ZipEntry> = {};
  const text = (name: string, content: string) => (files[name] = { name, data: strToU8(content) });
  const manifest: string[] = [];
  const images = new Map<Uint8Array, string>();
  const headlines: { level: number; text: string; href: string }[] = [];
  const chapters: string[][] = [[]];
  let headlineCount = 0;
  let tocBlocks = 0;

  const imageFile = (bytes: Uint8Array, mimeType: string) => {
    let href = images.get(bytes);
    if (!href) {
      href = `images/image-${images.size + 1}.${mimeType === "image/jpeg" ? "jpg" : "png"}`;
      images.set(bytes, href);
      files[`OEBPS/${href}`] = { name: `OEBPS/${href}`, data: bytes, store: true };
      manifest.push(`<item id="image-${images.size}" href="${href}" media-type="${mimeType}"/>`);
    }
    return href;
  };
  const spans = (list: readonly Span[]) =>
    list
      .map((span) => {
        let html = escapeXml(span.text);
        if (span.italic) html = `<em>${html}</em>`;
        if (span.weight && weightOf(span.weight) !== 400) html = `<span style="font-weight: ${weightOf(span.weight)}">${html}</span>`;
        if (span.link && SAFE_LINK.test(span.link)) html = `<a href="${escapeXml(span.link)}">${html}</a>`;
        return html;
      })
      .join("");

  const convert = (blocks: readonly Block[], out: string[]) => {
    for (const block of blocks) {
      switch (block.type) {
        case "paragraph": {
          const style = block.styles ? ` style="${escapeXml(css(block.styles, family))}${block.text_alignment ? `; text-align: ${block.text_alignment}` : ""}"` : block.text_alignment ? ` style="text-align: ${block.text_alignment}"` : "";
          let list: string | undefined;
          for (const line of paragraphLines(block)) {
            if (line.marker) {
              const tag = line.marker === "•" ? "ul" : "ol";
              if (list !== tag) {
                if (list) out.push(`</${list}>`);
                out.push(`<${tag}${style}>`);
                list = tag;
              }
              out.push(`<li style="margin-left: ${(line.depth ?? 0) * 1.5}em">${spans(line.spans)}</li>`);
              continue;
            }
            if (list) out.push(`</${list}>`);
            list = undefined;
            out.push(line.heading ? `<p${style}><strong>${spans(line.spans)}</strong></p>` : `<p${style}>${spans(line.spans)}</p>`);
          }
          if (list) out.push(`</${list}>`);
          break;
        }
        case "headline": {
          const id = `headline-${++headlineCount}`;
          const level = Number(block.level.slice(1));
          if (block.table_of_contents?.is_included !== false) {
            headlines.push({ level: Number((block.table_of_contents?.level_override ?? block.level).slice(1)), text: block.table_of_contents?.label_override ?? block.text, href: `chapter-${chapters.length}.xhtml#${id}` });
          }
          out.push(`<h${level} id="${id}"${block.styles ? ` style="${escapeXml(css(block.styles, family))}"` : ""}>${escapeXml(block.text)}</h${level}>`);
          break;
        }
        case "image": {
          const image = prepared.images.get(block)!;
          const border = over(styles.image, block.styles);
          const frame = border.border_width_in_pt > 0 && border.border_color ? `; border: ${border.border_width_in_pt}pt solid ${rgb(border.border_color)}` : "";
          out.push(`<p><img src="${imageFile(image.bytes, image.mimeType)}" alt="" style="width: ${image.width}pt; max-width: 100%; height: auto${frame}"/></p>`);
          break;
        }
        case "qr-code":
        case "barcode": {
          const code = prepared.codes.get(block)!;
          out.push(`<p><img src="${imageFile(code.png, "image/png")}" alt="${escapeXml(block.value)}" style="width: ${code.width}pt; height: ${code.height}pt"/></p>`);
          break;
        }
        case "table":
          out.push(table(block));
          break;
        case "grid": {
          const grid = over(styles.grid, block.styles);
          const box = [grid.background_color ? `background-color: ${rgb(grid.background_color)}` : "", grid.border_width_in_pt > 0 && grid.border_color ? `border: ${grid.border_width_in_pt}pt solid ${rgb(grid.border_color)}` : ""].filter(Boolean).join("; ");
          out.push(`<div class="grid" style="gap: ${grid.gap_in_pt}pt">`);
          for (const column of block.columns) {
            const align = { top: "flex-start", middle: "center", bottom: "flex-end" }[column.vertical_alignment ?? "top"];
            out.push(`<div style="flex: 0 0 calc(${((column.column_span / 12) * 100).toFixed(4)}% - ${grid.gap_in_pt}pt); align-self: ${align}; text-align: ${column.horizontal_alignment ?? "left"}${box ? `; ${box}` : ""}">`);
            convert(column.blocks, out);
            out.push("</div>");
          }
          out.push("</div>");
          break;
        }
        case "list": {
          const tag = block.variant === "ordered" ? "ol" : "ul";
          const style = block.styles?.text_style ? ` style="${escapeXml(css(block.styles.text_style, family))}"` : "";
          const items = (list: readonly ListItemInput[]): string =>
            `<${tag}${style}>${list.map((item) => `<li>${escapeXml(item.text)}${item.children?.length ? items(item.children) : ""}</li>`).join("")}</${tag}>`;
          out.push(items(block.items));
          break;
        }
        case "table-of-contents":
          out.push(`<nav class="contents" id="contents-${++tocBlocks}" data-levels="${block.levels.join(" ")}"></nav>`);
          break;
        case "page-break":
          chapters.push([]);
          out = chapters.at(-1)!;
          break;
        case "separator": {
          const style = over(styles.separator, block.styles);
          out.push(`<hr style="border: none; border-top: ${style.thickness_in_pt}pt solid ${rgb(style.color)}; margin: ${style.spacing_before_in_pt}pt 0 ${style.spacing_after_in_pt}pt 0"/>`);
          break;
        }
        case "page-number":
          // Not in EPUB (the schema keeps page numbers in headers and footers, which EPUB has none of).
          break;
      }
    }
  };

  const table = (block: TableBlock): string => {
    const { header, body, outer, inner } = tableStyleOf(styles, block.styles);
    const percents = block.column_widths_in_percent;
    const cell = (cellBlock: TableBlock["rows"][number]["cells"][number], isHeader: boolean) => {
      const tag = isHeader ? "th" : "td";
      const own = cellBlock.styles ?? {};
      const style = [
        `background-color: ${rgb(own.background_color ?? (isHeader ? header.background_color : body.background_color))}`,
        `color: ${rgb(own.text_color ?? (isHeader ? header.text_color : body.text_color))}`,
        `font-size: ${own.font_size_in_pt ?? (isHeader ? header.font_size_in_pt : body.font_size_in_pt)}pt`,
        `font-weight: ${weightOf(own.font_weight ?? (isHeader ? header.font_weight : styles.text.font_weight))}`,
        own.is_italic ? "font-style: italic" : "",
        `text-align: ${cellBlock.horizontal_alignment ?? "left"}`,
        `border: ${inner.horizontal.width_in_pt}pt solid ${rgb(inner.horizontal.color)}`,
      ]
        .filter(Boolean)
        .join("; ");
      const spans = `${cellBlock.column_span && cellBlock.column_span > 1 ? ` colspan="${cellBlock.column_span}"` : ""}${cellBlock.row_span && cellBlock.row_span > 1 ? ` rowspan="${cellBlock.row_span}"` : ""}`;
      return `<${tag}${spans} style="${style}">${escapeXml(cellBlock.text)}</${tag}>`;
    };
    const colgroup = percents ? `<colgroup>${percents.map((value) => `<col style="width: ${value}%"/>`).join("")}</colgroup>` : "";
    const head = block.header ? `<thead><tr>${block.header.cells.map((c) => cell(c, true)).join("")}</tr></thead>` : "";
    const rows = `<tbody>${block.rows.map((row) => `<tr>${row.cells.map((c) => cell(c, false)).join("")}</tr>`).join("")}</tbody>`;
    return `<table style="border: ${outer.top.width_in_pt}pt solid ${rgb(outer.top.color)}">${colgroup}${head}${rows}</table>`;
  };

  convert(document.content, chapters[0]!);
  const title = escapeXml(document.metadata.title);
  const tocList = (levels?: readonly string[]) => {
    const entries = headlines.filter((entry) => !levels || levels.includes(`h${entry.level}`));
    if (entries.length === 0) return `<ol><li><a href="chapter-1.xhtml">${title}</a></li></ol>`;
    return `<ol>${entries.map((entry) => `<li style="margin-left: ${(entry.level - 1) * 1.2}em"><a href="${entry.href}">${escapeXml(entry.text)}</a></li>`).join("")}</ol>`;
  };
  const xhtml = (body: string, head = "") =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="${escapeXml(language)}" xml:lang="${escapeXml(language)}">` +
    `<head><meta charset="UTF-8"/><title>${title}</title><link rel="stylesheet" type="text/css" href="style.css"/>${head}</head><body>${body}</body></html>`;

  const spine: string[] = [];
  chapters.forEach((chapter, index) => {
    // A table of contents block lists the headlines of the whole book, links to every chapter.
    const body = chapter.join("\n").replace(/<nav class="contents" id="(contents-\d+)" data-levels="([^"]*)"><\/nav>/g, (_, id: string, levels: string) => `<nav class="contents" id="${id}">${tocList(levels.split(" "))}</nav>`);
    text(`OEBPS/chapter-${index + 1}.xhtml`, xhtml(body || "<p></p>"));
    manifest.push(`<item id="chapter-${index + 1}" href="chapter-${index + 1}.xhtml" media-type="application/xhtml+xml"/>`);
    spine.push(`<itemref idref="chapter-${index + 1}"/>`);
  });
  text("OEBPS/nav.xhtml", xhtml(`<nav epub:type="toc" id="toc"><h1>${title}</h1>${tocList()}</nav>`));
  const headline = styles.headline("h1");
  text(
    "OEBPS/style.css",
    [
      `body { ${css(styles.text, family)};${document.page?.background_color ? ` background-color: ${rgb(document.page.background_color)};` : ""} }`,
      ...(["h1", "h2", "h3", "h4", "h5", "h6"] as const).map((level) => {
        const style = styles.headline(level);
        return `${level} { ${css(style, family)}; margin: ${style.spacing_before_in_pt}pt 0 ${style.spacing_after_in_pt}pt 0; }`;
      }),
      `a { color: ${rgb(styles.link.color)}; text-decoration: ${styles.link.is_underlined ? "underline" : "none"}; }`,
      `li::marker { color: ${rgb(styles.list.marker_color)}; }`,
      `li { padding-left: ${styles.list.marker_gap_in_pt}pt; }`,
      "table { border-collapse: collapse; width: 100%; margin: 0 0 1em 0; }",
      "th, td { padding: 4pt 6pt; vertical-align: top; }",
      ".grid { display: flex; flex-wrap: wrap; }",
      `nav.contents ol { list-style: none; padding: 0; font-family: "${family(headline.font_family)}", sans-serif; }`,
    ].join("\n"),
  );
  const modified = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const opf =
    `<?xml version="1.0" encoding="UTF-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${escapeXml(language)}">` +
    `<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="book-id">urn:uuid:${crypto.randomUUID()}</dc:identifier><dc:title>${title}</dc:title>` +
    `<dc:language>${escapeXml(language)}</dc:language>${document.metadata.author ? `<dc:creator>${escapeXml(document.metadata.author)}</dc:creator>` : ""}` +
    `<meta property="dcterms:modified">${modified}</meta></metadata>` +
    `<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="style" href="style.css" media-type="text/css"/>${manifest.join("")}</manifest>` +
    `<spine>${spine.join("")}</spine></package>`;
  text("OEBPS/content.opf", opf);
  text(
    "META-INF/container.xml",
    `<?xml version="1.0" encoding="UTF-8"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`,
  );
  // Entries are written in the order given: `mimetype` must be the first, stored (EPUB OCF 3.0 §4.3).
  return writeZip([{ name: "mimetype", data: strToU8("application/epub+zip"), store: true }, ...Object.values(files)]);
}
