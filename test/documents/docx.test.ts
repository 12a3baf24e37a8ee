/**
 * Word documents other software wrote, read the way Word shows them: headings by their style's *name* along its
 * `basedOn` chain (a localized Word writes style ids like `1`), list items numbered as `numbering.xml` says
 * (decimal, letters, roman, restarts, a list starting at 6), and hyperlinks resolved through the relationships.
 * Tika's own test files; the localized one is Tika's testWORD.docx with its heading styles' ids renamed as a
 * German Word names them.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { callJson, createAccount } from "../helpers/http";
import { base64Of, bytesOf } from "../helpers/images";

const fixtures = import.meta.glob<string>("../fixtures/docx/*.docx", { query: "?inline", import: "default", eager: true });
const fixture = (name: string) => bytesOf(fixtures[`../fixtures/docx/${name}`]!.replace(/^data:[^,]*,/, ""));

async function markdownOf(name: string, bytes: Uint8Array): Promise<string> {
  const account = await createAccount(5);
  const res = await callJson("/document-to-markdown/v1/convert", { key: account.apiKey, body: { file: { type: "base64", name, base64: base64Of(bytes) } } });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  return res.body.data.markdown;
}

describe("DOCX as Word shows it", () => {
  it("numbers list items as numbering.xml says: 1), a), i), restarts, a list that starts at 6, upper roman", async () => {
    const markdown = await markdownOf("testWORD_numbered_list.docx", fixture("testWORD_numbered_list.docx"));
    expect(markdown).toMatch(/^1\) This$/m);
    expect(markdown).toMatch(/^ +- a\) Is$/m);
    expect(markdown).toMatch(/^ +- i\) A multi$/m);
    expect(markdown).toMatch(/^ +- ii\) Level$/m);
    expect(markdown).toMatch(/^2\) foo$/m);
    expect(markdown).toMatch(/^6\. six$/m);
    expect(markdown).toMatch(/^7\. seven$/m);
    expect(markdown).toMatch(/^- II\. bar$/m);
    expect(markdown).toMatch(/\(1\) baq$/m);
  });

  it("takes headings from the style's name, whatever its id (a localized Word's `1`, `2`, `3`)", async () => {
    const original = fixture("testWORD.docx");
    const files = unzipSync(original);
    const rename = (xml: string) => xml.replace(/(w:styleId|w:val)="Heading([123])"/g, '$1="$2"');
    files["word/styles.xml"] = strToU8(rename(strFromU8(files["word/styles.xml"]!)));
    files["word/document.xml"] = strToU8(rename(strFromU8(files["word/document.xml"]!)));
    expect(strFromU8(files["word/document.xml"]!)).toContain('w:pStyle w:val="1"');
    for (const bytes of [original, zipSync(files)]) {
      const markdown = await markdownOf("testWORD.docx", bytes);
      expect(markdown).toMatch(/^# Heading Level 1$/m);
      expect(markdown).toMatch(/^## Heading Level 2$/m);
      expect(markdown).toMatch(/^### Heading Level 3$/m);
      expect(markdown).toMatch(/^# Sample Word Document Title$/m);
    }
  });

  it("keeps hyperlinks, resolved through the document's relationships", async () => {
    const markdown = await markdownOf("testWORD.docx", fixture("testWORD.docx"));
    expect(markdown).toContain("Apache Tika: [http://tika.apache.org/](http://tika.apache.org/) [Tika](http://tika.apache.org/)");
    expect(markdown).toContain("[POI](http://poi.apache.org/)");
  });
});
