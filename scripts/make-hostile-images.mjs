// `node scripts/make-hostile-images.mjs`: the images whose headers lie, for test/graphics/image-headers.test.ts.
// An AVIF that sharp (libavif + aom) writes at 2400 × 2000 (4.8 megapixels, past the pixel budget), and two copies
// of it: one whose `ispe` box claims 100 × 100 (the AV1 sequence header still says 2400 × 2000, which is what the
// decoder allocates by), and one with a 70 KB `free` box between `ftyp` and `meta`, so the metadata sits past the
// first 64 KB. Written to test/fixtures/image-transformation/. Run it again only when the cases change.
import { writeFileSync } from "node:fs";
import sharp from "sharp";

const DIR = new URL("../test/fixtures/image-transformation/", import.meta.url);
const avif = await sharp({ create: { width: 2400, height: 2000, channels: 3, background: "#3366ff" } }).avif({ quality: 40, effort: 0 }).toBuffer();
writeFileSync(new URL("large.avif", DIR), avif);

const lying = Buffer.from(avif);
const ispe = lying.indexOf("ispe");
lying.writeUInt32BE(100, ispe + 8);
lying.writeUInt32BE(100, ispe + 12);
writeFileSync(new URL("lying-ispe.avif", DIR), lying);

const ftypSize = avif.readUInt32BE(0);
const free = Buffer.alloc(70 * 1024);
free.writeUInt32BE(free.length, 0);
free.write("free", 4);
writeFileSync(new URL("late-meta.avif", DIR), Buffer.concat([avif.subarray(0, ftypSize), free, avif.subarray(ftypSize)]));
console.log(`large.avif ${avif.length} bytes; ispe at ${ispe}`);
