import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";

/** Writes a generated file, or with `--check` on the command line fails when the committed one differs. */
export function writeOrCheck(path, content, root) {
  const name = relative(root, path);
  if (process.argv.includes("--check")) {
    if (readFileSync(path, "utf8") !== content) {
      console.error(`${name} is out of date with the server's schemas: run \`npm run sdk:generate\``);
      process.exit(1);
    }
    console.log(`${name} is up to date`);
  } else {
    writeFileSync(path, content);
    console.log(`wrote ${name}`);
  }
}
