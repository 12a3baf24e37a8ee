/**
 * A web page's metadata, read from its markup in one pass (htmlparser2, as the HTML reader): the title,
 * description and language, Open Graph, Twitter cards, article and Dublin Core meta tags, parsed JSON-LD, the
 * outline of headings, links and images (absolute), feeds, favicons, alternate languages, the canonical URL,
 * assets, robots directives (meta and the X-Robots-Tag header) and a meta refresh. Every list keeps at most
 * MAX_METADATA_ENTRIES entries, and JSON-LD at most MAX_JSON_LD_BYTES of script text, so a page of 20 MB stays
 * a small answer.
 */
import { cleanText } from "./builder";
import { walkXml } from "./readers/xml";

export const MAX_METADATA_ENTRIES = 500;
export const MAX_JSON_LD_BYTES = 1024 * 1024;
/** JSON-LD nested deeper than this is left out (JSON.parse would recurse through it). */
const MAX_JSON_LD_DEPTH = 64;

export interface PageMetadata {
  page: { title?: string; description?: string; language?: string };
  open_graph: Record<string, string>;
  twitter: Record<string, string>;
  article: Record<string, string>;
  dublin_core: Record<string, string>;
  json_ld: Record<string, unknown>[];
  headings: { level: number; text: string }[];
  links: { url: string; text: string; rel?: string }[];
  images: { url: string; alt: string; width?: number; height?: number }[];
  assets: { url: string; type: "stylesheet" | "script" | "preload" }[];
  feeds: { url: string; type: string; title?: string }[];
  favicons: { url: string; rel: string; sizes?: string; type?: string }[];
  hreflang: { lang: string; url: string }[];
  canonical?: string;
  meta_refresh_url?: string;
  noindex_detected: boolean;
  nofollow_detected: boolean;
}

const FEED_TYPES = new Set(["application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"]);
const ICON_RELS = new Set(["icon", "shortcut icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon"]);
const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
/** Elements whose text is not part of the page (script text is read only for JSON-LD). */
const TEXTLESS = new Set(["script", "style", "noscript", "template", "svg"]);
/** JSON-LD keys that name nothing without their object's type. */
const GENERIC_KEYS = new Set(["name", "alternateName", "description", "url", "identifier", "value", "text", "id", "position", "image"]);

function absolute(value: string, base: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed || !URL.canParse(trimmed, base)) return undefined;
  const url = new URL(trimmed, base);
  return url.protocol === "javascript:" || url.protocol === "data:" ? undefined : url.href;
}

const dimension = (value: string | undefined) => {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : undefined;
};

/** Whether JSON text nests deeper than the limit (strings skipped): a linear scan before JSON.parse recurses. */
function nestsTooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") {
      if (++depth > MAX_JSON_LD_DEPTH) return true;
    } else if (char === "}" || char === "]") depth--;
  }
  return false;
}

/** Robots directives of a meta tag's content or an X-Robots-Tag header: `noindex, nofollow`, `none`. */
function robotsDirectives(value: string): { noindex: boolean; nofollow: boolean } {
  // A header may scope a directive to a bot (`googlebot: noindex`): any scope counts, the page asked for it.
  const words = value.toLowerCase().split(/[\s,:]+/);
  return { noindex: words.includes("noindex") || words.includes("none"), nofollow: words.includes("nofollow") || words.includes("none") };
}

export function readPageMetadata(html: string, name: string, pageUrl: string, headers?: Headers): PageMetadata {
  const metadata: PageMetadata = {
    page: {},
    open_graph: {},
    twitter: {},
    article: {},
    dublin_core: {},
    json_ld: [],
    headings: [],
    links: [],
    images: [],
    assets: [],
    feeds: [],
    favicons: [],
    hreflang: [],
    noindex_detected: false,
    nofollow_detected: false,
  };
  let base = pageUrl;
  let jsonLdBytes = 0;
  /** Text being collected: of the open title or headings, of the open links, of the open JSON-LD script. */
  const titles: { tag: string; text: string }[] = [];
  const anchors: { text: string; href?: string; rel?: string }[] = [];
  let jsonLd: string | null = null;
  let textless = 0;
  const push = <T>(list: T[], entry: T) => {
    if (list.length < MAX_METADATA_ENTRIES) list.push(entry);
  };
  const setOnce = (record: Record<string, string>, key: string, value: string) => {
    if (key && value && !(key in record) && Object.keys(record).length < MAX_METADATA_ENTRIES) record[key] = value;
  };
  const robots = (value: string) => {
    const directives = robotsDirectives(value);
    metadata.noindex_detected ||= directives.noindex;
    metadata.nofollow_detected ||= directives.nofollow;
  };
  const xRobots = headers?.get("X-Robots-Tag");
  if (xRobots) robots(xRobots);

  walkXml(
    html,
    {
      open(tag, attributes) {
        if (tag === "script" && attributes.type?.trim().toLowerCase() === "application/ld+json") {
          jsonLd = "";
          return;
        }
        if (TEXTLESS.has(tag)) textless++;
        const rel = attributes.rel?.trim().toLowerCase().replace(/\s+/g, " ");
        switch (tag) {
          case "html":
            if (attributes.lang) metadata.page.language ??= attributes.lang.trim();
            break;
          case "base": {
            const href = attributes.href && absolute(attributes.href, pageUrl);
            if (href) base = href;
            break;
          }
          case "title":
          case "h1":
          case "h2":
          case "h3":
          case "h4":
          case "h5":
          case "h6":
            titles.push({ tag, text: "" });
            break;
          case "a": {
            // Every anchor is pushed (closes pop one each); only those with a usable href become links.
            const href = attributes.href ? absolute(attributes.href, base) : undefined;
            anchors.push({ text: "", ...(href ? { href } : {}), ...(rel ? { rel } : {}) });
            break;
          }
          case "img": {
            const src = attributes.src ? absolute(attributes.src, base) : undefined;
            const width = dimension(attributes.width);
            const height = dimension(attributes.height);
            if (src) push(metadata.images, { url: src, alt: cleanText(attributes.alt ?? ""), ...(width ? { width } : {}), ...(height ? { height } : {}) });
            break;
          }
          case "script": {
            const src = attributes.src ? absolute(attributes.src, base) : undefined;
            if (src) push(metadata.assets, { url: src, type: "script" });
            break;
          }
          case "meta": {
            const key = (attributes.property ?? attributes.name ?? "").trim();
            const lower = key.toLowerCase();
            const content = cleanText(attributes.content ?? "");
            if (attributes["http-equiv"]?.toLowerCase() === "refresh") {
              const target = /url\s*=\s*['"]?([^'"]+)/i.exec(attributes.content ?? "")?.[1];
              const url = target ? absolute(target, base) : undefined;
              if (url) metadata.meta_refresh_url ??= url;
            } else if (lower.startsWith("og:")) setOnce(metadata.open_graph, lower.slice(3), content);
            else if (lower.startsWith("twitter:")) setOnce(metadata.twitter, lower.slice(8), content);
            else if (lower.startsWith("article:")) setOnce(metadata.article, lower.slice(8), content);
            else if (/^(dc|dcterms)\./.test(lower)) setOnce(metadata.dublin_core, lower.replace(/^(dc|dcterms)\./, ""), content);
            else if (lower === "description" && content) metadata.page.description ??= content;
            else if (lower === "robots" || lower === "lamina") robots(content);
            break;
          }
          case "link": {
            const href = attributes.href ? absolute(attributes.href, base) : undefined;
            if (!href || !rel) break;
            const type = attributes.type?.trim().toLowerCase();
            const rels = rel.split(" ");
            if (rels.includes("canonical")) metadata.canonical ??= href;
            if (rels.includes("alternate") && type && FEED_TYPES.has(type)) {
              push(metadata.feeds, { url: href, type, ...(attributes.title ? { title: cleanText(attributes.title) } : {}) });
            }
            if (rels.includes("alternate") && attributes.hreflang) push(metadata.hreflang, { lang: attributes.hreflang.trim(), url: href });
            if (ICON_RELS.has(rel) || rels.includes("icon")) {
              push(metadata.favicons, { url: href, rel, ...(attributes.sizes ? { sizes: attributes.sizes } : {}), ...(type ? { type } : {}) });
            }
            if (rels.includes("stylesheet")) push(metadata.assets, { url: href, type: "stylesheet" });
            else if (rels.includes("preload")) push(metadata.assets, { url: href, type: "preload" });
            break;
          }
        }
      },
      text(text) {
        if (jsonLd !== null) {
          jsonLd += text;
          return;
        }
        if (textless) return;
        // Link text inside a heading counts for both; only the innermost of each kind collects.
        const link = anchors.at(-1);
        const heading = titles.at(-1);
        if (link) link.text += text;
        if (heading) heading.text += text;
      },
      close(tag) {
        if (tag === "script" && jsonLd !== null) {
          readJsonLd(jsonLd);
          jsonLd = null;
          return;
        }
        if (TEXTLESS.has(tag)) textless = Math.max(0, textless - 1);
        if (tag === "a") {
          const anchor = anchors.pop();
          if (anchor?.href) push(metadata.links, { url: anchor.href, text: cleanText(anchor.text), ...(anchor.rel ? { rel: anchor.rel } : {}) });
        } else if (tag === "title" || tag in HEADINGS) {
          const entry = titles.pop();
          const text = cleanText(entry?.text ?? "");
          if (!text) return;
          if (tag === "title") metadata.page.title ??= text;
          else push(metadata.headings, { level: HEADINGS[tag]!, text });
        }
      },
    },
    { name, xmlMode: false },
  );
  return metadata;

  function readJsonLd(text: string): void {
    jsonLdBytes += text.length;
    if (jsonLdBytes > MAX_JSON_LD_BYTES || nestsTooDeep(text)) return;
    try {
      // Pages wrap JSON-LD in HTML comments or CDATA now and then.
      const parsed: unknown = JSON.parse(text.trim().replace(/^<!--|-->$/g, "").replace(/^\/\/<!\[CDATA\[|\/\/\]\]>$/g, ""));
      for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
        if (typeof item === "object" && item !== null && !Array.isArray(item)) push(metadata.json_ld, item as Record<string, unknown>);
      }
    } catch {
      // Invalid JSON-LD is the page's problem, not the request's: it is left out.
    }
  }
}

/**
 * The metadata's values as label/value rows, for extraction to weigh beside the page's text: JSON-LD flattened
 * (`Product name`, `Price`, `Price currency`), then the meta tags (`Title`, `Site name`, `Published time`). A
 * row's label is its key in words; a key that names nothing alone (`name`, `description`, `url`) is prefixed
 * with the object's `@type` (or its parent's key): `Product name`, `Brand name`.
 */
export function metadataRows(metadata: PageMetadata): [string, string][] {
  const rows: [string, string][] = [];
  const words = (key: string) =>
    key
      .replace(/^@/, "")
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .replace(/[_:.-]+/g, " ")
      .trim()
      .toLowerCase();
  const label = (...parts: string[]) => {
    const text = parts.filter(Boolean).join(" ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  const walk = (value: unknown, context: string, depth: number) => {
    if (rows.length >= MAX_METADATA_ENTRIES * 4 || depth > MAX_JSON_LD_DEPTH) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, context, depth + 1);
      return;
    }
    if (typeof value === "object" && value !== null) {
      const record = value as Record<string, unknown>;
      const type = typeof record["@type"] === "string" ? words(record["@type"]) : Array.isArray(record["@type"]) && typeof record["@type"][0] === "string" ? words(record["@type"][0]) : "";
      const own = type || context;
      for (const [key, child] of Object.entries(record)) {
        if (key.startsWith("@")) continue;
        if (typeof child === "object" && child !== null) walk(child, words(key), depth + 1);
        else if (child !== null && child !== undefined && String(child).trim()) {
          rows.push([GENERIC_KEYS.has(key) ? label(own, words(key)) : label(words(key)), cleanText(String(child))]);
        }
      }
    }
  };
  walk(metadata.json_ld, "", 0);
  const meta = (record: Record<string, string>) => {
    for (const [key, value] of Object.entries(record)) rows.push([label(words(key)), value]);
  };
  if (metadata.page.title) rows.push(["Title", metadata.page.title]);
  if (metadata.page.description) rows.push(["Description", metadata.page.description]);
  meta(metadata.open_graph);
  meta(metadata.article);
  meta(metadata.dublin_core);
  meta(metadata.twitter);
  return rows;
}
