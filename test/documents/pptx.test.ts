/**
 * PowerPoint presentations PowerPoint wrote (Apache Tika's test files), read through document to markdown: what
 * Tika's own tests assert is found, in the shape a reader expects: slides in order with their titles, bullets,
 * tables, charts and SmartArt, then speaker notes and comments per slide, then the headers, footers and master
 * text that repeat on every page, once.
 */
import { describe, expect, it } from "vitest";
import { markdownOf } from "../helpers/documents";
import { bytesOf } from "../helpers/images";

const fixtures = import.meta.glob<string>("../fixtures/pptx/*.pptx", { query: "?inline", import: "default", eager: true });
const read = (name: string) => markdownOf(name, bytesOf(fixtures[`../fixtures/pptx/${name}`]!.replace(/^data:[^,]*,/, "")));

describe("PPTX as PowerPoint shows it", () => {
  it("reads each slide's title, bullets and table, then its speaker notes and its comments with their authors", async () => {
    const markdown = await read("testPPT_various2.pptx");
    expect(markdown).toContain("## Slide2Header\n\n- FirstBullet\n- SecondBullet\n- tika\\_hyperlink\n\nSlide2TextBox");
    expect(markdown).toContain("| R1c1 | R1c2 | r1c3 |");
    expect(markdown).toContain("**Notes:**\n\nNotesForSlide2\n\nNotesWordArtPage2\n\n| NotesTableSlide2 |");
    expect(markdown).toContain("**Notes:**\n\nNotes for slide3");
    expect(markdown).toContain("**Comments:**\n\n- **Timothy Allison:** This is a comment\n- **Timothy Allison:** This is a reply to the initial comment");
    expect(markdown).toContain("- **Timothy Allison:** Slide2Comment");
    // Slides keep the presentation's order: slide 10 comes after slide 2, though "slide10.xml" sorts before it.
    expect(markdown.indexOf("## Slide2Header")).toBeLessThan(markdown.indexOf("## Slide 10"));
  });

  it("reads a chart as its title and a table of its data, and SmartArt as a list", async () => {
    const markdown = await read("testPPT_various2.pptx");
    expect(markdown).toContain("**SLIDE3ChartTitle**\n\n|  | Category 1 | Category 2 | Category 3 | Category 4 |\n| --- | --- | --- | --- | --- |\n| Series 1 | 4.3 | 2.5 | 3.5 | 4.5 |");
    expect(markdown).toContain("- SmartList1\n- SmartList2");
    const groups = await read("testPPT_groups.pptx");
    expect(groups).toContain("- smart1\n- smart2\n- Smart3\n- smart4\n- Smart5");
    for (const text of ["Text box1", "Text box5 tika link", "WordArt1", "Ungrouped text box"]) expect(groups).toContain(text);
  });

  it("writes the headers, footers and master text of every page once, after the slides, without slide numbers or master prompts", async () => {
    const markdown = await read("testPPT_various2.pptx");
    for (const text of ["NotesMasterHeader", "NotesMasterFooter", "HandoutHeader1", "HandoutFooter1", "TextBoxInHandOut", "MASTERTEXTBOX"]) {
      expect(markdown.split(text).length - 1, text).toBe(1);
      expect(markdown.indexOf(text), text).toBeGreaterThan(markdown.indexOf("## Slide 10"));
    }
    expect(markdown).not.toContain("Click to edit Master");
    expect(markdown).not.toContain("‹#›");
    expect(await read("testPPT_masterText.pptx")).toContain("Text that I added to the master slide");
  });
});
