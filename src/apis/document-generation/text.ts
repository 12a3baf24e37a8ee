/**
 * A paragraph's text as every renderer takes it: lines (paragraphs, list items, headings of its markdown) of
 * spans with a weight, italics and a link. `runs` are one line; `markdown` is read by marked's lexer (CommonMark
 * with GFM): `**bold**`, `*italic*`, `[links](url)`, `` `code` ``, line breaks, nested lists and headings.
 */
import { marked, type Token, type Tokens } from "marked";
import type { FontWeightName } from "../../graphics/fonts";
import type { Block } from "./schema";

export interface Span {
  text: string;
  weight?: FontWeightName;
  italic?: boolean;
  link?: string;
}

export interface TextLine {
  spans: Span[];
  /** A list item's marker (`•`, `1.`) and depth, from markdown. */
  marker?: string;
  depth?: number;
  /** A markdown heading: set bold. */
  heading?: boolean;
}

/** Inline tokens → spans, the formatting of the tokens around them carried in. */
function inlineSpans(tokens: readonly Token[] | undefined, format: Omit<Span, "text">, out: Span[]): Span[] {
  for (const token of tokens ?? []) {
    switch (token.type) {
      case "strong":
        inlineSpans((token as Tokens.Strong).tokens, { ...format, weight: "bold" }, out);
        break;
      case "em":
        inlineSpans((token as Tokens.Em).tokens, { ...format, italic: true }, out);
        break;
      case "link":
        inlineSpans((token as Tokens.Link).tokens, { ...format, link: (token as Tokens.Link).href }, out);
        break;
      case "br":
        out.push({ text: "\n", ...format });
        break;
      case "codespan":
      case "escape":
        out.push({ text: (token as Tokens.Codespan).text, ...format });
        break;
      default:
        if ("tokens" in token && token.tokens?.length) inlineSpans(token.tokens, format, out);
        else if ("text" in token && typeof token.text === "string") out.push({ text: token.text.replace(/\n/g, " "), ...format });
    }
  }
  return out;
}

function blockLines(tokens: readonly Token[], depth: number, lines: TextLine[]): void {
  for (const token of tokens) {
    if (token.type === "paragraph" || token.type === "text") {
      lines.push({ spans: inlineSpans((token as Tokens.Paragraph).tokens ?? [{ type: "text", raw: token.raw, text: (token as Tokens.Text).text }], {}, []) });
    } else if (token.type === "heading") {
      lines.push({ spans: inlineSpans((token as Tokens.Heading).tokens, { weight: "bold" }, []), heading: true });
    } else if (token.type === "list") {
      const list = token as Tokens.List;
      list.items.forEach((item, index) => {
        const [first, ...rest] = item.tokens;
        const marker = list.ordered ? `${Number(list.start || 1) + index}.` : "•";
        lines.push({ spans: first && (first.type === "text" || first.type === "paragraph") ? inlineSpans((first as Tokens.Text).tokens ?? [first], {}, []) : [], marker, depth });
        blockLines(first && (first.type === "text" || first.type === "paragraph") ? rest : item.tokens, depth + 1, lines);
      });
    } else if (token.type === "blockquote") {
      blockLines((token as Tokens.Blockquote).tokens, depth, lines);
    } else if (token.type === "code") {
      lines.push({ spans: [{ text: (token as Tokens.Code).text }] });
    }
  }
}

export function paragraphLines(block: Extract<Block, { type: "paragraph" }>): TextLine[] {
  if (block.runs) {
    return [{ spans: block.runs.map((run) => ({ text: run.text, ...(run.font_weight ? { weight: run.font_weight } : {}), ...(run.is_italic ? { italic: true } : {}), ...(run.link_url ? { link: run.link_url } : {}) })) }];
  }
  const lines: TextLine[] = [];
  blockLines(marked.lexer(block.markdown ?? ""), 0, lines);
  return lines;
}

/** Plain text of lines (EPUB alt texts, PPTX fallbacks). */
export const linesText = (lines: readonly TextLine[]) => lines.map((line) => line.spans.map((span) => span.text).join("")).join("\n");
