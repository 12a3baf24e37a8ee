/**
 * HTML: block elements end lines, `<br>` breaks them, tables keep rows and columns, definition terms and their
 * definitions become label and value lines, checkboxes become `[x]`/`[ ]`, and script, style, head and template
 * content is skipped, and so is navigation (`nav`, `role=navigation`). A table that contains tables is layout (an e-mail's or a letterhead's grid): its cells
 * are blocks of text, and only the tables inside it are read as tables. htmlparser2 reads the markup as browsers
 * do (implied end tags, entities). Headings, list items (nested), bold/italic/code/link runs, header rows,
 * column and row spans and images are kept in the model; the line view reads them as before.
 *
 * A web page's main content (`mainContent`) is read from its landmarks: inside `main` (or `role=main`) when
 * the page has one, else inside its `article`s, else the body; everywhere without the page's chrome (header and
 * footer outside the content, asides, banners, search, cookie and share boxes). Links and images are made
 * absolute against the page's URL (or its `<base href>`).
 */
import { appendRun, DocumentBuilder } from "../builder";
import type { DocumentModel, Run } from "../model";
import { walkXml } from "./xml";

const BLOCKS = new Set([
  "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
  "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
  "ol", "p", "pre", "section", "summary", "ul", "tbody", "thead", "tfoot",
]);
const SKIPPED = new Set(["script", "style", "head", "template", "noscript", "svg", "nav"]);
const SKIPPED_ROLES = new Set(["navigation"]);
/** A web page's chrome, left out of its main content. */
const CHROME_TAGS = new Set(["aside", "dialog", "form", "button", "select"]);
const CHROME_ROLES = new Set(["banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu", "menubar"]);
/** Class or id words of chrome boxes (never applied to the document's own elements or the content landmark). */
const CHROME_NAMES = /(^|[\s_-])(cookie|cookies|consent|gdpr|breadcrumbs?|sidebar|skip-?link|social|newsletter|advert|popup|modal)([\s_-]|$)/i;
const NEVER_CHROME = new Set(["html", "body", "main", "article"]);

export interface ReadHtmlOptions {
  /** Read a web page's main content only (see above). */
  mainContent?: boolean;
  /** The page's URL: relative links and image sources are resolved against it. */
  baseUrl?: string;
}

/** Where a page's main content is: the landmark to read inside, or none (the whole body). */
function contentLandmark(html: string): "main" | "article" | undefined {
  if (/<main[\s>]|\srole\s*=\s*["']?main["'\s>]/i.test(html)) return "main";
  if (/<article[\s>]/i.test(html)) return "article";
  return undefined;
}

function absoluteUrl(value: string, base: string | undefined): string {
  if (!base || !URL.canParse(value, base)) return value;
  return new URL(value, base).href;
}

/** The document-order numbers of the tables that contain other tables. */
function layoutTables(html: string, name: string): Set<number> {
  const layout = new Set<number>();
  const open: number[] = [];
  let count = 0;
  walkXml(
    html,
    {
      open(tag) {
        if (tag !== "table") return;
        // Marking the parent is enough: every table above it has a child table on the way down (and the walk stays
        // linear however deep tables nest).
        if (open.length > 0) layout.add(open.at(-1)!);
        open.push(count++);
      },
      close(tag) {
        if (tag === "table") open.pop();
      },
    },
    { name, xmlMode: false },
  );
  return layout;
}

interface OpenTable {
  layout: boolean;
  id: number;
  row: string[] | null;
  /** Per cell of the open row: its spans, and whether it is a header cell. */
  cells: { colSpan?: number; rowSpan?: number; header: boolean }[];
  inHead: boolean;
}

const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const BOLD = new Set(["b", "strong"]);
const ITALIC = new Set(["i", "em", "cite"]);

const spanAttribute = (value: string | undefined) => {
  const number = Number(value);
  return Number.isInteger(number) && number > 1 && number <= 1000 ? number : undefined;
};

export function readHtml(html: string, name: string, options: ReadHtmlOptions = {}): DocumentModel {
  const layout = layoutTables(html, name);
  const builder = new DocumentBuilder(name);
  const tables: OpenTable[] = [];
  let tableCount = 0;
  /** Open elements whose content is left out, and per open element whether it was one (htmlparser2 closes every element it opens). */
  let skipping = 0;
  const skipped: boolean[] = [];
  const landmark = options.mainContent ? contentLandmark(html) : undefined;
  /** Open content landmarks: with a landmark, only text inside one is read. */
  let inContent = 0;
  const contentOpened: boolean[] = [];
  let base = options.baseUrl;
  let runs: Run[] = [];
  const style = { bold: 0, italic: 0, code: 0, links: [] as string[] };
  /** Open headings and list items, innermost last (what the text being read is part of), and open lists. */
  const context: string[] = [];
  const lists: string[] = [];
  const pendingImages: { alt: string; src?: string }[] = [];
  /** Open blockquotes: the paragraphs read inside them are quotations. */
  let quotes = 0;

  /** The data table whose cell is being read, if any. */
  const cell = () => {
    const top = tables.at(-1);
    return top && !top.layout && top.row && top.row.length > 0 ? top : undefined;
  };
  const flush = () => {
    if (cell()) return;
    const kind = context.at(-1);
    if (kind && kind in HEADINGS) {
      builder.heading(HEADINGS[kind]!, runs);
    } else if (kind === "li") {
      builder.listItem(runs, Math.max(0, lists.length - 1), lists.at(-1) === "ol");
    } else {
      builder.text(runs, quotes);
    }
    runs = [];
    for (const image of pendingImages.splice(0)) builder.image(image.alt, image.src);
  };
  const append = (text: string) => {
    const table = cell();
    if (table) {
      table.row![table.row!.length - 1] += text;
      return;
    }
    const format: Omit<Run, "text"> = {
      ...(style.bold ? { bold: true } : {}),
      ...(style.italic ? { italic: true } : {}),
      ...(style.code ? { code: true } : {}),
      ...(style.links.length ? { link: style.links.at(-1)! } : {}),
    };
    appendRun(runs, text, format);
  };
  const breakLine = () => (cell() ? append(" ") : flush());

  walkXml(
    html,
    {
      open(tag, attributes) {
        const role = attributes.role?.toLowerCase();
        const isLandmark = landmark !== undefined && (tag === landmark || (landmark === "main" && role === "main"));
        contentOpened.push(isLandmark);
        if (isLandmark) inContent++;
        if (tag === "base" && attributes.href && base) base = absoluteUrl(attributes.href, base);
        const chrome =
          options.mainContent === true &&
          !isLandmark &&
          (CHROME_TAGS.has(tag) ||
            (role !== undefined && CHROME_ROLES.has(role)) ||
            ((tag === "header" || tag === "footer") && inContent === 0) ||
            (!NEVER_CHROME.has(tag) && CHROME_NAMES.test(`${attributes.class ?? ""} ${attributes.id ?? ""}`)));
        const skip = SKIPPED.has(tag) || (role !== undefined && SKIPPED_ROLES.has(role)) || chrome;
        skipped.push(skip);
        if (skip) skipping++;
        if (skipping || (landmark !== undefined && inContent === 0)) return;
        const top = tables.at(-1);
        if (BOLD.has(tag)) style.bold++;
        if (ITALIC.has(tag)) style.italic++;
        if (tag === "code") style.code++;
        if (tag === "a") style.links.push(attributes.href ? absoluteUrl(attributes.href, base) : "");
        // An inline `data:` image is the picture's bytes, not a place: only its alt text is kept.
        if (tag === "img" && !cell()) pendingImages.push({ alt: attributes.alt ?? "", ...(attributes.src && !/^\s*data:/i.test(attributes.src) ? { src: absoluteUrl(attributes.src, base) } : {}) });
        if (tag === "table") {
          flush();
          const isLayout = layout.has(tableCount++);
          tables.push({ layout: isLayout, id: isLayout ? 0 : builder.startTable(), row: null, cells: [], inHead: false });
        } else if ((tag === "tr" || tag === "td" || tag === "th") && top?.layout) {
          flush();
        } else if (tag === "thead" && top) {
          top.inHead = true;
        } else if (tag === "tr" && top) {
          top.row = [];
          top.cells = [];
        } else if ((tag === "td" || tag === "th") && top?.row) {
          top.row.push("");
          const colSpan = spanAttribute(attributes.colspan);
          const rowSpan = spanAttribute(attributes.rowspan);
          top.cells.push({ ...(colSpan ? { colSpan } : {}), ...(rowSpan ? { rowSpan } : {}), header: tag === "th" });
        } else if (tag === "input" && (attributes.type === "checkbox" || attributes.type === "radio")) {
          append("checked" in attributes ? " [x] " : " [ ] ");
        } else if (tag === "br" || BLOCKS.has(tag)) {
          breakLine();
        }
        if (tag in HEADINGS || tag === "li") context.push(tag);
        if (tag === "ul" || tag === "ol") lists.push(tag);
        if (tag === "blockquote") quotes++;
      },
      text(text) {
        if (!skipping && (landmark === undefined || inContent > 0)) append(text);
      },
      close(tag) {
        // A landmark's own end tag still ends its last block: it counts as inside until here.
        const closesLandmark = contentOpened.pop() === true;
        const outside = landmark !== undefined && inContent === 0;
        if (closesLandmark) inContent--;
        if (skipped.pop()) {
          skipping--;
          return;
        }
        if (skipping || outside) return;
        const top = tables.at(-1);
        if (tag === "table" && top) {
          if (top.layout) flush();
          tables.pop();
        } else if ((tag === "tr" || tag === "td" || tag === "th") && top?.layout) {
          flush();
        } else if (tag === "thead" && top) {
          top.inHead = false;
        } else if (tag === "tr" && top?.row) {
          const header = top.inHead || (top.cells.length > 0 && top.cells.every((cell) => cell.header));
          builder.row(top.row, top.id, { header, cells: top.cells.map(({ colSpan, rowSpan }) => ({ ...(colSpan ? { colSpan } : {}), ...(rowSpan ? { rowSpan } : {}) })) });
          top.row = null;
        } else if (BLOCKS.has(tag) && !cell()) {
          flush();
        }
        if (tag in HEADINGS || tag === "li") {
          const at = context.lastIndexOf(tag);
          if (at >= 0) context.splice(at, 1);
        }
        if ((tag === "ul" || tag === "ol") && lists.length > 0) lists.pop();
        if (tag === "blockquote") quotes = Math.max(0, quotes - 1);
        if (BOLD.has(tag)) style.bold = Math.max(0, style.bold - 1);
        if (ITALIC.has(tag)) style.italic = Math.max(0, style.italic - 1);
        if (tag === "code") style.code = Math.max(0, style.code - 1);
        if (tag === "a") style.links.pop();
      },
    },
    { name, xmlMode: false },
  );
  flush();
  return builder.finish({ detectTables: true });
}
