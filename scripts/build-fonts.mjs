// `npm install` runs this (postinstall): copies the bundled font families from their npm packages into
// assets/fonts/ (git-ignored), which wrangler serves to the Worker as static assets (the ASSETS binding), and
// writes assets/fonts/catalogue.json, the list the Worker looks families up in. Fonts are data: none of them is
// in the Worker bundle. Per family: regular, bold, italic and bold italic where the family has them (the nearest
// weight stands in for a missing 400 or 700).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "assets", "fonts");

// The wire contract's 98 family names (§8.6), each with the package that ships it. @expo-google-fonts packages
// hold static TTFs per weight; the three families they lack come from @fontsource (WOFF, Latin subset, unpacked
// to TTF here so every renderer, PDF writers included, can embed them).
const EXPO = [
  "AlfaSlabOne", "AnekTelugu", "Anton", "Archivo", "ArchivoBlack", "Arimo", "Assistant", "Barlow", "BarlowCondensed",
  "BebasNeue", "Bitter", "BricolageGrotesque", "Bungee", "Cabin", "Cairo", "Caveat", "ChangaOne", "CormorantGaramond",
  "CrimsonText", "DancingScript", "DMSans", "Dosis", "EBGaramond", "Exo2", "Figtree", "FiraSans", "FjallaOne",
  "GravitasOne", "Heebo", "Hind", "HindSiliguri", "IBMPlexSans", "Inconsolata", "Inter", "InterTight", "JosefinSans",
  "Jost", "Kanit", "Karla", "Lato", "Lexend", "LibreBaskerville", "LibreFranklin", "Lobster", "Lora", "Manrope",
  "Merriweather", "Montserrat", "MPLUSRounded1c", "Mukta", "Mulish", "NanumGothic", "NotoSans", "NotoSansArabic",
  "NotoSansJP", "NotoSansKR", "NotoSansSC", "NotoSansTC", "NotoSansTelugu", "NotoSerif", "NotoSerifJP", "Nunito",
  "NunitoSans", "OpenSans", "Oswald", "Outfit", "Overpass", "Oxygen", "Pacifico", "PlayfairDisplay", "PlusJakartaSans",
  "Poppins", "Prompt", "PTSans", "PTSerif", "PublicSans", "Quicksand", "Raleway", "Ramabhadra", "RedHatDisplay",
  "Roboto", "RobotoCondensed", "RobotoFlex", "RobotoMono", "RobotoSlab", "Rubik", "Saira", "SchibstedGrotesk",
  "SmoochSans", "Sora", "SourceCodePro", "SourceSans3", "SpaceGrotesk", "TitilliumWeb", "Ubuntu", "WorkSans",
];
const FONTSOURCE = ["CommitMono", "ShareTech", "Slabo27px"];

/** `MPLUSRounded1c` → `m-plus-rounded-1c`, `Exo2` → `exo-2`, `DMSans` → `dm-sans`: the package slug. */
const EXPO_SLUGS = { MPLUSRounded1c: "m-plus-rounded-1c", IBMPlexSans: "ibm-plex-sans", DMSans: "dm-sans", EBGaramond: "eb-garamond", PTSans: "pt-sans", PTSerif: "pt-serif", NotoSansJP: "noto-sans-jp", NotoSansKR: "noto-sans-kr", NotoSansSC: "noto-sans-sc", NotoSansTC: "noto-sans-tc", NotoSerifJP: "noto-serif-jp" };
const FONTSOURCE_SLUGS = { Slabo27px: "slabo-27px" };
const slugOf = (name) =>
  FONTSOURCE_SLUGS[name] ??
  EXPO_SLUGS[name] ?? name.replace(/([a-z])([A-Z0-9])/g, "$1-$2").replace(/([0-9])([a-z])/g, "$1-$2").toLowerCase();
/** The folder a family is copied to (the Worker looks families up by their name, not by this). */
const familyKey = (name) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * Tables the layout engine (satori's opentype.js) cannot read: Commit Mono's `ltag` table throws
 * ("ltagTable is not defined"), and Noto Sans Arabic's contextual substitutions (GSUB lookup type 5, format 3)
 * throw on Arabic text. Without them the fonts render; Noto Sans Arabic then draws each letter in its isolated
 * form (Cairo, which the layout engine can shape, joins them).
 */
const DROP_TABLES = { CommitMono: ["ltag"], NotoSansArabic: ["GSUB"] };

/** The font's tables, from an sfnt (TTF/OTF) or a WOFF (zlib-compressed tables) file. */
function readTables(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const woff = view.getUint32(0) === 0x774f4646;
  const flavor = woff ? view.getUint32(4) : view.getUint32(0);
  const count = view.getUint16(woff ? 12 : 4);
  const tables = [];
  for (let i = 0; i < count; i++) {
    const at = woff ? 44 + i * 20 : 12 + i * 16;
    const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
    const offset = view.getUint32(at + (woff ? 4 : 8));
    const length = view.getUint32(at + (woff ? 8 : 12));
    const checksum = view.getUint32(at + (woff ? 16 : 4));
    const raw = bytes.subarray(offset, offset + length);
    const original = woff ? view.getUint32(at + 12) : length;
    tables.push({ tag, checksum, data: woff && length < original ? new Uint8Array(inflateSync(raw)) : raw });
  }
  return { flavor, tables };
}

/** An sfnt file of these tables (records sorted by tag, tables 4-byte aligned). */
function writeSfnt(flavor, tables) {
  tables.sort((a, b) => (a.tag < b.tag ? -1 : 1));
  const headerBytes = 12 + tables.length * 16;
  const total = tables.reduce((sum, table) => sum + Math.ceil(table.data.length / 4) * 4, headerBytes);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const power = 2 ** Math.floor(Math.log2(tables.length));
  view.setUint32(0, flavor);
  view.setUint16(4, tables.length);
  view.setUint16(6, power * 16);
  view.setUint16(8, Math.log2(power));
  view.setUint16(10, tables.length * 16 - power * 16);
  let offset = headerBytes;
  tables.forEach((table, i) => {
    const at = 12 + i * 16;
    for (let c = 0; c < 4; c++) out[at + c] = table.tag.charCodeAt(c);
    view.setUint32(at + 4, table.checksum);
    view.setUint32(at + 8, offset);
    view.setUint32(at + 12, table.data.length);
    out.set(table.data, offset);
    offset += Math.ceil(table.data.length / 4) * 4;
  });
  return out;
}

/** The file as a TTF/OTF the renderers read: WOFF unpacked, unreadable tables dropped. */
function fontFile(path, drop) {
  const bytes = new Uint8Array(readFileSync(path));
  if (!path.endsWith(".woff") && drop.length === 0) return bytes;
  const { flavor, tables } = readTables(bytes);
  return writeSfnt(flavor, tables.filter((table) => !drop.includes(table.tag)));
}

/** The files to keep: regular, bold, italic, bold italic, each the nearest weight of its style. */
function pick(files) {
  const chosen = [];
  for (const [style, weight] of [["normal", 400], ["normal", 700], ["italic", 400], ["italic", 700]]) {
    const candidates = files.filter((file) => file.style === style && (weight === 700 ? file.weight >= 600 : file.weight <= 500));
    const fallback = weight === 400 ? files.filter((file) => file.style === style) : [];
    const pool = candidates.length > 0 ? candidates : fallback;
    const best = pool.sort((a, b) => Math.abs(a.weight - weight) - Math.abs(b.weight - weight))[0];
    if (best && !chosen.some((file) => file.path === best.path)) chosen.push(best);
  }
  return chosen;
}

function expoFiles(dir) {
  const files = [];
  // Older packages keep the files at the top: `SmoochSans_400Regular.ttf`, `..._700Bold_Italic.ttf`.
  for (const entry of readdirSync(dir)) {
    const match = /_(\d{3})[A-Za-z]+(_Italic)?\.ttf$/.exec(entry);
    if (match) files.push({ weight: Number(match[1]), style: match[2] ? "italic" : "normal", path: join(dir, entry) });
  }
  for (const entry of readdirSync(dir)) {
    const match = /^(\d{3})[A-Za-z]+(_Italic)?$/.exec(entry);
    if (!match || !statSync(join(dir, entry)).isDirectory()) continue;
    const ttf = readdirSync(join(dir, entry)).find((file) => file.endsWith(".ttf"));
    if (ttf) files.push({ weight: Number(match[1]), style: match[2] ? "italic" : "normal", path: join(dir, entry, ttf) });
  }
  return files;
}

function fontsourceFiles(dir) {
  const files = [];
  for (const file of readdirSync(join(dir, "files"))) {
    const match = /-latin-(\d{3})-(normal|italic)\.woff$/.exec(file);
    if (match) files.push({ weight: Number(match[1]), style: match[2], path: join(dir, "files", file) });
  }
  return files;
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const families = [];
const missing = [];
for (const [name, source] of [...EXPO.map((name) => [name, "expo"]), ...FONTSOURCE.map((name) => [name, "fontsource"])]) {
  const dir = join(ROOT, "node_modules", source === "expo" ? "@expo-google-fonts" : "@fontsource", slugOf(name));
  if (!existsSync(dir)) {
    missing.push(`${name} (${dir})`);
    continue;
  }
  const key = familyKey(name);
  const files = pick(source === "expo" ? expoFiles(dir) : fontsourceFiles(dir));
  if (files.length === 0) {
    missing.push(`${name} (no font files found in ${dir})`);
    continue;
  }
  mkdirSync(join(OUT, key), { recursive: true });
  const entries = files.map((file) => {
    const path = `fonts/${key}/${file.weight}-${file.style}.ttf`;
    const data = fontFile(file.path, DROP_TABLES[name] ?? []);
    writeFileSync(join(ROOT, "assets", path), data);
    return { weight: file.weight, style: file.style, path, bytes: data.length };
  });
  families.push({ name, key, files: entries });
}
if (missing.length > 0) {
  console.error(`build-fonts: packages not installed for ${missing.join(", ")}`);
  process.exit(1);
}
writeFileSync(join(OUT, "catalogue.json"), JSON.stringify({ families }, null, 1));
const total = families.reduce((sum, family) => sum + family.files.reduce((s, f) => s + f.bytes, 0), 0);
console.log(`build-fonts: ${families.length} families, ${families.reduce((n, f) => n + f.files.length, 0)} files, ${(total / 1024 / 1024).toFixed(1)} MiB in assets/fonts`);
