/**
 * Text for the XML that writers produce (EPUB's XHTML, SpreadsheetML): the five markup characters escaped for
 * element text and attribute values, and lone UTF-16 surrogates, which no XML document may hold, replaced by U+FFFD.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MARKUP = /[&<>"]/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

export function escapeXml(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD").replace(MARKUP, (char) => ENTITIES[char]!);
}
