/**
 * JSON, YAML, TOML (smol-toml) and XML: the data is flattened into label/value rows, the label being the key path, each key as
 * written (`{"vendor": {"tax_id": "X"}}` → `vendor tax_id | X`: a key is data, and `5b64c88c-b3c3-…` or `uuid_value`
 * must come out as they are), and arrays of objects become tables whose headers are the keys, so ARRAY fields read
 * them like any other table. Extraction reads `tax_id` and `taxId` as the words they stand for (labels.ts). A
 * notebook's JSON is read as a notebook (readers/notebook.ts), an RSS or Atom feed's XML as a feed (readers/feed.ts).
 */
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { jsonNestingDepth, MAX_FILE_NESTING, nestingExceeded } from "../../budgets";
import { ApiError } from "../../errors";
import { DocumentBuilder } from "../builder";
import type { DocumentModel } from "../model";
import { isFeed, readFeed } from "./feed";
import { isNotebook, readNotebook } from "./notebook";
import { walkXml } from "./xml";

/** A key in words, for recognising address parts only (`postalCode` → `postal Code`); labels keep the key. */
function humanize(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.@:]+/g, " ")
    .trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function flatten(value: unknown, path: string[], builder: DocumentBuilder): void {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isRecord)) {
      const headers = [...new Set(value.flatMap((item) => Object.keys(item)))];
      const table = builder.startTable();
      if (path.length > 0) builder.text(path.join(" "));
      builder.row(headers, table, { header: true });
      for (const item of value) {
        builder.row(headers.map((header) => scalarText(item[header])), table);
      }
      return;
    }
    if (value.every((item) => !isRecord(item) && !Array.isArray(item))) {
      builder.row([path.join(" "), value.map(scalarText).join(", ")]);
      return;
    }
    value.forEach((item) => flatten(item, path, builder));
    return;
  }
  if (isRecord(value)) {
    const address = addressLine(value);
    if (address && path.length > 0) {
      builder.row([path.join(" "), address]);
    }
    for (const [key, child] of Object.entries(value)) {
      flatten(child, [...path, key], builder);
    }
    return;
  }
  const text = scalarText(value);
  if (path.length === 0) builder.text(text);
  else builder.row([path.join(" "), text]);
}

const STREET_KEYS = /^(street|street ?address|address ?line ?1|line ?1|address1|address|strasse|rue)$/i;
const CITY_KEYS = /^(city|town|locality|ort|stadt|ville)$/i;
const POSTAL_KEYS = /^(postal ?code|post ?code|zip|zip ?code|postcode|plz)$/i;
const REGION_KEYS = /^(region|state|province|county)$/i;
const COUNTRY_KEYS = /^(country|country ?code|land|pays)$/i;

/**
 * An object that is an address (`{line1, city, postalCode, country}`) also becomes one line in the usual
 * written order (`Bahnhofstrasse 21, 8001 Zürich, CH`), so ADDRESS fields can read it like a printed one.
 */
function addressLine(value: Record<string, unknown>): string | undefined {
  const find = (pattern: RegExp) => {
    const entry = Object.entries(value).find(([key, item]) => pattern.test(humanize(key)) && typeof item === "string" && item.trim());
    return entry ? String(entry[1]).trim() : undefined;
  };
  const street = find(STREET_KEYS);
  const city = find(CITY_KEYS);
  if (!street || !city) return undefined;
  const postal = find(POSTAL_KEYS);
  const region = find(REGION_KEYS);
  const country = find(COUNTRY_KEYS);
  const locality = region && postal ? `${city}, ${region} ${postal}` : postal ? `${postal} ${city}` : city;
  return [street, locality, country].filter(Boolean).join(", ");
}

/** How deeply parsed data nests, walked without recursion (aliases may share nodes: each is visited once). */
function dataDepth(data: unknown): number {
  const seen = new Set<unknown>();
  const stack: [unknown, number][] = [[data, 0]];
  let deepest = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_FILE_NESTING) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function fromData(data: unknown, name: string): DocumentModel {
  const builder = new DocumentBuilder(name);
  flatten(data, [], builder);
  return builder.finish();
}

export function readJson(text: string, name: string): DocumentModel {
  // JSON.parse copes with any depth, but the flattening below recurses: refuse what would overflow the stack.
  if (jsonNestingDepth(text) > MAX_FILE_NESTING) throw nestingExceeded(name);
  try {
    const data: unknown = JSON.parse(text.replace(/^\uFEFF/, ""));
    // A notebook sent as .json is still a notebook.
    return isNotebook(data) ? readNotebook(data, name) : fromData(data, name);
  } catch (err) {
    if (err instanceof SyntaxError) throw new ApiError(422, `${name}: the file is not valid JSON`);
    throw err;
  }
}

export function readYaml(text: string, name: string): DocumentModel {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 100 });
  } catch {
    throw new ApiError(422, `${name}: the file is not valid YAML`);
  }
  if (dataDepth(data) > MAX_FILE_NESTING) throw nestingExceeded(name);
  return fromData(data, name);
}

/** XML → plain data: elements are keys, repeated siblings arrays, attributes keys of their element. */
function xmlToData(xml: string, name: string): unknown {
  interface Node {
    tag: string;
    attributes: Record<string, string>;
    children: Node[];
    text: string;
  }
  const root: Node = { tag: "", attributes: {}, children: [], text: "" };
  const stack: Node[] = [root];
  walkXml(xml, {
    open(tag, attributes) {
      const node: Node = { tag: tag.replace(/^[\w-]+:/, ""), attributes, children: [], text: "" };
      stack.at(-1)!.children.push(node);
      stack.push(node);
    },
    text(text) {
      stack.at(-1)!.text += text;
    },
    close() {
      if (stack.length > 1) stack.pop();
    },
  }, { name });
  const toData = (node: Node): unknown => {
    const attributes = Object.entries(node.attributes).filter(([key]) => !key.startsWith("xmlns"));
    if (node.children.length === 0 && attributes.length === 0) {
      return node.text.trim();
    }
    const data: Record<string, unknown> = Object.fromEntries(attributes);
    // Counted once per element, not once per child: 60,000 siblings stay linear.
    const siblingsByTag = new Map<string, number>();
    for (const child of node.children) siblingsByTag.set(child.tag, (siblingsByTag.get(child.tag) ?? 0) + 1);
    for (const child of node.children) {
      const value = toData(child);
      if (siblingsByTag.get(child.tag)! > 1) {
        ((data[child.tag] ??= []) as unknown[]).push(value);
      } else {
        data[child.tag] = value;
      }
    }
    if (node.text.trim() && node.children.length === 0) {
      data.value = node.text.trim();
    }
    return data;
  };
  const top = root.children.filter((child) => child.tag !== "?xml");
  return top.length === 1 ? toData(top[0]!) : toData(root);
}

export function readXml(text: string, name: string): DocumentModel {
  if (isFeed(text)) return readFeed(text, name);
  return fromData(xmlToData(text, name), name);
}

export function readToml(text: string, name: string): DocumentModel {
  let data: unknown;
  try {
    data = parseToml(text.replace(/^\uFEFF/, ""), { maxDepth: MAX_FILE_NESTING });
  } catch (err) {
    const detail = err instanceof Error ? /^(.*?)(\n|$)/.exec(err.message)?.[1] : undefined;
    throw new ApiError(422, `${name}: the file is not valid TOML${detail ? ` (${detail})` : ""}`);
  }
  return fromData(data, name);
}
