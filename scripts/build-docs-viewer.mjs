// `npm install` runs this (postinstall, after the fonts): copies Scalar's standalone API reference viewer from its
// npm package into assets/docs/ (git-ignored), which the Worker serves at /docs/scalar.js through the ASSETS
// binding, so the /docs page loads nothing from a CDN. The viewer is data to the Worker: not in its bundle.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "assets", "docs");
// Its package exports neither package.json nor the browser build, so the file is taken from where npm puts it.
const packageDir = join(ROOT, "node_modules", "@scalar", "api-reference");
const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));

mkdirSync(OUT, { recursive: true });
copyFileSync(join(packageDir, "dist", "browser", "standalone.js"), join(OUT, "scalar.js"));
console.log(`docs viewer: @scalar/api-reference ${version} -> assets/docs/scalar.js`);
