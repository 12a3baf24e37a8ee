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
