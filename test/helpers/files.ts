/** Hostile files the budget tests share. */
import { strToU8, zipSync } from "fflate";

/**
 * A zip of `entries` whose first entry says it inflates to `declared` bytes, in its local header and in the central
 * directory (fflate trusts the directory, so would allocate that much).
 */
export function zipDeclaring(entries: Record<string, string>, declared: number): Uint8Array {
  const zip = zipSync(Object.fromEntries(Object.entries(entries).map(([path, text]) => [path, strToU8(text)])));
  const view = new DataView(zip.buffer, zip.byteOffset);
  const centralDirectory = view.getUint32(zip.length - 22 + 16, true);
  view.setUint32(22, declared, true);
  view.setUint32(centralDirectory + 24, declared, true);
  return zip;
}

/** A DOCX whose document.xml says it inflates to `declared` bytes. */
export function docxDeclaring(declared: number): Uint8Array {
  return zipDeclaring({ "word/document.xml": `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Total: 1.00</w:t></w:r></w:p></w:body></w:document>` }, declared);
}

/** A PPTX of `slides`, each a title (or none), body paragraphs (`[text, lvl]`, `**bold**` marked) and an optional table. */
export function pptxOf(slides: { title?: string; body?: [string, number][]; table?: string[][] }[]): Uint8Array {
  const runs = (text: string) =>
    text
      .split(/(\*\*[^*]+\*\*)/)
      .filter(Boolean)
      .map((part) => (part.startsWith("**") ? `<a:r><a:rPr b="1"/><a:t>${part.slice(2, -2)}</a:t></a:r>` : `<a:r><a:t>${part}</a:t></a:r>`))
      .join("");
  const files: Record<string, Uint8Array> = { "ppt/presentation.xml": strToU8("<p:presentation/>") };
  slides.forEach((slide, i) => {
    const title = slide.title ? `<p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p>${runs(slide.title)}</a:p></p:txBody></p:sp>` : "";
    const body = slide.body
      ? `<p:sp><p:nvSpPr><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr><p:txBody>${slide.body.map(([text, lvl]) => `<a:p>${lvl ? `<a:pPr lvl="${lvl}"/>` : ""}${runs(text)}</a:p>`).join("")}</p:txBody></p:sp>`
      : "";
    const table = slide.table
      ? `<p:graphicFrame><a:graphic><a:graphicData><a:tbl>${slide.table.map((row) => `<a:tr>${row.map((cell) => `<a:tc><a:txBody><a:p><a:r><a:t>${cell}</a:t></a:r></a:p></a:txBody></a:tc>`).join("")}</a:tr>`).join("")}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`
      : "";
    files[`ppt/slides/slide${i + 1}.xml`] = strToU8(`<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree>${title}${body}${table}</p:spTree></p:cSld></p:sld>`);
  });
  return zipSync(files);
}

/** An ODT of `body` (office:text content) with `styles` (office:automatic-styles content); `mimetype` first and stored, as ODF asks. */
export function odtOf(body: string, styles = ""): Uint8Array {
  const content =
    `<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="ta" xmlns:style="s" xmlns:fo="f" xmlns:xlink="x">` +
    `<office:automatic-styles>${styles}</office:automatic-styles><office:body><office:text>${body}</office:text></office:body></office:document-content>`;
  return zipSync({ mimetype: [strToU8("application/vnd.oasis.opendocument.text"), { level: 0 }], "content.xml": strToU8(content) });
}

/** An EPUB whose package (in OEBPS/) lists `chapters` in the manifest in the order given and `spine` (ids) as its reading order. */
export function epubOf(chapters: Record<string, string>, spine: (string | { id: string; linear: false })[]): Uint8Array {
  const items = Object.keys(chapters).map((id) => `<item id="${id}" href="text/${id}.xhtml" media-type="application/xhtml+xml"/>`).join("");
  const refs = spine.map((ref) => (typeof ref === "string" ? `<itemref idref="${ref}"/>` : `<itemref idref="${ref.id}" linear="no"/>`)).join("");
  const files: Record<string, Uint8Array | [Uint8Array, { level: 0 }]> = {
    mimetype: [strToU8("application/epub+zip"), { level: 0 }],
    "META-INF/container.xml": strToU8(`<?xml version="1.0"?><container><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`),
    "OEBPS/content.opf": strToU8(`<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf"><manifest>${items}</manifest><spine>${refs}</spine></package>`),
  };
  for (const [id, body] of Object.entries(chapters)) {
    files[`OEBPS/text/${id}.xhtml`] = strToU8(`<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>${id}</title></head><body>${body}</body></html>`);
  }
  return zipSync(files);
}
