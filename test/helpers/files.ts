/** Hostile files the budget tests share. */
import { strToU8, zipSync } from "fflate";

/** A DOCX whose document.xml says it inflates to `declared` bytes (fflate trusts the directory, so would allocate it). */
export function docxDeclaring(declared: number): Uint8Array {
  const xml = `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Total: 1.00</w:t></w:r></w:p></w:body></w:document>`;
  const zip = zipSync({ "word/document.xml": strToU8(xml) });
  const view = new DataView(zip.buffer, zip.byteOffset);
  const centralDirectory = view.getUint32(zip.length - 22 + 16, true);
  view.setUint32(22, declared, true);
  view.setUint32(centralDirectory + 24, declared, true);
  return zip;
}
