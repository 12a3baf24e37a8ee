/**
 * Markup, notebooks, bibliographies, feeds and settings that other software wrote (pandoc, djot.js, nbformat, the
 * `feed` package, Typst's own templates, Vercel's docs), read through document to markdown: headings, lists,
 * code with its language, links and tables come out as markdown says them, with the MIME type of the format.
 */
import { describe, expect, it } from "vitest";
import { readLineDocuments } from "../../src/documents/lines";
import { toMarkdown } from "../../src/documents/markdown";
import { readDocuments } from "../../src/documents/readers";
import { convertDocument } from "../helpers/documents";
import { bytesOf } from "../helpers/images";

const fixtures = import.meta.glob<string>("../fixtures/markup/*.{org,rst,tex,dj,ipynb,bib,rss,atom,typ,toml,mdx}", { query: "?inline", import: "default", eager: true });

async function read(name: string, sendAs = name): Promise<{ markdown: string; mimeType: string }> {
  const res = await convertDocument(sendAs, bytesOf(fixtures[`../fixtures/markup/${name}`]!.replace(/^data:[^,]*,/, "")));
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  expect(res.spent).toBe(1);
  return { markdown: res.body.data.markdown, mimeType: res.body.data.mime_type };
}

/** What pandoc's (and djot.js's) rendering of test/fixtures/markup/source.md must keep, whatever the markup. */
const GUIDE_BODY = [
  "Lamina reads *every* file a **pipeline** sends. See [the docs](https://example.com/docs) for details.",
  "1. Clone the repository\n2. Run the set-up\n   - on Linux\n   - on macOS",
  "```python\ndef convert(path):\n    return open(path).read()\n```",
  "| Format | Reader |\n| --- | --- |\n| DOCX | docx.ts |\n| RTF | rtf.ts |",
  "Files up to `50 MB` are read.",
];

describe("lightweight markup and LaTeX", () => {
  it.each([
    ["guide.org", "text/x-org", ["# Field Guide to the Edge", "# Getting started", "## Install", "### Limits"]],
    ["guide.rst", "text/x-rst", ["# Field Guide to the Edge", "## Getting started", "### Install", "#### Limits"]],
    ["guide.tex", "application/x-latex", ["# Field Guide to the Edge", "## Getting started", "### Install", "#### Limits"]],
    ["guide.dj", "text/x-djot", ["# Getting started", "## Install", "### Limits"]],
  ])("reads %s as pandoc (or djot.js) wrote it: headings, emphasis, links, nested lists, code, tables", async (name, mimeType, headings) => {
    const { markdown, mimeType: answered } = await read(name);
    expect(answered).toBe(mimeType);
    for (const heading of headings) expect(markdown).toMatch(new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    for (const block of GUIDE_BODY) {
      // LaTeX's highlighted code keeps no language; the rest say python.
      expect(markdown, name).toContain(name === "guide.tex" ? block.replace("```python", "```") : block);
    }
    expect(markdown).not.toMatch(/PROPERTIES|CUSTOM_ID|\\begin|\{#install\}|:END:/);
  });

  it("reads a Typst paper: the template's title and abstract, headings, figure captions; code and placeholders left out", async () => {
    const { markdown, mimeType } = await read("charged-ieee.typ");
    expect(mimeType).toBe("text/x-typst");
    expect(markdown).toMatch(/^# A Typesetting System to Untangle the Scientific Writing Process\n\nThe process of scientific writing is often tangled up/);
    expect(markdown).toMatch(/^# Introduction$/m);
    expect(markdown).toMatch(/^## Paper overview$/m);
    expect(markdown).toMatch(/^# Methods$/m);
    expect(markdown).toContain("A circle representing the Sun.");
    expect(markdown).not.toMatch(/#lorem|#show|placement:|<sec:methods>/);
  });

  it("reads MDX as markdown, leaving out its imports and JSX tags (Vercel's AI SDK docs)", async () => {
    const { markdown, mimeType } = await read("completion.mdx");
    expect(mimeType).toBe("text/mdx");
    expect(markdown).toMatch(/^# Completion$/m);
    expect(markdown).toMatch(/^## Example$/m);
    expect(markdown).toContain("```tsx\n'use client';");
    expect(markdown).not.toMatch(/^<Note>/m);
  });

  it("reads BibTeX as one section per entry with a table of its fields (pandoc's writer)", async () => {
    const { markdown, mimeType } = await read("refs.bib");
    expect(mimeType).toBe("application/x-bibtex");
    expect(markdown).toContain("## knuth1984\n\n| Field | Value |\n| --- | --- |\n| type | book |\n| author | Knuth, Donald E. |\n| publisher | Addison-Wesley |\n| title | The TeXbook |\n| year | 1984 |");
    expect(markdown).toContain("| publisher | Technische Universität Berlin |");
  });
});

describe("the Markdown reader (notebooks' markdown cells, and what extraction reads of a .md file)", () => {
  it("reads emphasis inside emphasis and a bold label; lines written per field stay lines for extraction", async () => {
    const bytes = new TextEncoder().encode("**Reference:** R-77 and *nested **bold** text* and snake_case_name\nTotal: 306,13 €\n");
    const [document] = await readDocuments(bytes, "note.md");
    expect(toMarkdown(document!)).toBe("**Reference:** R-77 and *nested* ***bold*** *text* and snake\\_case\\_name Total: 306,13 €");
    const [lines] = await readLineDocuments(bytes, "note.md");
    expect(lines!.lines.map((line) => line.cells.join(" | "))).toEqual(["Reference: R-77 and nested bold text and snake_case_name", "Total: 306,13 €"]);
  });
});

describe("notebooks, feeds and settings", () => {
  it("reads a Jupyter notebook: markdown cells as markdown, code fenced in the kernel's language, outputs after (nbformat's writer)", async () => {
    const { markdown, mimeType } = await read("sales.ipynb");
    expect(mimeType).toBe("application/x-ipynb+json");
    expect(markdown).toBe(
      "# Sales by region\n\nQuarterly totals from the **regional** ledgers.\n\n" +
        "```python\ntotals = {'north': 1200, 'south': 950}\nfor region, total in totals.items():\n    print(region, total)\n```\n\n```\nnorth 1200\nsouth 950\n```\n\n" +
        "```python\nsum(totals.values())\n```\n\n```\n2150\n```\n\n## Notes\n\n- Figures are in EUR\n- Refunds are excluded\n\n" +
        "```python\n1 / 0\n```\n\n```\nZeroDivisionError: division by zero\n```",
    );
    // Sent as .json, a notebook is still read as one.
    expect((await read("sales.ipynb", "sales.json")).markdown).toContain("```python\nsum(totals.values())\n```");
  });

  it.each(["releases.rss", "releases.atom"])("reads the %s feed: the channel as #, each item as ## with its link, date and HTML content as markdown", async (name) => {
    const { markdown } = await read(name);
    expect(markdown).toMatch(/^# Lamina release notes\n\nWhat changed in Lamina, release by release\./);
    expect(markdown).toContain("## [Word 97 documents are read](https://lamina.example/releases/29)");
    expect(markdown).toMatch(/\*(Tue, 01 Dec 2026 09:00:00 GMT|2026-12-01T09:00:00\.000Z)\*/);
    expect(markdown).toContain("Word 97–2003 documents are read through their **piece table**.\n\n- Headings from styles\n- Lists with their labels\n\nSee [the docs](https://lamina.example/docs/doc).");
    expect(markdown).toContain("## [Footnotes in DOCX](https://lamina.example/releases/30)");
    expect(markdown).toContain("Footnotes, endnotes and comments are *markdown footnotes*.");
    expect(markdown).not.toMatch(/&lt;|<p>|CDATA/);
  });

  it("reads TOML through its tables, keys as written (Typst's package manifest)", async () => {
    const { markdown, mimeType } = await read("typst.toml");
    expect(mimeType).toBe("application/toml");
    expect(markdown).toContain("package name   charged-ieee");
    expect(markdown).toContain("package keywords   Institute of Electrical and Electronics Engineers, IEEE");
    expect(markdown).toContain("template entrypoint   main.typ");
  });

  it("refuses TOML that does not parse with a 422 naming the file, charging nothing", async () => {
    const res = await convertDocument("broken.toml", new TextEncoder().encode("[package\nname = 1\n"));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^broken\.toml: the file is not valid TOML/);
    expect(res.spent).toBe(0);
  });
});
