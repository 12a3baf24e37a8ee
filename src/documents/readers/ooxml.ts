/**
 * Office Open XML packages (DOCX, PPTX; XLSX is read by SheetJS): zip archives of XML parts tied together by
 * relationships. documents/unzip.ts inflates the parts a reader needs, within the decompression budget;
 * readers/docx.ts and readers/pptx.ts walk them.
 */
import { readZipParts } from "../unzip";
import { walkXml } from "./xml";

const decoder = new TextDecoder();

/**
 * The wanted parts of an archive as text, within the decompression budget (documents/unzip.ts: the bytes that
 * come out are counted, whatever the archive declares).
 */
export function unzipParts(bytes: Uint8Array, name: string, wanted: (path: string) => boolean, kind = "Office document"): Record<string, string> {
  const parts: Record<string, string> = {};
  readZipParts(bytes, name, wanted, (path, data) => void (parts[path] = decoder.decode(data)), kind);
  return parts;
}

/** A part's relationships by id: what each `r:id` points to, and what kind of part it is. */
export type Relationships = Map<string, { type: string; target: string }>;

export function readRelationships(xml: string | undefined, name: string): Relationships {
  const relationships: Relationships = new Map();
  if (!xml) return relationships;
  walkXml(xml, {
    open(tag, attributes) {
      if (tag === "Relationship" && attributes.Id && attributes.Target) {
        relationships.set(attributes.Id, { type: (attributes.Type ?? "").replace(/^.*\//, ""), target: attributes.Target });
      }
    },
  }, { name });
  return relationships;
}

/** Where a part's relationships are: `word/document.xml` → `word/_rels/document.xml.rels`. */
export const relationshipsPath = (path: string) => path.replace(/([^/]+)$/, "_rels/$1.rels");

/** A part's path from a relationship target (relative to the part's folder, or absolute in the package). */
export function resolveTarget(from: string, target: string): string {
  const segments = target.startsWith("/") ? [] : from.split("/").slice(0, -1);
  for (const segment of target.replace(/^\//, "").split("/")) {
    if (segment === "..") segments.pop();
    else if (segment !== ".") segments.push(segment);
  }
  return segments.join("/");
}
