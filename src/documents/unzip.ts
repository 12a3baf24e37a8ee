/**
 * Reading the parts of the zip archives we are sent (DOCX, XLSX, PPTX, ODT, EPUB) within the decompression
 * budget. The sizes an archive declares are not trusted: each entry is inflated a small chunk at a time and the
 * bytes that actually come out are counted, so an entry that says 1,000 bytes and inflates to a gigabyte is stopped
 * at the budget (a 422 naming the file and the part) after at most a few MB of work, never decoded whole.
 */
import { Inflate } from "fflate";
import { decompressionExceeded, MAX_ZIP_ENTRY_BYTES, MAX_ZIP_TOTAL_BYTES } from "../budgets";
import { ApiError } from "../errors";

export interface ZipDirectoryEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is not read. */
  method: number;
  compressedSize: number;
  declaredSize: number;
  localHeaderOffset: number;
}

/** Compressed bytes handed to the inflater at a time: deflate expands at most ~1,032×, so one step yields ≤ 4 MB. */
const CHUNK = 4096;
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

class NotAZip extends Error {}

/** The values a ZIP64 extended-information extra field replaces (those stored as 0xFFFFFFFF), in its order. */
function zip64Values(view: DataView, start: number, end: number, entry: ZipDirectoryEntry): void {
  for (let at = start; at + 4 <= end; ) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const next = () => {
        const value = Number(view.getBigUint64(field, true));
        field += 8;
        return value;
      };
      if (entry.declaredSize === 0xffffffff) entry.declaredSize = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + size;
  }
}

/** The archive's central directory (APPNOTE 4.3.16, 4.3.12); throws NotAZip when there is none to read. */
export function zipDirectory(bytes: Uint8Array): ZipDirectoryEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  const earliest = Math.max(0, bytes.length - 22 - 0xffff);
  while (end >= earliest && view.getUint32(end, true) !== EOCD) end--;
  if (end < earliest) throw new NotAZip("no end of central directory");
  let count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if ((count === 0xffff || at === 0xffffffff) && end >= 20 && view.getUint32(end - 20, true) === 0x07064b50) {
    const record = Number(view.getBigUint64(end - 12, true));
    if (record + 56 <= bytes.length && view.getUint32(record, true) === 0x06064b50) {
      count = Number(view.getBigUint64(record + 32, true));
      at = Number(view.getBigUint64(record + 48, true));
    }
  }
  const decoder = new TextDecoder();
  const entries: ZipDirectoryEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) throw new NotAZip("a damaged central directory");
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const entry: ZipDirectoryEntry = {
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      declaredSize: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    zip64Values(view, at + 46 + nameLength, Math.min(bytes.length, at + 46 + nameLength + extraLength), entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Where an entry's compressed bytes are, from its local header. */
function entryData(bytes: Uint8Array, entry: ZipDirectoryEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL) throw new NotAZip(`no local header for ${entry.name}`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.length) throw new NotAZip(`${entry.name} is cut short`);
  return bytes.subarray(start, start + entry.compressedSize);
}

/** Inflates `data` a chunk at a time, giving up as soon as more than `limit` bytes came out. */
function inflateBounded(data: Uint8Array, limit: number): { bytes: Uint8Array } | { over: true } {
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let over = false;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > limit) over = true;
    else chunks.push(chunk);
  });
  for (let at = 0; at < data.length && !over; at += CHUNK) {
    inflater.push(data.subarray(at, at + CHUNK), at + CHUNK >= data.length);
  }
  if (over) return { over: true };
  const bytes = new Uint8Array(produced);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { bytes };
}

export interface ZipBudget {
  /** What one part may inflate to, and all the parts read from one archive together. */
  entryBytes: number;
  totalBytes: number;
}

export const OFFICE_BUDGET: ZipBudget = { entryBytes: MAX_ZIP_ENTRY_BYTES, totalBytes: MAX_ZIP_TOTAL_BYTES };

/**
 * Reads an archive's parts one at a time: `read(path, bytes)` gets each wanted part as soon as it is inflated,
 * so a caller that keeps only what it makes of a part never holds two parts' bytes at once. The budget counts the
 * bytes that came out, whatever the directory says; an entry that inflates past what it declares is refused as a
 * lie (422 naming the file and the part), as is one past the budget. An archive that cannot be read is a 422 that
 * says what `kind` of file was expected.
 */
export function readZipParts(
  bytes: Uint8Array,
  name: string,
  wanted: (path: string) => boolean,
  read: (path: string, bytes: Uint8Array) => void,
  kind: string,
  budget: ZipBudget = OFFICE_BUDGET,
): void {
  let entries: ZipDirectoryEntry[];
  try {
    entries = zipDirectory(bytes).filter((entry) => wanted(entry.name));
  } catch (err) {
    if (!(err instanceof NotAZip)) throw err;
    throw new ApiError(422, `${name}: the file is not a readable ${kind}`);
  }
  let total = 0;
  for (const entry of entries) {
    // The declaration is checked first (no work for an honest large part), the output counted as it comes.
    if (entry.declaredSize > budget.entryBytes || total + entry.declaredSize > budget.totalBytes) throw decompressionExceeded(name, entry.name, budget.entryBytes, budget.totalBytes);
    let data: Uint8Array;
    try {
      data = entryData(bytes, entry);
    } catch (err) {
      if (!(err instanceof NotAZip)) throw err;
      throw new ApiError(422, `${name}: the file is not a readable ${kind} (${err.message})`);
    }
    let part: Uint8Array;
    if (entry.method === 0) {
      part = data;
    } else if (entry.method === 8) {
      let inflated: ReturnType<typeof inflateBounded>;
      try {
        inflated = inflateBounded(data, entry.declaredSize);
      } catch {
        throw new ApiError(422, `${name}: the file is not a readable ${kind} (${entry.name} does not inflate)`);
      }
      if ("over" in inflated) {
        throw new ApiError(422, `${name}: ${entry.name} inflates past the ${entry.declaredSize.toLocaleString("en")} bytes its zip entry declares; the archive is damaged or forged`);
      }
      part = inflated.bytes;
    } else {
      throw new ApiError(422, `${name}: the file is not a readable ${kind} (${entry.name} uses zip compression method ${entry.method})`);
    }
    total += part.length;
    read(entry.name, part);
  }
}
