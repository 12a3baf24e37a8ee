/**
 * The DOCX parts beside `document.xml` that say what its paragraphs are: `styles.xml` (a heading is a style whose
 * *name* is `heading N` or `Title`, or whose outline level is set, through `basedOn` chains: a localized Word writes
 * style ids like `1` or `a3`, never `Heading1`), `numbering.xml` (a list item's label, `1.`, `a)`, `iv.` or a bullet,
 * counted per list and level with restarts, as Word numbers them) and the relationships (a hyperlink's target).
 */
import { formatNumber } from "./list-labels";
import { walkXml } from "./xml";

interface Style {
  name?: string;
  basedOn?: string;
  /** `w:outlineLvl`, 0 for a first-level heading; 9 is body text. */
  outline?: number;
  numId?: string;
  ilvl?: number;
}

export type Styles = Map<string, Style>;

/** The styles of `styles.xml` by id. */
export function readStyles(xml: string | undefined, name: string): Styles {
  const styles: Styles = new Map();
  if (!xml) return styles;
  let current: Style | undefined;
  walkXml(
    xml,
    {
      open(tag, attributes) {
        if (tag === "w:style" && attributes["w:styleId"]) {
          current = {};
          styles.set(attributes["w:styleId"], current);
        } else if (!current) {
          return;
        } else if (tag === "w:name") {
          current.name = attributes["w:val"];
        } else if (tag === "w:basedOn") {
          current.basedOn = attributes["w:val"];
        } else if (tag === "w:outlineLvl") {
          current.outline = Number(attributes["w:val"]);
        } else if (tag === "w:numId") {
          current.numId = attributes["w:val"];
        } else if (tag === "w:ilvl") {
          current.ilvl = Number(attributes["w:val"]) || 0;
        }
      },
      close(tag) {
        if (tag === "w:style") current = undefined;
      },
    },
    { name },
  );
  return styles;
}

/** The style and those it is based on, nearest first (a cycle or a long chain stops the walk). */
function chain(styles: Styles, id: string | undefined): Style[] {
  const found: Style[] = [];
  for (let hop = 0; id !== undefined && hop < 20; hop++) {
    const style = styles.get(id);
    if (!style || found.includes(style)) break;
    found.push(style);
    id = style.basedOn;
  }
  return found;
}

/** The heading level (1–6) a paragraph style gives, from its name or outline level along its `basedOn` chain. */
export function styleHeadingLevel(styles: Styles, id: string | undefined): number | undefined {
  if (id === undefined) return undefined;
  // A style id that is itself a heading's name (files written without styles.xml, by other software).
  const byId = /^(?:heading\s?(\d)|(title))$/i.exec(id);
  for (const style of chain(styles, id)) {
    const named = /^(?:heading\s?(\d)|(title))$/i.exec(style.name ?? "");
    if (named) return named[2] ? 1 : Math.min(6, Number(named[1]));
    if (style.outline !== undefined && style.outline >= 0 && style.outline < 9) return Math.min(6, style.outline + 1);
  }
  if (byId) return byId[2] ? 1 : Math.min(6, Number(byId[1]));
  return undefined;
}

/** The numbering a paragraph style carries (a list style applied as a paragraph style). */
export function styleNumbering(styles: Styles, id: string | undefined): { numId: string; ilvl: number } | undefined {
  for (const style of chain(styles, id)) {
    if (style.numId !== undefined) return { numId: style.numId, ilvl: style.ilvl ?? 0 };
  }
  return undefined;
}

interface Level {
  format: string;
  text: string;
  start: number;
  /** Legal numbering (`w:isLgl`): every level's number in the label is decimal. */
  legal?: boolean;
}

interface Num {
  abstract: string;
  /** Per level, a start (`w:startOverride`) or a whole level definition (`w:lvl`) that replaces the list's. */
  starts: Map<number, number>;
  levels: Map<number, Level>;
}

const numberOr = (value: string | undefined, fallback: number) => (value !== undefined && Number.isFinite(Number(value)) ? Number(value) : fallback);

/**
 * The lists of `numbering.xml`, and the counters a document's list items advance as they are read. Lists that
 * share an abstract definition count on together, as Word counts them, unless one overrides a level: that one
 * counts on its own.
 */
export class Numbering {
  private readonly abstracts = new Map<string, Map<number, Level>>();
  private readonly nums = new Map<string, Num>();
  private readonly counters = new Map<string, number[]>();

  constructor(xml: string | undefined, name: string) {
    if (!xml) return;
    let levels: Map<number, Level> | undefined;
    let level: Level | undefined;
    let num: Num | undefined;
    let override: number | undefined;
    walkXml(
      xml,
      {
        open: (tag, attributes) => {
          if (tag === "w:abstractNum") {
            levels = new Map();
            this.abstracts.set(attributes["w:abstractNumId"] ?? "", levels);
          } else if (tag === "w:num") {
            num = { abstract: "", starts: new Map(), levels: new Map() };
            this.nums.set(attributes["w:numId"] ?? "", num);
          } else if (tag === "w:lvl" && (levels || (num && override !== undefined))) {
            // A level that states no start starts at 0, as Word reads it.
            level = { format: "decimal", text: "", start: 0 };
            if (levels) levels.set(Number(attributes["w:ilvl"]) || 0, level);
            else num!.levels.set(override!, level);
          } else if (tag === "w:abstractNumId" && num) {
            num.abstract = attributes["w:val"] ?? "";
          } else if (tag === "w:lvlOverride" && num) {
            override = Number(attributes["w:ilvl"]) || 0;
          } else if (tag === "w:startOverride" && num && override !== undefined) {
            num.starts.set(override, numberOr(attributes["w:val"], 1));
          } else if (level && tag === "w:numFmt") {
            level.format = attributes["w:val"] ?? "decimal";
          } else if (level && tag === "w:lvlText") {
            level.text = attributes["w:val"] ?? "";
          } else if (level && tag === "w:start") {
            level.start = numberOr(attributes["w:val"], 1);
          } else if (level && tag === "w:isLgl") {
            level.legal = attributes["w:val"] !== "0" && attributes["w:val"] !== "false";
          }
        },
        close: (tag) => {
          if (tag === "w:lvl") level = undefined;
          else if (tag === "w:abstractNum") levels = undefined;
          else if (tag === "w:num") num = undefined;
          else if (tag === "w:lvlOverride") override = undefined;
        },
      },
      { name },
    );
  }

  /**
   * The next item of list `numId` at level `ilvl`: its label (undefined for a bullet) and whether the list is
   * ordered. Deeper levels restart when a shallower one advances.
   */
  next(numId: string, ilvl: number): { ordered: boolean; label?: string } | undefined {
    const num = this.nums.get(numId);
    const abstract = num && this.abstracts.get(num.abstract);
    if (!num || !abstract || numId === "0") return undefined;
    const levelAt = (at: number) => num.levels.get(at) ?? abstract.get(at);
    const level = levelAt(ilvl);
    if (!level || level.format === "bullet") return { ordered: false };
    const key = num.starts.size > 0 || num.levels.size > 0 ? `num:${numId}` : `abstract:${num.abstract}`;
    const counters = this.counters.get(key) ?? [];
    this.counters.set(key, counters);
    const startOf = (at: number) => num.starts.get(at) ?? levelAt(at)?.start ?? 1;
    for (let at = 0; at < ilvl; at++) counters[at] ??= startOf(at);
    counters[ilvl] = counters[ilvl] === undefined ? startOf(ilvl) : counters[ilvl]! + 1;
    counters.length = ilvl + 1;
    const label = level.text.replace(/%(\d)/g, (_, n: string) => {
      const at = Number(n) - 1;
      const format = level.legal ? "decimal" : levelAt(at)?.format ?? "decimal";
      // A bullet level inside a numbered label adds nothing.
      if (format === "bullet") return "";
      return formatNumber(counters[at] ?? startOf(at), format);
    });
    return { ordered: true, ...(label.trim() ? { label: label.trim() } : {}) };
  }
}
