/**
 * The names of the streams and storages at the root of an OLE2 compound file, read from its directory without
 * opening the file: what the file is (a Word document, a workbook, a message) is said there, while the names of
 * objects embedded in it (a workbook inside a Word document) sit one storage down.
 */

const FREE = 0xffffffff;
const END_OF_CHAIN = 0xfffffffe;
/** Directory entries read at most: a sniff reads a few sectors, however large the directory claims to be. */
const MAX_ENTRIES = 4096;

/** The root's entry names, or undefined when the header or the directory cannot be read. */
export function rootEntryNames(bytes: Uint8Array): string[] | undefined {
  if (bytes.length < 512) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = view.getUint16(0x1e, true);
  if (shift !== 9 && shift !== 12) return undefined;
  const size = 1 << shift;
  const offsetOf = (sector: number) => (sector + 1) * size;
  // The FAT sectors the header lists (109 of them: files up to ~7 MB of 512-byte sectors, any of 4 KB ones).
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const sector = view.getUint32(0x4c + i * 4, true);
    if (sector === FREE || sector === END_OF_CHAIN) break;
    fatSectors.push(sector);
  }
  const next = (sector: number): number | undefined => {
    const perSector = size / 4;
    const fat = fatSectors[Math.floor(sector / perSector)];
    const at = fat === undefined ? -1 : offsetOf(fat) + (sector % perSector) * 4;
    return at < 0 || at + 4 > bytes.length ? undefined : view.getUint32(at, true);
  };
  const entries: { name: string; left: number; right: number; child: number }[] = [];
  const seen = new Set<number>();
  for (let sector = view.getUint32(0x30, true); sector !== END_OF_CHAIN && entries.length < MAX_ENTRIES; ) {
    if (seen.has(sector) || offsetOf(sector) + size > bytes.length) return undefined;
    seen.add(sector);
    for (let at = offsetOf(sector); at < offsetOf(sector) + size; at += 128) {
      const length = Math.min(64, view.getUint16(at + 0x40, true));
      const name = new TextDecoder("utf-16le").decode(bytes.subarray(at, at + Math.max(0, length - 2)));
      entries.push({ name, left: view.getUint32(at + 0x44, true), right: view.getUint32(at + 0x48, true), child: view.getUint32(at + 0x4c, true) });
    }
    const following = next(sector);
    if (following === undefined) return undefined;
    sector = following;
  }
  // The root's children are a tree of siblings below its child entry.
  const names: string[] = [];
  const visited = new Set<number>();
  const pending = [entries[0]?.child ?? FREE];
  while (pending.length > 0) {
    const index = pending.pop()!;
    const entry = entries[index];
    if (!entry || visited.has(index)) continue;
    visited.add(index);
    names.push(entry.name);
    pending.push(entry.left, entry.right);
  }
  return names;
}
