/**
 * The accuracy benchmark's corpora as a regression guard, run in workerd through the same engine the route
 * uses: the generated corpus (40 documents) and the hand-written "wild" (8) and "holdout" (6) ones. `npm run bench:extraction`
 * prints the full figures; this only fails when accuracy falls below the bar.
 */
import { describe, expect, it } from "vitest";
import { scoreDocument, summarize } from "../../../bench/extraction-score.mjs";
import { extractBuiltIn } from "../../../src/extraction/builtin";
import { finalizeExtraction } from "../../../src/extraction/finalize";
import { readLineDocuments } from "../../../src/documents/lines";
import { ExtractDocumentRequestSchema } from "../../../src/apis/document-extraction/schema";
import generated from "../../fixtures/extraction/corpus.json";
import holdout from "../../fixtures/extraction/holdout/corpus.json";
import wild from "../../fixtures/extraction/wild/corpus.json";

const files = import.meta.glob<string>("../../fixtures/extraction/{docs,wild/docs,holdout/docs}/*", { query: "?inline", import: "default", eager: true });

function bytesOf(path: string): Uint8Array {
  const dataUrl = files[path];
  if (!dataUrl) throw new Error(`missing fixture ${path}`);
  const base64 = dataUrl.slice(dataUrl.indexOf(",") + 1);
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

async function f1(corpus: typeof generated, folder: string) {
  const tally = {};
  for (const entry of corpus) {
    const { schema } = ExtractDocumentRequestSchema.parse({ files: [{ type: "base64", base64: "AA==" }], schema: entry.schema });
    const documents = await readLineDocuments(bytesOf(`../../fixtures/extraction/${folder}/${entry.file}`), entry.file);
    const data = finalizeExtraction(schema.fields, extractBuiltIn(documents, schema.fields, "2026-11-30"));
    scoreDocument(schema.fields, entry.expected, data, tally);
  }
  return summarize(tally).overall;
}

describe("extraction accuracy on the benchmark corpora", () => {
  it("the generated corpus: F1 at least 0.95", async () => {
    expect(Object.keys(files)).toHaveLength(generated.length + wild.length + holdout.length);
    expect(generated).toHaveLength(40);
    const overall = await f1(generated, "docs");
    expect(overall.f1).toBeGreaterThanOrEqual(0.95);
  });

  it.each([
    ["wild", wild],
    ["holdout", holdout],
  ])("the hand-written %s corpus: F1 at least 0.9, precision at least 0.95", async (folder, corpus) => {
    const overall = await f1(corpus as typeof generated, `${folder}/docs`);
    expect(overall.f1).toBeGreaterThanOrEqual(0.9);
    expect(overall.precision).toBeGreaterThanOrEqual(0.95);
  });
});
