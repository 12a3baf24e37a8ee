/**
 * PPTX: one section a slide, in the presentation's order. A slide's title placeholder is a level-2 heading
 * (`Slide N` when it has none); the paragraphs of its body placeholders are list items (PowerPoint bullets them)
 * nested by their `lvl`, other text boxes' paragraphs are paragraphs, in the order the slide lists its shapes
 * (grouped shapes inside their group); bold and italic runs are kept. Then its pictures as `![alt text](media
 * path)`, the slide's SmartArt text as a list, its
 * tables (the first row the header), its charts (title and a table of the cached data), its speaker notes under
 * **Notes:** and its comments under **Comments:**, each led by its author.
 *
 * Headers, footers and dates (of slides, notes pages and handouts) and the text boxes a master or a layout adds to
 * every slide come last, each distinct text once. Slide numbers and the masters' prompt text ("Click to edit Master title style")
 * are not read.
 */
import { ApiError } from "../../errors";
import { appendRun, DocumentBuilder } from "../builder";
import type { DocumentModel, Run } from "../model";
import { readChart, writeChart } from "./chart";
import { readRelationships, relationshipsPath, resolveTarget, unzipParts, type Relationships } from "./ooxml";
import { walkXml } from "./xml";

const PARTS = /^ppt\/(presentation\.xml|_rels\/presentation\.xml\.rels|commentAuthors\.xml|authors\.xml|(slides|notesSlides|comments|slideMasters|slideLayouts|notesMasters|handoutMasters)\/[^/]+\.xml|slides\/_rels\/[^/]+\.rels|charts\/chart\d+\.xml|diagrams\/data\d+\.xml)$/;
/** Placeholders that repeat on every page: collected and written once at the end. */
const FURNITURE = new Set(["hdr", "ftr", "dt"]);

interface Paragraph {
  runs: Run[];
  level: number;
  bulleted: boolean;
}

/** What a slide-like part (a slide, a notes page, a master) holds. */
interface PartText {
  title: Run[] | null;
  /** The paragraphs of its text shapes other than the title: body placeholders' and free text boxes'. */
  paragraphs: Paragraph[];
  /** The paragraphs of shapes that are no placeholder (a master's own text). */
  free: Paragraph[];
  furniture: string[];
  tables: string[][][];
  /** Relationship ids of its charts and of its SmartArt diagrams' data. */
  charts: string[];
  diagrams: string[];
  /** Pictures: their alt text and the relationship id of their image. */
  pictures: { alt: string; id?: string }[];
}

interface Presentation {
  name: string;
  parts: Record<string, string>;
  authors: Map<string, string>;
  furniture: Set<string>;
  /** The layouts the slides are laid out on. */
  layouts: Set<string>;
}

export function readPptx(bytes: Uint8Array, name: string): DocumentModel {
  const parts = unzipParts(bytes, name, (path) => PARTS.test(path));
  const slides = slideOrder(parts, name);
  if (slides.length === 0) throw new ApiError(422, `${name}: the file is not a readable PPTX presentation (it has no slides)`);
  const deck: Presentation = { name, parts, authors: commentAuthors([parts["ppt/commentAuthors.xml"], parts["ppt/authors.xml"]], name), furniture: new Set(), layouts: new Set() };
  const builder = new DocumentBuilder(name);
  slides.forEach((path, index) => writeSlide(deck, path, index, builder));
  // What a slide master or a layout the slides use adds to every slide: its own text boxes. Notes pages and
  // handouts print their master's header, footer and date too.
  const masters = Object.keys(parts).filter((one) => /^ppt\/(slideMasters|notesMasters|handoutMasters)\/[^/]+\.xml$/.test(one)).sort();
  for (const path of [...masters, ...[...deck.layouts].sort(byNumber)]) {
    const master = readPart(parts[path]!, name);
    for (const paragraph of master.free) deck.furniture.add(runsOf(paragraph));
    if (/notesMasters|handoutMasters/.test(path)) for (const text of master.furniture) deck.furniture.add(text);
  }
  for (const text of deck.furniture) builder.text(text);
  return builder.finish();
}

const runsOf = (paragraph: Paragraph) => paragraph.runs.map((run) => run.text).join("").trim();
const byNumber = (a: string, b: string) => Number(/(\d+)\.xml$/.exec(a)?.[1] ?? 0) - Number(/(\d+)\.xml$/.exec(b)?.[1] ?? 0);

/** The slides in the presentation's order (`p:sldIdLst`), or by their file number when it cannot be read. */
function slideOrder(parts: Record<string, string>, name: string): string[] {
  const files = Object.keys(parts).filter((path) => /^ppt\/slides\/[^/]+\.xml$/.test(path)).sort(byNumber);
  const relationships = readRelationships(parts["ppt/_rels/presentation.xml.rels"], name);
  const ordered: string[] = [];
  if (parts["ppt/presentation.xml"]) {
    walkXml(parts["ppt/presentation.xml"], {
      open(tag, attributes) {
        const target = tag === "p:sldId" ? relationships.get(attributes["r:id"] ?? "")?.target : undefined;
        const path = target === undefined ? undefined : resolveTarget("ppt/presentation.xml", target);
        if (path && parts[path] !== undefined && !ordered.includes(path)) ordered.push(path);
      },
    }, { name });
  }
  return ordered.length > 0 ? ordered : files;
}

function writeSlide(deck: Presentation, path: string, index: number, builder: DocumentBuilder): void {
  const slide = readPart(deck.parts[path]!, deck.name);
  const relationships = readRelationships(deck.parts[relationshipsPath(path)], deck.name);
  builder.heading(2, slide.title ?? [{ text: `Slide ${index + 1}` }]);
  writeParagraphs(slide.paragraphs, builder);
  for (const text of slide.furniture) deck.furniture.add(text);
  writeGraphics(deck, path, slide, relationships, builder);
  const related = (type: string) => [...relationships.values()].filter((one) => one.type === type).map((one) => resolveTarget(path, one.target));
  for (const layout of related("slideLayout")) if (deck.parts[layout] !== undefined) deck.layouts.add(layout);
  for (const notesPath of related("notesSlide")) {
    const notes = deck.parts[notesPath] === undefined ? undefined : readPart(deck.parts[notesPath], deck.name, false);
    if (!notes) continue;
    for (const text of notes.furniture) deck.furniture.add(text);
    if (notes.paragraphs.length === 0 && notes.tables.length === 0) continue;
    builder.text([{ text: "Notes:", bold: true }]);
    writeParagraphs(notes.paragraphs, builder);
    writeTables(notes.tables, builder);
  }
  const comments = related("comments").flatMap((commentsPath) => readComments(deck, commentsPath));
  if (comments.length > 0) {
    builder.text([{ text: "Comments:", bold: true }]);
    for (const comment of comments) builder.listItem(comment, 0, false);
  }
}

function writeParagraphs(paragraphs: Paragraph[], builder: DocumentBuilder): void {
  for (const paragraph of paragraphs) {
    if (paragraph.bulleted) builder.listItem(paragraph.runs, paragraph.level, false);
    else builder.text(paragraph.runs);
  }
}

function writeTables(tables: string[][][], builder: DocumentBuilder): void {
  for (const rows of tables) {
    const table = builder.startTable();
    rows.forEach((cells, i) => builder.row(cells, table, { header: i === 0 }));
  }
}

/** A slide's SmartArt text (a list), its tables and its charts. */
function writeGraphics(deck: Presentation, path: string, slide: PartText, relationships: Relationships, builder: DocumentBuilder): void {
  const partOf = (id: string) => {
    const target = relationships.get(id)?.target;
    return target === undefined ? undefined : deck.parts[resolveTarget(path, target)];
  };
  for (const picture of slide.pictures) {
    const target = picture.id === undefined ? undefined : relationships.get(picture.id)?.target;
    builder.image(picture.alt, target === undefined ? undefined : resolveTarget(path, target).replace(/^ppt\//, ""));
  }
  for (const id of slide.diagrams) {
    const data = partOf(id);
    if (data) for (const text of diagramTexts(data, deck.name)) builder.listItem([{ text }], 0, false);
  }
  writeTables(slide.tables, builder);
  for (const id of slide.charts) {
    const xml = partOf(id);
    const chart = xml === undefined ? undefined : readChart(xml, deck.name);
    if (!chart) continue;
    writeChart(builder, chart);
  }
}

/** The text of a slide, notes page or master, by the kind of shape that holds it. */
function readPart(xml: string, name: string, bulletBodies = true): PartText {
  const part: PartText = { title: null, paragraphs: [], free: [], furniture: [], tables: [], charts: [], diagrams: [], pictures: [] };
  let picture: PartText["pictures"][number] | null = null;
  /** The open shape's placeholder type (`""` for a body placeholder with no type), or null when it is none. */
  let placeholder: string | null = null;
  let runs: Run[] = [];
  let level = 0;
  let bulleted = false;
  let format: { bold?: boolean; italic?: boolean } = {};
  let inText = false;
  let table: string[][] | null = null;
  let row: string[] | null = null;
  let cell: string | null = null;
  const isBody = () => placeholder !== null && /^(body|obj|subTitle|)$/.test(placeholder);
  const endParagraph = () => {
    const text = runs.map((run) => run.text).join("").trim();
    if (!text) return;
    if (placeholder === "title" || placeholder === "ctrTitle") part.title = [...(part.title ?? []), ...(part.title ? [{ text: " " }] : []), ...runs];
    else if (placeholder !== null && FURNITURE.has(placeholder)) part.furniture.push(text);
    else if (placeholder === "sldNum" || placeholder === "sldImg") return;
    else {
      const paragraph = { runs, level, bulleted: bulleted || level > 0 };
      part.paragraphs.push(paragraph);
      if (placeholder === null) part.free.push(paragraph);
    }
  };
  walkXml(
    xml,
    {
      open(tag, attributes) {
        if (tag === "p:sp") placeholder = null;
        else if (tag === "p:ph") placeholder = attributes.type ?? "";
        else if (tag === "a:p") {
          runs = [];
          level = Number(attributes.lvl ?? 0) || 0;
          bulleted = bulletBodies && isBody() && placeholder !== "subTitle";
        } else if (tag === "a:pPr") level = Math.min(8, Number(attributes.lvl ?? 0) || 0);
        else if (tag === "a:buNone") bulleted = false;
        else if (tag === "a:buChar" || tag === "a:buAutoNum") bulleted = true;
        else if (tag === "a:r") format = {};
        else if (tag === "a:rPr") format = { ...(attributes.b === "1" ? { bold: true } : {}), ...(attributes.i === "1" ? { italic: true } : {}) };
        else if (tag === "a:t") inText = true;
        else if (tag === "a:tbl") table = [];
        else if (tag === "a:tr") row = [];
        else if (tag === "a:tc") cell = "";
        else if (tag === "p:pic") picture = { alt: "" };
        else if (tag === "p:cNvPr" && picture) picture.alt = (attributes.descr || attributes.title || "").trim();
        else if (tag === "a:blip" && picture && attributes["r:embed"]) picture.id = attributes["r:embed"];
        else if (tag === "c:chart" && attributes["r:id"]) part.charts.push(attributes["r:id"]);
        else if (tag === "dgm:relIds" && attributes["r:dm"]) part.diagrams.push(attributes["r:dm"]);
      },
      text(text) {
        if (!inText) return;
        if (cell !== null) cell += text;
        else appendRun(runs, text, format);
      },
      close(tag) {
        if (tag === "a:t") inText = false;
        else if (tag === "a:p" && cell !== null) cell += " ";
        else if (tag === "a:p") endParagraph();
        else if (tag === "a:tc") {
          row?.push((cell ?? "").trim());
          cell = null;
        } else if (tag === "a:tr" && row) {
          table?.push(row);
          row = null;
        } else if (tag === "a:tbl" && table) {
          if (table.length > 0) part.tables.push(table);
          table = null;
        } else if (tag === "p:sp") placeholder = null;
        else if (tag === "p:pic" && picture) {
          part.pictures.push(picture);
          picture = null;
        }
      },
    },
    { name },
  );
  return part;
}

/** The text of a SmartArt diagram's nodes, in its data's order (connections and presentation points hold none). */
function diagramTexts(xml: string, name: string): string[] {
  const texts: string[] = [];
  let node = false;
  let inText = false;
  let text = "";
  walkXml(xml, {
    open(tag, attributes) {
      if (tag === "dgm:pt") node = attributes.type === undefined || attributes.type === "node";
      else if (tag === "a:t") inText = true;
      else if (tag === "a:p") text = "";
    },
    text(chunk) {
      if (node && inText) text += chunk;
    },
    close(tag) {
      if (tag === "a:t") inText = false;
      else if (tag === "a:p" && node && text.trim()) texts.push(text.trim());
      else if (tag === "dgm:pt") node = false;
    },
  }, { name });
  return texts;
}

/** The names of the people who commented, by author id (`commentAuthors.xml`, and `authors.xml` of modern comments). */
function commentAuthors(parts: (string | undefined)[], name: string): Map<string, string> {
  const authors = new Map<string, string>();
  for (const xml of parts) {
    if (!xml) continue;
    walkXml(xml, { open: (tag, attributes) => void (/:(cmAuthor|author)$/.test(tag) && attributes.id && authors.set(attributes.id, attributes.name ?? "")) }, { name });
  }
  return authors;
}

/** A slide's comments, each as its author (bold) and text. */
function readComments(deck: Presentation, path: string): Run[][] {
  const xml = deck.parts[path];
  if (!xml) return [];
  const comments: Run[][] = [];
  let author = "";
  let text: string | null = null;
  let inText = false;
  walkXml(xml, {
    open(tag, attributes) {
      if (/:cm$/.test(tag)) [author, text] = [deck.authors.get(attributes.authorId ?? "") ?? "", ""];
      else if (tag === "p:text" || tag === "a:t") inText = true;
    },
    text(chunk) {
      if (inText && text !== null) text += chunk;
    },
    close(tag) {
      if (tag === "p:text" || tag === "a:t") inText = false;
      else if (/:cm$/.test(tag) && text?.trim()) {
        comments.push([...(author ? [{ text: `${author}: `, bold: true }] : []), { text: text.trim() }]);
        text = null;
      }
    },
  }, { name: deck.name });
  return comments;
}
