/**
 * ZIP archives that are no Office, OpenDocument or EPUB file: read entry by entry. The archive gives a listing (a
 * table of its files, their sizes and whether each was read, and why not), then each file it holds that a reader
 * knows is read as a document of its own, named `archive.zip/folder/file.pdf` (as an e-mail's attachments are).
 * Folders, macOS resource forks (`__MACOSX/`) and hidden files (`.DS_Store`) are not files of the archive. Within
 * the budgets: the decompression budget of every zip (each file as inflated, and all together), at most
 * MAX_ARCHIVE_ENTRIES files, archives inside archives read MAX_ARCHIVE_NESTING deep.
 */
import { MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_NESTING } from "../../budgets";
import { ApiError } from "../../errors";
import { DocumentBuilder } from "../builder";
import type { DocumentModel } from "../model";
import { readZipParts, zipDirectory } from "../unzip";

export interface ArchiveEntry {
  name: string;
  bytes: Uint8Array;
}

/** Whether a path in an archive is a file of it (not a folder, a resource fork or a hidden file). */
const isFile = (path: string) => !path.endsWith("/") && !/(^|\/)__MACOSX\//.test(path) && !/(^|\/)\.[^/]*$/.test(path);

/** The files of an archive, inflated within the zip budget; more than MAX_ARCHIVE_ENTRIES is a 422 naming it. */
export function archiveEntries(bytes: Uint8Array, name: string): ArchiveEntry[] {
  let count: number;
  try {
    count = zipDirectory(bytes).filter((entry) => isFile(entry.name)).length;
  } catch {
    throw new ApiError(422, `${name}: the file is not a readable zip archive`);
  }
  if (count > MAX_ARCHIVE_ENTRIES) throw new ApiError(422, `${name}: zip archives are read up to ${MAX_ARCHIVE_ENTRIES} files; this one holds ${count}`);
  const entries: ArchiveEntry[] = [];
  readZipParts(bytes, name, isFile, (path, data) => void entries.push({ name: path, bytes: data }), "zip archive");
  return entries;
}

/**
 * Reads an archive: its listing, then the documents of the files a reader knows. `readFile` reads one file (the
 * dispatcher, one level deeper); a file it refuses is listed with the reason and left out, charging nothing.
 */
export async function readArchive(
  bytes: Uint8Array,
  name: string,
  depth: number,
  readFile: (bytes: Uint8Array, name: string, depth: number) => Promise<DocumentModel[]>,
): Promise<DocumentModel[]> {
  if (depth >= MAX_ARCHIVE_NESTING) throw new ApiError(422, `${name}: archives inside archives are read ${MAX_ARCHIVE_NESTING} deep`);
  const entries = archiveEntries(bytes, name);
  const documents: DocumentModel[] = [];
  const listing: string[][] = [];
  for (const entry of entries) {
    const path = `${name}/${entry.name}`;
    try {
      // Pictures and scans only OCR could read are left out, as an e-mail's are.
      const read = (await readFile(entry.bytes, path, depth + 1)).filter((document) => !document.needsOcr);
      documents.push(...read);
      listing.push([entry.name, sizeOf(entry.bytes.length), read.length > 0 ? "read" : "not read: a picture or scan (it needs OCR)"]);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const reason = err.message.replace(`${path}: `, "").replace(/^file: /, "").replace(/; send .*$/, "");
      listing.push([entry.name, sizeOf(entry.bytes.length), `not read: ${reason}`]);
    }
  }
  if (documents.length === 0) {
    // Why, file by file, when there are few.
    const why = listing.length <= 3 ? `: ${listing.map(([file, , reason]) => `${file} ${reason}`).join("; ")}` : "";
    throw new ApiError(422, `${name}: no file in the archive is one Lamina reads (${entries.length} file${entries.length === 1 ? "" : "s"}${why})`);
  }
  const builder = new DocumentBuilder(name);
  const table = builder.startTable();
  builder.row(["File", "Size", "Read"], table, { header: true });
  for (const row of listing) builder.row(row, table);
  return [builder.finish(), ...documents];
}

const sizeOf = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
