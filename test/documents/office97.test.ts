/**
 * Word and PowerPoint 97–2003 files and Outlook messages that Word, PowerPoint and Outlook wrote (Apache Tika's
 * and POI's test files), read through document to markdown: what those projects' own tests assert is found, in
 * the shape a reader expects (headings, numbered lists, tables, links, slides, message headers, attachments).
 * Damaged and oversized compound files are refused with nothing charged.
 */
import { describe, expect, it } from "vitest";
import { convertDocument as convert, markdownOf } from "../helpers/documents";
import { readDocuments } from "../../src/documents/readers";
import { bytesOf } from "../helpers/images";

const fixtures = import.meta.glob<string>("../fixtures/office97/*.{doc,ppt,msg}", { query: "?inline", import: "default", eager: true });
const fixture = (name: string) => bytesOf(fixtures[`../fixtures/office97/${name}`]!.replace(/^data:[^,]*,/, ""));
/** The markdown of fixture `name`, sent as `sendAs`. */
const read = (name: string, sendAs = name) => markdownOf(sendAs, fixture(name));

describe("Word 97–2003 (.doc)", () => {
  it("reads the body, its table as a table, the hyperlink field as a link, then footnote, text box, header and footer", async () => {
    const markdown = await read("testWORD_various.doc");
    expect(markdown).toContain("| Row 1 Col 1 | Row 1 Col 2 | Row 1 Col 3 |\n| --- | --- | --- |\n| Row 2 Col 1 | Row 2 Col 2 | Row 2 Col 3 |");
    expect(markdown).toContain("[This is a hyperlink](http://tika.apache.org/)");
    expect(markdown).toMatch(/^- Bullet 1$/m);
    expect(markdown).toMatch(/^1\) Number bullet 1$/m);
    expect(markdown).toContain("ゾルゲと尾崎、淡々と最期");
    expect(markdown).toContain("𐌲𐌿𐍄𐌹𐍃𐌺");
    for (const text of ["This is a footnote.", "Here is a text box", "This is the header text.", "This is the footer text."]) expect(markdown).toContain(text);
    // The body comes first; the other stories after it.
    expect(markdown.indexOf("Footnote appears here")).toBeLessThan(markdown.indexOf("This is a footnote."));
  });

  it("numbers list items from the list tables, as Tika's tests assert: 1), a), i), restarts, a list starting at 6", async () => {
    const markdown = await read("testWORD_numbered_list.doc");
    expect(markdown).toMatch(/^1\) This$/m);
    expect(markdown).toMatch(/^ +- a\) Is$/m);
    expect(markdown).toMatch(/^ +- i\) A multi$/m);
    expect(markdown).toMatch(/^ +- ii\) Level$/m);
    expect(markdown).toMatch(/^2\) foo$/m);
    expect(markdown).toMatch(/^6\. six$/m);
    expect(markdown).toMatch(/^7\. seven$/m);
    expect(markdown).toMatch(/- II\. bar$/m);
    expect(markdown).toContain("e. seven e");
    expect(markdown).toContain("1.1.1. 1.1.1");
  });

  it("reads a Word 95 file whose pieces hold UTF-16 text (POI's Bug51944), and labels numbered paragraphs in table cells", async () => {
    const markdown = await read("Bug51944.doc");
    for (const text of ["By Post and Fax (5555 5555)", "We now have available", "also maintain", "which are available for", "Yours faithfully,"]) expect(markdown).toContain(text);
    // Read as 8-bit text, every other character was a NUL.
    expect(markdown).not.toContain("\u0000");
    expect(await read("testWORD_numbered_list.doc")).toMatch(/\| 1\. Within cell 1 a\. Cell a b\. Cell b \|/);
  });

  it("makes headings of built-in heading styles, numbered through the style's list (POI's Bug52311)", async () => {
    const markdown = await read("Bug52311.doc");
    for (const heading of ["# 1 Introduction", "## 2.1 Header 2.1", "## 2.3.1 Header 2.3.1", "## 2.99 Header 2.99", "## 2.99.1 Header 2.99.1", "## 2.100 Header 2.100", "## 2.101 Header 2.101"]) {
      expect(markdown).toMatch(new RegExp(`^${heading.replace(/\./g, "\\.")}$`, "m"));
    }
  });

  it("shows tracked changes as accepted: the deleted word is not read (Tika's testDeleted)", async () => {
    const markdown = await read("testWORD_2006ml.doc");
    expect(markdown).toContain("The quick brown fox jumped over the lazy brown dog.");
    expect(markdown).toContain("[tika](http://tika.apache.org)");
    expect(markdown).not.toMatch(/frog/i);
  });

  it("knows a Word document holding an embedded workbook by its root streams when it has no name (it was taken for an XLS)", async () => {
    const res = await convert("upload", fixture("testWORD_2006ml.doc"));
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/msword");
    expect(res.body.data.markdown).toContain("The quick brown fox jumped over the lazy brown dog.");
  });

  it("reads a Word 6 file and a phonetic guide, whatever the file is named", async () => {
    expect(await read("testWORD6.doc", "upload")).toBe("The quick brown fox jumps over the lazy dog");
    expect(await read("testWORD_phonetic.doc")).toBe("東京 (とうきょう)");
  });
});

describe("PowerPoint 97–2003 (.ppt)", () => {
  it("gives each slide a section: its title a heading, its body placeholder's paragraphs list items", async () => {
    const markdown = await read("testPPT.ppt");
    expect(markdown).toBe("## Sample Powerpoint Slide\n\n- Created with Microsoft\n- Powerpoint X for Mac\n- Service Release 1");
  });

  it("reads text boxes in Japanese and Chinese, half-width kana and characters outside the BMP (POI's 54880)", async () => {
    const markdown = await read("54880_chinese.ppt");
    for (const text of ["Single byte", "複数の文字", "ﾊﾝｶｸ", "表十ソ", "𠮟", "表Mixパﾋﾟ𠮟"]) expect(markdown).toContain(text);
  });

  it("keeps the footer set on the master, once", async () => {
    const markdown = await read("testPPT_masterFooter.ppt");
    expect(markdown.match(/Master footer is here/g)).toHaveLength(1);
  });
});

describe("Outlook messages (.msg)", () => {
  it("reads the headers and body in the message's code page, with what Outlook shows as names", async () => {
    const markdown = await read("chinese-traditional.msg");
    expect(markdown).toContain("**From:** Tests Chang@FT (張毓倫)\n");
    expect(markdown).toContain("**To:** Tests Chang@FT (張毓倫) \\<tests.chang@fengttt.com\\>");
    expect(markdown).toContain("**Subject:** Alfresco MSG format testing ( MSG 格式測試 )");
    expect(markdown).toContain("**Date:** Tue, 29 Mar 2011 08:52:48 GMT");
    expect(markdown).toContain("陳惠珍");
  });

  it("reads the attachments, a Word document among them, as documents of their own", async () => {
    const markdown = await read("testMSG_att_doc.msg");
    expect(markdown).toContain("**Subject:** test pièce jointe 1");
    const [body, word, text] = markdown.split(/^## Attachment: .*$/m);
    expect(markdown.match(/^## Attachment: .*$/gm)).toEqual(["## Attachment: test-unicode.doc", "## Attachment: pj1.txt"]);
    expect(body).toContain("contenu");
    expect(word).toContain("euro : € (20AC)");
    expect(word).toContain("chinois : 줥 (C925)");
    expect(text?.trim()).not.toBe("");
  });
});

describe("damaged and oversized compound files", () => {
  it("reads a message whose sector chain a fuzzer broke (one byte of testMSG_att_doc.msg) from the container written anew", async () => {
    // msgreader walks the chains itself without loop checks: on these bytes as sent it spun for seconds.
    const bytes = fixture("testMSG_att_doc.msg").slice();
    bytes[7068] = 0x5f;
    const res = await convert("fuzzed.msg", bytes);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.markdown).toContain("**Subject:** test pièce jointe 1");
    expect(res.body.data.markdown).toContain("## Attachment: test-unicode.doc");
  });

  it("refuses a .doc whose compound structure is damaged with a 422 naming it, refunded", async () => {
    const bytes = fixture("testWORD6.doc").slice(0, 1024);
    const res = await convert("cut.doc", bytes);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^cut\.doc: the file is not a readable Word 97–2003 document/);
    expect(res.balance).toBe(5);
  });

  it("refuses a compound file past 16 MiB before opening it (a size only a URL brings)", async () => {
    const big = new Uint8Array(16 * 1024 * 1024 + 512);
    big.set(fixture("testPPT.ppt"));
    await expect(readDocuments(big, "big.ppt")).rejects.toThrow("big.ppt: PowerPoint 97–2003 presentation files are read up to 16 MiB (this one is 16.0 MiB)");
  });
});
