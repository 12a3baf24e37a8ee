/**
 * Word documents other software wrote, read the way Word shows them: headings by their style's *name* along its
 * `basedOn` chain (a localized Word writes style ids like `1`), list items numbered as `numbering.xml` says
 * (decimal, letters, roman, restarts, a list starting at 6), and hyperlinks resolved through the relationships.
 * Tika's own test files; the localized one is Tika's testWORD.docx with its heading styles' ids renamed as a
 * German Word names them.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { markdownOf } from "../helpers/documents";
import { bytesOf } from "../helpers/images";

const fixtures = import.meta.glob<string>("../fixtures/docx/*.docx", { query: "?inline", import: "default", eager: true });
const fixture = (name: string) => bytesOf(fixtures[`../fixtures/docx/${name}`]!.replace(/^data:[^,]*,/, ""));

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

describe("DOCX stories beside the body", () => {
  it("writes footnotes, endnotes and comments as markdown footnotes after the body, then each header and footer once", async () => {
    const markdown = await markdownOf("testWORD_2006ml.docx", fixture("testWORD_2006ml.docx"));
    expect(markdown).toContain("This should have a footnote[^1]");
    expect(markdown).toContain("This should point to an endnote [^2]");
    // A comment covers a stretch of text: its mark ends the paragraph.
    expect(markdown).toMatch(/^2\. Really basic 2\.\[\^c1\]$/m);
    expect(markdown).toMatch(/^\[\^1\]: And this is the footnote$/m);
    expect(markdown).toMatch(/^\[\^2\]: This is an endnote$/m);
    expect(markdown).toMatch(/^\[\^c1\]: \*\*Allison, Timothy B\.:\*\* This is a comment$/m);
    for (const text of ["First page header", "Even page header", "Odd page header", "First page footer", "Even page footer", "Odd page footer"]) {
      expect(markdown.split(text).length - 1, text).toBe(1);
    }
    expect(markdown.indexOf("[^c1]: ")).toBeGreaterThan(markdown.indexOf("This should point to an endnote"));
    expect(markdown.indexOf("First page header")).toBeGreaterThan(markdown.indexOf("[^c1]: "));
    // A text box is read once (not again from its VML fallback), where it is anchored; tracked deletions are not read.
    expect(markdown.split("This is a text box").length - 1).toBe(1);
    expect(markdown).not.toContain("frog");
  });

  it("reads a chart as its title and a table of its cached data", async () => {
    const markdown = await markdownOf("testWORD_2006ml.docx", fixture("testWORD_2006ml.docx"));
    expect(markdown).toContain("**This is the chart title**\n\n|  | Category 1 | Category 2 | Category 3 | Category 4 |\n| --- | --- | --- | --- | --- |\n| Series 1 | 4.3 | 2.5 | 3.5 | 4.5 |");
    const pie = await markdownOf("testWORD_charts.docx", fixture("testWORD_charts.docx"));
    expect(pie).toContain("**wants a peach**");
    expect(pie).toContain("|  | January | February | March | April | May | June | July | August |");
    expect(pie).toContain("| NUMBER | 5 | 8 | 4 | 7 | 4 | 2 | 5 | 6 |");
    expect(pie).not.toContain("chartSpace");
  });

  it("gives pictures their alt text and media path, in the body, content controls, notes, comments, headers and footers", async () => {
    const markdown = await markdownOf("testWORD_embedded_pics.docx", fixture("testWORD_embedded_pics.docx"));
    expect(markdown).toContain("![C:\\\\Users\\\\tallison\\\\AppData\\\\Local\\\\Microsoft\\\\Windows\\\\INetCache\\\\Content.Word\\\\body\\_pic.jpg](media/image1.jpeg)");
    for (const alt of ["deeply\\_embedded", "footnotes", "endnotes", "comments", "header1", "footer3"]) expect(markdown).toContain(`![${alt}\\_pic](media/image2.jpeg)`);
    // The picture inside a tracked deletion is gone with it.
    expect(markdown).not.toContain("deleted\\_pic");
  });

  it("shows the URL of a field that pulls in an outside file, and a phonetic guide after its text", async () => {
    const refs = await markdownOf("testExternalRefs.docx", fixture("testExternalRefs.docx"));
    expect(refs).toContain("Testing INCLUDEPICTURE: [\\[Image placeholder\\]](http://example.com/tracking.png)");
    for (const url of ["http://example.org/payload.txt", "http://example.net/exploit.wmf", "http://test.invalid/cmd.docx"]) expect(refs).toContain(`](${url})`);
    expect(await markdownOf("testWORD_phonetic.docx", fixture("testWORD_phonetic.docx"))).toContain("東京 (とうきょう)");
  });

  it("numbers overridden lists as Word does: levels without a start begin at 0, start overrides of 0, legal numbering, bullet levels inside a label", async () => {
    const markdown = await markdownOf("testWORD_override_list_numbering.docx", fixture("testWORD_override_list_numbering.docx"));
    for (const line of ["- 0th 0th", "- 5th 5th", "1st.2.3someText 1st.2.3someText", "1st.2.2someOtherText.1 1st.2.2someOtherText.1", "1.1.1.1...1 1.1.1.1...1", "2.18.2.1 2.18.2.1", "- 00 00", "01..1 01..1"]) {
      expect(markdown).toContain(line);
    }
  });
});
