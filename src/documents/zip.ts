/**
 * ZIP containers for the formats we write (PPTX, EPUB, XLSX), deflated by the runtime's own zlib
 * (CompressionStream "deflate-raw"). fflate's zipSync, which they used before, deflates in JavaScript: on a 30-slide
 * deck (159 entries, 1.4 MB of XML) 60 ms in Node where this takes a few. Entries are written in the order given
 * (EPUB needs its `mimetype` first and stored), with UTF-8 names, one fixed or given time, and no ZIP64: a container
 * is refused past 65,535 entries or 4 GiB, far beyond every budget of the writers that use it.
 */
import { crc32 } from "../hash";

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** Stored as is (EPUB's `mimetype`); otherwise deflated, unless that would not make it smaller. */
  store?: boolean;
}

const LIMIT = 0xffffffff;

/** Raw deflate of `data` by the runtime's zlib, written to the compressor as is (no copy into a Blob first). */
async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const compressor = new CompressionStream("deflate-raw");
  const writer = compressor.writable.getWriter();
  const [compressed] = await Promise.all([new Response(compressor.readable).arrayBuffer(), writer.write(data).then(() => writer.close())]);
  return new Uint8Array(compressed);
}

/** MS-DOS time and date of `at` (UTC), as ZIP headers hold them; 1980 is the earliest they can say. */
function dosTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/** A ZIP file of `entries`, each deflated natively (or stored), all dated `modified`. */
export async function writeZip(entries: readonly ZipEntry[], modified: Date = new Date()): Promise<Uint8Array> {
  if (entries.length > 0xffff) throw new Error(`a ZIP of ${entries.length} entries needs ZIP64`);
  const { time, date } = dosTime(modified);
  const encoder = new TextEncoder();
  const written = await Promise.all(
    entries.map(async (entry) => {
      const deflated = entry.store || entry.data.length === 0 ? null : await deflateRaw(entry.data);
      const smaller = deflated !== null && deflated.length < entry.data.length;
      return { name: encoder.encode(entry.name), crc: crc32([entry.data]), size: entry.data.length, method: smaller ? 8 : 0, body: smaller ? deflated : entry.data };
    }),
  );
  let total = 22;
  for (const file of written) total += 30 + 46 + 2 * file.name.length + file.body.length;
  if (total > LIMIT) throw new Error("a ZIP past 4 GiB needs ZIP64");
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  const offsets: number[] = [];
  // The fields a local header and its central directory record share, from "version needed" to the name length.
  const common = (at: number, file: (typeof written)[number]) => {
    view.setUint16(at, 20, true); // version needed: 2.0 (deflate)
    view.setUint16(at + 2, 0x0800, true); // flags: UTF-8 names
    view.setUint16(at + 4, file.method, true);
    view.setUint16(at + 6, time, true);
    view.setUint16(at + 8, date, true);
    view.setUint32(at + 10, file.crc, true);
    view.setUint32(at + 14, file.body.length, true);
    view.setUint32(at + 18, file.size, true);
    view.setUint16(at + 22, file.name.length, true);
  };
  for (const file of written) {
    offsets.push(offset);
    view.setUint32(offset, 0x04034b50, true);
    common(offset + 4, file);
    out.set(file.name, offset + 30);
    out.set(file.body, offset + 30 + file.name.length);
    offset += 30 + file.name.length + file.body.length;
  }
  const directory = offset;
  for (const [index, file] of written.entries()) {
    view.setUint32(offset, 0x02014b50, true);
    view.setUint16(offset + 4, 20, true); // version made by: 2.0, MS-DOS attributes
    common(offset + 6, file);
    // Extra and comment lengths, disk number, attributes: all zero.
    view.setUint32(offset + 42, offsets[index]!, true);
    out.set(file.name, offset + 46);
    offset += 46 + file.name.length;
  }
  view.setUint32(offset, 0x06054b50, true);
  view.setUint16(offset + 8, written.length, true);
  view.setUint16(offset + 10, written.length, true);
  view.setUint32(offset + 12, offset - directory, true);
  view.setUint32(offset + 16, directory, true);
  return out;
}
