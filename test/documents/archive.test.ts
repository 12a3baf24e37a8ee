/**
 * ZIP archives of documents (Info-ZIP's `zip` wrote the fixture): a listing of their files, then each readable file
 * as a document of its own, an archive inside read too; billed by the pages of the files read; too many files, too
 * deep, nothing readable and bombs refused naming the archive, charging nothing.
 */
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { convertDocument } from "../helpers/documents";
import { zipDeclaring } from "../helpers/files";
import { callJson, createAccount, balanceOf } from "../helpers/http";
import { base64Of, bytesOf } from "../helpers/images";

const fixtures = import.meta.glob<string>("../fixtures/archive/*.zip", { query: "?inline", import: "default", eager: true });
const bundle = () => bytesOf(fixtures["../fixtures/archive/bundle.zip"]!.replace(/^data:[^,]*,/, ""));

describe("zip archives", () => {
  it("lists the archive's files, then reads each one a reader knows under its path, an archive inside too", async () => {
    const res = await convertDocument("bundle.zip", bundle(), 10);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/zip");
    const markdown: string = res.body.data.markdown;
    expect(markdown).toMatch(/^\| File \| Size \| Read \|\n\| --- \| --- \| --- \|\n\| report\/inner\.zip \| 198 B \| read \|\n\| report\/data\/totals\.csv \| 34 B \| read \|/);
    expect(markdown).toContain("| report/chart.png | 75 B | not read: a picture or scan (it needs OCR) |");
    expect(markdown).toMatch(/\| report\/blob\.bin \| 2\.0 KB \| not read: the file is binary data of no format Lamina reads/);
    // Folders, the resource fork and .DS_Store are not files of the archive.
    expect(markdown).not.toMatch(/__MACOSX|DS_Store|\| report\/ \|/);
    expect(markdown).toContain("## File: report/inner.zip/notes.md\n\n# Notes\n\nThe totals are in EUR.");
    expect(markdown).toContain("## File: report/data/totals.csv\n\n| Region | Total |\n| --- | --- |\n| North | 1200 |\n| South | 950 |");
    expect(markdown).toContain("## File: report/testWORD.docx\n\n# Sample Word Document Title");
    // The pages of the files read: the CSV, the note and the DOCX.
    expect(res.spent).toBe(3);
  });

  it("is read by document extraction, each value citing the file in the archive it came from", async () => {
    const account = await createAccount(10);
    const res = await callJson("/document-extraction/v1/extract", {
      key: account.apiKey,
      body: { files: [{ type: "base64", name: "bundle.zip", base64: base64Of(bundle()) }], schema: { fields: [{ name: "rows", type: "ARRAY", description: "Totals by region", fields: [{ name: "region", type: "TEXT", description: "Region" }, { name: "total", type: "INTEGER", description: "Total" }] }] } },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.rows.value.map((row: any) => [row.region.value, row.total.value])).toEqual([["North", 1200], ["South", 950]]);
    expect(res.body.data.rows.source).toBe("bundle.zip/report/data/totals.csv");
    expect(await balanceOf(account.accountId)).toBe(7);
  });

  it("refuses at accept, charging nothing: more than 100 files, no file it reads, a bomb; an archive three deep is listed, not read", async () => {
    const many = zipSync(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}.txt`, strToU8(`note ${i}`)])));
    const refusedMany = await convertDocument("many.zip", many);
    expect(refusedMany.status).toBe(400);
    expect(refusedMany.body.error).toBe("file: many.zip: zip archives are read up to 100 files; this one holds 101");
    expect(refusedMany.spent).toBe(0);

    const nothing = await convertDocument("blobs.zip", zipSync({ "a.bin": new Uint8Array(2000).map((_, i) => (i * 7919) % 251) }));
    expect(nothing.status).toBe(422);
    expect(nothing.body.error).toBe("blobs.zip: no file in the archive is one Lamina reads (1 file: a.bin not read: the file is binary data of no format Lamina reads, not a document Lamina reads)");
    expect(nothing.spent).toBe(0);

    const bomb = await convertDocument("bomb.zip", zipDeclaring({ "big.txt": "x", "b.txt": "y" }, 300 * 1024 * 1024));
    expect(bomb.status).toBe(400);
    expect(bomb.body.error).toMatch(/^file: bomb\.zip: big\.txt inflates past the decompression budget/);
    expect(bomb.spent).toBe(0);

    const third = zipSync({ "deep.txt": strToU8("three deep") });
    const second = zipSync({ "third.zip": third });
    const first = zipSync({ "second.zip": second, "top.txt": strToU8("on top") });
    const deep = await convertDocument("first.zip", first);
    expect(deep.status, JSON.stringify(deep.body).slice(0, 300)).toBe(200);
    // (fflate's archives carry the time they were made: their sizes vary by a byte.)
    expect(deep.body.data.markdown).toMatch(/\| second\.zip \| \d+ B \| not read: no file in the archive is one Lamina reads \(1 file: third\.zip not read: archives inside archives are read 2 deep\) \|/);
    expect(deep.body.data.markdown).not.toContain("three deep");
    expect(deep.body.data.markdown).toContain("on top");
  });
});
