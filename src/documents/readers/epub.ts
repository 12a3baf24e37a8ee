/**
 * EPUB: a zip archive whose `META-INF/container.xml` names the package document (OPF); its spine lists the
 * XHTML chapters in reading order. Each chapter is read by the HTML reader and the chapters follow one another
 * in one document (one page: an EPUB has no fixed pages). Non-linear spine items (notes, covers shown apart)
 * come after the linear ones, as readers show them.
 */
import { documentTooLarge, MAX_DOCUMENT_CELLS } from "../../budgets";
import { ApiError } from "../../errors";
import type { Block, DocumentModel } from "../model";
import { readHtml } from "./html";
import { unzipParts, walkXml } from "./ooxml";

const KIND = "EPUB book";

/** A path inside the archive, resolved against the directory of the file that names it. */
function resolvePath(base: string, href: string): string {
  const parts = base.split("/").slice(0, -1);
  for (const part of decodeURIComponent(href.split("#")[0]!).split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
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

  const manifest = new Map<string, string>();
  const linear: string[] = [];
  const nonLinear: string[] = [];
  walkXml(
    opf,
    {
      open(tag, attributes) {
        const local = tag.replace(/^.*:/, "");
        if (local === "item" && attributes.id && attributes.href && /html/.test(attributes["media-type"] ?? "")) {
          manifest.set(attributes.id, resolvePath(packagePath!, attributes.href));
        } else if (local === "itemref" && attributes.idref) {
          (attributes.linear === "no" ? nonLinear : linear).push(attributes.idref);
        }
      },
    },
    { name },
  );
  const order = [...linear, ...nonLinear].map((id) => manifest.get(id)).filter((path): path is string => path !== undefined);
  const wanted = new Set(order);
  // The chapters are inflated together, so the archive's decompression budget covers the whole book.
  const chapters = unzipParts(bytes, name, (path) => wanted.has(path), KIND);
  const blocks: Block[] = [];
  for (const path of new Set(order)) {
    const xhtml = chapters[path];
    if (xhtml === undefined) continue;
    for (const page of readHtml(xhtml, name).pages) blocks.push(...page.blocks);
    if (blocks.length > MAX_DOCUMENT_CELLS) throw documentTooLarge(name);
  }
  return { name, pages: [{ blocks }], needsOcr: false };
}
