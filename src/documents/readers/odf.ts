/**
 * OpenDocument parts the text and spreadsheet readers share: the master pages of `styles.xml`, whose headers and
 * footers are printed on every page.
 */
import { walkXml } from "./xml";

/** The text of each header and footer of the master pages (its paragraphs joined by ` · `). */
export function readMasterPages(xml: string | undefined, name: string): { headers: string[]; footers: string[] } {
  const found = { headers: [] as string[], footers: [] as string[] };
  if (!xml) return found;
  let into: string[] | undefined;
  let parts: string[] = [];
  let paragraph = "";
  let inParagraph = false;
  const region = /^style:(header|footer)(-left|-first)?$/;
  walkXml(xml, {
    open(tag) {
      if (region.test(tag)) [into, parts] = [tag.includes("header") ? found.headers : found.footers, []];
      else if (tag === "text:p" && into) [inParagraph, paragraph] = [true, ""];
    },
    text(chunk) {
      if (inParagraph) paragraph += chunk;
    },
    close(tag) {
      if (tag === "text:p" && inParagraph) {
        inParagraph = false;
        if (paragraph.trim()) parts.push(paragraph.trim());
      } else if (region.test(tag) && into) {
        if (parts.length > 0) into.push(parts.join(" · "));
        into = undefined;
      }
    },
  }, { name });
  return found;
}
