/**
 * A curated subset of the real-file corpus beside the project (`../shared/corpus`, whose files other software
 * wrote: pandoc's, Tika's and charset_normalizer's test files), read in place through document to markdown, with
 * assertions on the markdown itself. Files whose license keeps them out of this repository (pandoc's are GPL) are
 * only read from there; `npm run bench:corpus` scores the whole corpus.
 */
import { describe, expect, it } from "vitest";
import { markdownOf } from "../helpers/documents";
import { bytesOf } from "../helpers/images";

const files = import.meta.glob<string>(
  [
    "../../../shared/corpus/documents/odt/{footnote,endnote,externalLink,imageWithCaption,testODFwithOOo3,testFooter}.odt",
    "../../../shared/corpus/documents/txt/{sample-russian,sample-greek,sample-korean}.txt",
    "../../../shared/corpus/documents/pdf/{testAnnotations,testPDFFileEmbInAnnotation}.pdf",
    "../../../shared/corpus/documents/rtf/{testRTFJapanese,testRTFWordPadCzechCharacters,testRTFWord2010CzechCharacters,testRTFVarious,testRTF_annotation_spacing}.rtf",
  ],
  { query: "?inline", import: "default", eager: true },
);

/** The markdown of the corpus file at `path` (below `documents/`). */
async function read(path: string): Promise<string> {
  const data = files[`../../../shared/corpus/documents/${path}`];
  if (!data) throw new Error(`${path} is not in the corpus beside the project (../shared/corpus/documents)`);
  return markdownOf(path.split("/").pop()!, bytesOf(data.replace(/^data:[^,]*,/, "")));
}

describe("OpenDocument text from the corpus", () => {
  it("writes footnotes and endnotes as markdown footnotes, numbered together (pandoc's footnote.odt and endnote.odt)", async () => {
    expect(await read("odt/footnote.odt")).toBe("Some text[^1] with a footnote.\n\n[^1]: Footnote text");
    expect(await read("odt/endnote.odt")).toBe("Some text[^1] with an endnote.\n\n[^1]: Endnote text");
  });

  it("keeps links, and gives a captioned picture its caption as alt text (pandoc's externalLink.odt and imageWithCaption.odt)", async () => {
    expect(await read("odt/externalLink.odt")).toBe("Here comes an [external link](http://example.com/) to example.com.");
    expect(await read("odt/imageWithCaption.odt")).toBe("![Abbildung 1: Image caption](Pictures/10000000000000FA000000FAD6A15225.jpg)");
  });

  it("reads annotations with their author, an embedded sheet, and the master page's footer (Tika's ODT files)", async () => {
    const markdown = await read("odt/testODFwithOOo3.odt");
    expect(markdown).toMatch(/^# \*\*Apache Tika\*\* \[\^c1\]\*\*Test Document\*\*$/m);
    expect(markdown).toMatch(/^\[\^c1\]: \*\*Bart Hanssens:\*\* Tika is part of the Lucene project\.$/m);
    expect(markdown).toMatch(/^\[\^1\]: This is of course a simple footnote$/m);
    expect(markdown).toContain("| Number | Name |\n| --- | --- |\n| 1 | one embedded |");
    // An embedded object's stand-in picture is not a picture of the document.
    expect(markdown).not.toContain("ObjectReplacements");
    expect(await read("odt/testFooter.odt")).toBe("Here is some text...\n\nHere is some text on page 2\n\nHere is footer text");
  });
});

describe("RTF from the corpus (Tika's files)", () => {
  it("decodes text in the code page of its font's \\fcharset: Japanese (128), Czech (238) from WordPad and Word 2010", async () => {
    const japanese = await read("rtf/testRTFJapanese.rtf");
    expect(japanese).toContain("**ゾルゲと尾崎、淡々と最期**");
    expect(japanese).toContain("（ほつみ）の処刑記録が見つかった。");
    for (const file of ["rtf/testRTFWordPadCzechCharacters.rtf", "rtf/testRTFWord2010CzechCharacters.rtf"]) {
      const czech = await read(file);
      expect(czech, file).toContain("Článek týdne");
      expect(czech, file).toContain("Svitky od Mrtvého moře jsou starověké židovské náboženské texty");
    }
  });

  it("writes footnotes and annotations as markdown footnotes, reads a text box where it stands and the header and footer once", async () => {
    const markdown = await read("rtf/testRTFVarious.rtf");
    expect(markdown).toMatch(/^\[\^1\]: This is a footnote\.$/m);
    expect(markdown).toMatch(/^Here is a text box$/m);
    expect(markdown.split("This is the header text.").length - 1).toBe(1);
    expect(markdown.split("This is the footer text.").length - 1).toBe(1);
    expect(markdown.indexOf("This is the footer text.")).toBeGreaterThan(markdown.indexOf("[^1]: This is a footnote."));
    const annotated = await read("rtf/testRTF_annotation_spacing.rtf");
    expect(annotated).toContain("This is supercali[^c1]fragilistic");
    expect(annotated).toMatch(/^\[\^c1\]: \*\*Allison, Timothy B\.:\*\* This is a comment$/m);
  });
});

describe("legacy encodings from the corpus (charset_normalizer's files, whose true encoding it records)", () => {
  it("reads Mac Cyrillic, which the detector takes for windows-1251, as Cyrillic prose; windows-1253 and cp949 as written", async () => {
    const russian = await read("txt/sample-russian.txt");
    expect(russian).toContain("В гимназии он не был в числе первых учеников (исключение составляли математика и латынь).");
    expect(russian).toContain("Осенью 1895 г. Альберт Эйнштейн прибыл в Швейцарию");
    expect(await read("txt/sample-greek.txt")).toContain("Η ελληνική αποτελεί τη μητρική γλώσσα περίπου 12 εκατομμυρίων ανθρώπων");
    expect(await read("txt/sample-korean.txt")).toContain("역사적 예수 연구자들은 복음서나 사도들의 서신서 속의 교리적 예수가 아닌");
  });
});

describe("PDF from the corpus (Tika's files)", () => {
  it("reads a page's comments after its text, each led by its author", async () => {
    expect(await read("pdf/testAnnotations.pdf")).toBe("Here is some text.\n\n**Comments:**\n\n- **Michael McCandless:** Here is a comment");
  });

  it("reads a file attached to an annotation as an attachment of its own (an XLSX inside a PDF)", async () => {
    const markdown = await read("pdf/testPDFFileEmbInAnnotation.pdf");
    expect(markdown).toContain("This is embeded with Excel");
    expect(markdown).toContain("## Attachment: Excel.xlsx\n\n## Sheet1\n\n| This is a Excel |");
  });
});
