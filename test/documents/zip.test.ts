import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { withFastImmediate } from "../../src/apis/document-generation/immediate";
import { writeZip } from "../../src/documents/zip";
import { crc32 } from "../../src/hash";

const text = (value: string) => new TextEncoder().encode(value);

/** The central directory's records, read by hand: name, method, CRC, sizes, local header offset. */
function directory(zip: Uint8Array) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const records = [];
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    records.push({
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      time: view.getUint16(at + 12, true),
      date: view.getUint16(at + 14, true),
      crc: view.getUint32(at + 16, true),
      compressed: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      offset: view.getUint32(at + 42, true),
      name: new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength)),
    });
    at += 46 + nameLength;
  }
  return records;
}

describe("writeZip", () => {
  it("has the standard CRC-32", () => {
    expect(crc32([text("123456789")])).toBe(0xcbf43926);
    expect(crc32([text("1234"), text("56789")])).toBe(0xcbf43926);
  });

  it("writes entries in order, deflated or stored, that an independent reader reads back byte for byte", async () => {
    const xml = text(`<?xml version="1.0"?><root>${"<row a='1'>cell</row>".repeat(2000)}</root>`);
    const random = crypto.getRandomValues(new Uint8Array(5000));
    const entries = [
      { name: "mimetype", data: text("application/epub+zip"), store: true },
      { name: "xl/worksheets/sheet1.xml", data: xml },
      { name: "media/noise.bin", data: random },
      { name: "empty.txt", data: new Uint8Array(0) },
      { name: "docs/Ünïcödé – 名前.txt", data: text("named in UTF-8") },
    ];
    const zip = await writeZip(entries, new Date("2026-03-04T05:06:08Z"));
    const records = directory(zip);
    expect(records.map((record) => record.name)).toEqual(entries.map((entry) => entry.name));
    // The first entry's data starts right after its 30-byte header and name: what EPUB readers look for.
    expect(new TextDecoder().decode(zip.subarray(38, 58))).toBe("application/epub+zip");
    // Stored: asked to; noise (deflating would not make it smaller); empty; a name longer than its short text.
    expect(records.map((record) => record.method)).toEqual([0, 8, 0, 0, 0]);
    expect(records[1]!.compressed).toBeLessThan(xml.length / 20);
    expect(records[2]!.compressed).toBe(5000);
    for (const [index, record] of records.entries()) {
      expect(record.flags & 0x0800).toBe(0x0800);
      expect(record.crc).toBe(crc32([entries[index]!.data]));
      expect(record.size).toBe(entries[index]!.data.length);
      // 05:06:08 on 4 March 2026, in MS-DOS form.
      expect(record.time).toBe((5 << 11) | (6 << 5) | 4);
      expect(record.date).toBe(((2026 - 1980) << 9) | (3 << 5) | 4);
    }
    const read = unzipSync(zip);
    expect(Object.keys(read)).toEqual(entries.map((entry) => entry.name));
    for (const entry of entries) expect(read[entry.name]).toEqual(entry.data);
  });

  it("gives the same bytes for the same entries and time", async () => {
    const entries = [{ name: "a.xml", data: text("<a>".repeat(500)) }];
    const at = new Date("2026-01-01T00:00:00Z");
    expect(await writeZip(entries, at)).toEqual(await writeZip(entries, at));
  });

  it("writes an empty archive", async () => {
    const zip = await writeZip([]);
    expect(zip.length).toBe(22);
    expect(Object.keys(unzipSync(zip))).toEqual([]);
  });
});

describe("withFastImmediate", () => {
  it("runs setImmediate callbacks in order, with their arguments, and puts the runtime's back after the last run", async () => {
    const runtime = globalThis.setImmediate;
    const seen: string[] = [];
    const inner = withFastImmediate(async () => {
      expect(globalThis.setImmediate).not.toBe(runtime);
      await new Promise<void>((resolve) => setImmediate((a: string, b: string) => (seen.push(`inner ${a}${b}`), resolve()), "x", "y"));
    });
    const outer = withFastImmediate(async () => {
      for (let i = 0; i < 300; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      seen.push("outer done");
    });
    await Promise.all([inner, outer]);
    expect(seen).toEqual(["inner xy", "outer done"]);
    expect(globalThis.setImmediate).toBe(runtime);
  });

  it("runs a callback queued just before the end exactly once (by the channel or handed to the runtime's)", async () => {
    let runs = 0;
    await withFastImmediate(async () => {
      setImmediate(() => runs++);
    });
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => globalThis.setImmediate(resolve));
    expect(runs).toBe(1);
  });

  it("puts the runtime's back when the work throws", async () => {
    const runtime = globalThis.setImmediate;
    await expect(withFastImmediate(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(globalThis.setImmediate).toBe(runtime);
  });
});
