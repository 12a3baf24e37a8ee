/**
 * EPUB: a zip archive whose `META-INF/container.xml` names the package document (OPF); its spine lists the
 * XHTML chapters in reading order. Each chapter is read by the HTML reader and the chapters follow one another
 * in one document (one page: an EPUB has no fixed pages). Non-linear spine items (notes, covers shown apart)
 * come after the linear ones, as readers show them. A chapter is an HTML file: it has the text-file budget, and
 * chapters are inflated and read one at a time, so only one chapter's text is held at once.
 */
import { documentTooLarge, MAX_DOCUMENT_CELLS, MAX_TEXT_FILE_BYTES, MAX_ZIP_TOTAL_BYTES } from "../../budgets";
import { ApiError } from "../../errors";
import { readZipParts } from "../unzip";
import type { Block, DocumentModel } from "../model";
import { readHtml } from "./html";
import { unzipParts } from "./ooxml";
import { walkXml } from "./xml";

const KIND = "EPUB book";
const CHAPTER_BUDGET = { entryBytes: MAX_TEXT_FILE_BYTES, totalBytes: MAX_ZIP_TOTAL_BYTES };

/** A path inside the archive, resolved against the directory of the file that names it. */
function resolvePath(base: string, href: string): string {
  const parts = base.split("/").slice(0, -1);
  for (const part of decodeURIComponent(href.split("#")[0]!).split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

/** The chapters' paths in reading order: the linear spine, then the non-linear items. */
function spineOf(opf: string, packagePath: string, name: string): string[] {
  const manifest = new Map<string, string>();
  const linear: string[] = [];
  const nonLinear: string[] = [];
  walkXml(
    opf,
    {
      open(tag, attributes) {
        const local = tag.replace(/^.*:/, "");
        if (local === "item" && attributes.id && attributes.href && /html/.test(attributes["media-type"] ?? "")) {
          manifest.set(attributes.id, resolvePath(packagePath, attributes.href));
        } else if (local === "itemref" && attributes.idref) {
          (attributes.linear === "no" ? nonLinear : linear).push(attributes.idref);
        }
      },
    },
    { name },
  );
  return [...new Set([...linear, ...nonLinear].map((id) => manifest.get(id)).filter((path): path is string => path !== undefined))];
}

export function readEpub(bytes: Uint8Array, name: string): DocumentModel {
  const container = unzipParts(bytes, name, (path) => path === "META-INF/container.xml", KIND)["META-INF/container.xml"];
  let packagePath: string | undefined;
  if (container !== undefined) {
    walkXml(container, { open: (tag, attributes) => void (tag === "rootfile" && (packagePath ??= attributes["full-path"])) }, { name });
  }
  if (!packagePath) throw new ApiError(422, `${name}: the file is not a readable EPUB book (META-INF/container.xml names no package document)`);
  const opf = unzipParts(bytes, name, (path) => path === packagePath, KIND)[packagePath];
  if (opf === undefined) throw new ApiError(422, `${name}: the file is not a readable EPUB book (${packagePath} is missing)`);

  const order = spineOf(opf, packagePath, name);
  const wanted = new Set(order);
  // Chapters come out in archive order; each is kept as the blocks read from it and put in spine order after.
  const chapters = new Map<string, Block[]>();
  let cells = 0;
  const decoder = new TextDecoder();
  readZipParts(
    bytes,
    name,
    (path) => wanted.has(path),
    (path, xhtml) => {
      const blocks: Block[] = [];
      for (const page of readHtml(decoder.decode(xhtml), name).pages) for (const block of page.blocks) blocks.push(block);
      cells += blocks.length;
      if (cells > MAX_DOCUMENT_CELLS) throw documentTooLarge(name);
      chapters.set(path, blocks);
    },
    KIND,
    CHAPTER_BUDGET,
  );
  const blocks: Block[] = [];
  for (const path of order) for (const block of chapters.get(path) ?? []) blocks.push(block);
  return { name, pages: [{ blocks }], needsOcr: false };
}
