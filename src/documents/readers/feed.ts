/**
 * Web feeds (RSS 2.0, RSS 1.0/RDF, Atom): the channel's title as `#` and its description, then each item as `##`
 * with its link, its date, and its description or content as markdown (feeds carry it as HTML, read by
 * readers/html.ts).
 */
import { DocumentBuilder } from "../builder";
import type { DocumentModel } from "../model";
import { readHtml } from "./html";
import { walkXml } from "./xml";

interface Entry {
  title: string;
  link: string;
  date: string;
  summary: string;
  content: string;
}

const newEntry = (): Entry => ({ title: "", link: "", date: "", summary: "", content: "" });

/** Whether XML is a feed: an `rss` or Atom `feed` root, or an RDF document with items. */
export function isFeed(xml: string): boolean {
  const head = xml.slice(0, 4096);
  return /<rss[\s>]/.test(head) || /<feed[^>]*xmlns=["']http:\/\/www\.w3\.org\/2005\/Atom["']/.test(head) || (/<rdf:RDF[\s>]/.test(head) && /<(rss:)?item[\s>]/.test(xml));
}

export function readFeed(xml: string, name: string): DocumentModel {
  const channel = newEntry();
  const items: Entry[] = [];
  let current: Entry = channel;
  let field: keyof Entry | undefined;
  let depth = 0;
  let itemDepth = -1;
  walkXml(xml, {
    open(tag, attributes) {
      depth++;
      const local = tag.replace(/^[\w-]+:/, "");
      if (local === "item" || local === "entry") {
        current = newEntry();
        itemDepth = depth;
        return;
      }
      // Only a field of the channel or item itself (an Atom source's or author's title is not the entry's).
      const own = current === channel ? depth <= 3 : depth === itemDepth + 1;
      if (!own) return;
      if (local === "link") {
        // Atom: the alternate link's href; RSS: the element's text.
        if (attributes.href && (!attributes.rel || attributes.rel === "alternate") && !current.link) current.link = attributes.href;
        else if (!attributes.href) field = "link";
      } else if (local === "title") field = "title";
      else if (local === "pubDate" || local === "published" || local === "updated" || local === "date") field = current.date ? undefined : "date";
      else if (local === "description" || local === "summary" || local === "subtitle") field = "summary";
      else if (local === "content" || (tag === "content:encoded")) field = "content";
    },
    text(text) {
      if (field) current[field] += text;
    },
    close(tag) {
      const local = tag.replace(/^[\w-]+:/, "");
      if ((local === "item" || local === "entry") && current !== channel) {
        items.push(current);
        current = channel;
        itemDepth = -1;
      }
      field = undefined;
      depth--;
    },
  }, { name });
  const builder = new DocumentBuilder(name);
  builder.heading(1, [{ text: channel.title.trim() || name }]);
  if (channel.summary.trim()) builder.append(readHtml(channel.summary, name).pages[0]!.blocks);
  if (channel.link.trim()) builder.text([{ text: channel.link.trim(), link: channel.link.trim() }]);
  for (const item of items) {
    const link = item.link.trim();
    builder.heading(2, [{ text: item.title.trim() || link || "Untitled", ...(link ? { link } : {}) }]);
    if (item.date.trim()) builder.text([{ text: item.date.trim(), italic: true }]);
    const body = item.content.trim() || item.summary.trim();
    if (body) builder.append(readHtml(body, name).pages[0]!.blocks);
  }
  return builder.finish();
}
