/**
 * The size of an AVIF or HEIF image read from its ISO BMFF boxes wherever they sit in the file: the image spatial
 * extents (`ispe`) of its items, and for AV1 items the largest frame their sequence header allows (what dav1d
 * allocates by, whatever `ispe` claims). Budgets refuse an image by this before any decoder sees it.
 */

interface Box {
  type: string;
  /** Where the box's content starts (after its header) and where the box ends. */
  start: number;
  end: number;
}

interface Size {
  width: number;
  height: number;
}

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

/** The boxes between `start` and `end`; a box that claims to run past `end` ends the list. */
function boxesIn(bytes: Uint8Array, view: DataView, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) break;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) {
      // A truncated last box (an mdat cut short) still counts up to the end of the file.
      if (size >= header) boxes.push({ type: ascii(bytes, at + 4, at + 8), start: at + header, end });
      break;
    }
    boxes.push({ type: ascii(bytes, at + 4, at + 8), start: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

const child = (bytes: Uint8Array, view: DataView, parent: Box | undefined, type: string, fullBox = false) =>
  parent ? boxesIn(bytes, view, parent.start + (fullBox ? 4 : 0), parent.end).find((box) => box.type === type) : undefined;

/** Reads bits most significant first, as the AV1 bitstream is written. */
class BitReader {
  private bit = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly end: number,
  ) {}

  read(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const at = this.start + (this.bit >> 3);
      if (at >= this.end) throw new RangeError("past the end of the OBU");
      value = value * 2 + ((this.bytes[at]! >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return value;
  }

  /** uvlc() of the AV1 specification (4.10.3). */
  uvlc(): number {
    let zeros = 0;
    while (this.read(1) === 0) {
      if (++zeros >= 32) return 2 ** 32 - 1;
    }
    return zeros === 0 ? 0 : this.read(zeros) + 2 ** zeros - 1;
  }
}

/** max_frame_width/height of an AV1 sequence header OBU's payload (AV1 specification 5.5.1). */
function sequenceHeaderSize(bytes: Uint8Array, start: number, end: number): Size {
  const bits = new BitReader(bytes, start, end);
  bits.read(3); // seq_profile
  bits.read(1); // still_picture
  const reduced = bits.read(1);
  if (reduced) {
    bits.read(5); // seq_level_idx[0]
  } else {
    let bufferDelayLength = 0;
    let decoderModelInfo = 0;
    if (bits.read(1)) {
      // timing_info
      bits.read(32);
      bits.read(32);
      if (bits.read(1)) bits.uvlc();
      decoderModelInfo = bits.read(1);
      if (decoderModelInfo) {
        bufferDelayLength = bits.read(5) + 1;
        bits.read(32);
        bits.read(5);
        bits.read(5);
      }
    }
    const initialDisplayDelay = bits.read(1);
    const operatingPoints = bits.read(5) + 1;
    for (let i = 0; i < operatingPoints; i++) {
      bits.read(12); // operating_point_idc
      if (bits.read(5) > 7) bits.read(1); // seq_level_idx, seq_tier
      if (decoderModelInfo && bits.read(1)) {
        bits.read(bufferDelayLength);
        bits.read(bufferDelayLength);
        bits.read(1);
      }
      if (initialDisplayDelay && bits.read(1)) bits.read(4);
    }
  }
  const widthBits = bits.read(4) + 1;
  const heightBits = bits.read(4) + 1;
  return { width: bits.read(widthBits) + 1, height: bits.read(heightBits) + 1 };
}

/** The frame size of the first sequence header among the OBUs between `start` and `end`, if there is one. */
function av1FrameSize(bytes: Uint8Array, start: number, end: number): Size | undefined {
  let at = start;
  while (at < end) {
    const header = bytes[at]!;
    const type = (header >> 3) & 0x0f;
    const extension = (header >> 2) & 1;
    const hasSize = (header >> 1) & 1;
    at += 1 + extension;
    let size = end - at;
    if (hasSize) {
      size = 0;
      for (let i = 0; i < 8; i++) {
        if (at >= end) return undefined;
        const byte = bytes[at++]!;
        size += (byte & 0x7f) * 2 ** (7 * i);
        if (!(byte & 0x80)) break;
      }
    }
    if (type === 1) return sequenceHeaderSize(bytes, at, Math.min(end, at + size));
    at += size;
  }
  return undefined;
}

/** Where each item's first extent lies in the file (`iloc`, ISO/IEC 14496-12 8.11.3), idat-relative ones resolved. */
function itemExtents(bytes: Uint8Array, view: DataView, iloc: Box, idat: Box | undefined): { start: number; end: number }[] {
  const extents: { start: number; end: number }[] = [];
  let at = iloc.start;
  const version = bytes[at]!;
  at += 4;
  const sizes = view.getUint16(at);
  at += 2;
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 0xf;
  const baseOffsetSize = (sizes >> 4) & 0xf;
  const indexSize = version === 1 || version === 2 ? sizes & 0xf : 0;
  const number = (size: number) => {
    const value = size === 0 ? 0 : size === 4 ? view.getUint32(at) : size === 8 ? Number(view.getBigUint64(at)) : NaN;
    at += size;
    return value;
  };
  const itemCount = version < 2 ? view.getUint16(at) : view.getUint32(at);
  at += version < 2 ? 2 : 4;
  for (let item = 0; item < itemCount && at < iloc.end; item++) {
    at += version < 2 ? 2 : 4; // item_ID
    const method = version === 1 || version === 2 ? view.getUint16(at) & 0xf : 0;
    if (version === 1 || version === 2) at += 2;
    at += 2; // data_reference_index
    const base = number(baseOffsetSize);
    const extentCount = view.getUint16(at);
    at += 2;
    for (let e = 0; e < extentCount; e++) {
      number(indexSize);
      const offset = base + number(offsetSize);
      const length = number(lengthSize);
      if (e > 0 || Number.isNaN(offset)) continue;
      const origin = method === 1 ? (idat?.start ?? NaN) : method === 0 ? 0 : NaN;
      const start = origin + offset;
      if (Number.isFinite(start) && start < bytes.length) extents.push({ start, end: length === 0 ? bytes.length : Math.min(bytes.length, start + length) });
    }
  }
  return extents;
}

const larger = (a: Size | undefined, b: Size) => (!a || b.width * b.height > a.width * a.height ? b : a);

/**
 * The largest size an ISO BMFF image says or its AV1 data allows, or undefined when its metadata holds none (then
 * nothing should decode it). A header that cannot be parsed says undefined too.
 */
export function isobmffImageSize(bytes: Uint8Array): Size | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const meta = boxesIn(bytes, view, 0, bytes.length).find((box) => box.type === "meta");
    const ipco = child(bytes, view, child(bytes, view, meta, "iprp", true), "ipco");
    if (!meta || !ipco) return undefined;
    let size: Size | undefined;
    let av1 = false;
    for (const property of boxesIn(bytes, view, ipco.start, ipco.end)) {
      if (property.type === "ispe" && property.start + 12 <= property.end) {
        size = larger(size, { width: view.getUint32(property.start + 4), height: view.getUint32(property.start + 8) });
      } else if (property.type === "av1C") {
        av1 = true;
        const configured = av1FrameSize(bytes, property.start + 4, property.end);
        if (configured) size = larger(size, configured);
      }
    }
    if (!av1 || !size) return size;
    const iloc = child(bytes, view, meta, "iloc", true);
    const idat = child(bytes, view, meta, "idat", true);
    for (const extent of iloc ? itemExtents(bytes, view, iloc, idat) : []) {
      try {
        const framed = av1FrameSize(bytes, extent.start, extent.end);
        if (framed) size = larger(size, framed);
      } catch {
        // Not AV1 data (an Exif or XMP item, a grid's description): nothing to read here.
      }
    }
    return size;
  } catch {
    return undefined;
  }
}
