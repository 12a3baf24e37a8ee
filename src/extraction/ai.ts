/**
 * The Workers AI engine, used when the Worker has an `AI` binding: the files go to markdown through the
 * binding's `toMarkdown` (which also describes images and scans), then one model call answers a JSON object
 * shaped by a JSON schema built from the fields. Every answer goes through the same type parsers as the
 * built-in engine's, so values are normalized and validated alike; a value the parsers refuse is left out.
 *
 * Confidence: 0.85 when the model's quote is found verbatim in the documents and the value is exactly of
 * its type, 0.75 when it needed normalizing, 0.55 when the quote is not in the documents.
 */
import { imageForModel } from "../graphics/model-images";
import { ApiError } from "../errors";
import type { AddressField, ArrayField, FieldConfig, ScalarField } from "./schema";
import { parseAddress, type Address } from "./address";
import { parseScalar, slashDateOrderOf, type ParseContext, type Parsed } from "./parse";
import { countryCode } from "./reference-data";
import { roundConfidence, type ExtractionData, type FieldResult } from "./result";

const MAX_MARKDOWN_CHARACTERS = 100_000;

/** The setting every extracting API declares: which model the AI engine asks. */
export const EXTRACTION_SETTINGS = {
  EXTRACTION_AI_MODEL: {
    default: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    description: "The Workers AI model asked when the deployment has an AI binding; unused without one.",
  },
} as const;

/** The part of the Workers AI binding that Lamina uses (tests hand in a fake). */
export interface AiBinding {
  toMarkdown(files: { name: string; blob: Blob }[]): Promise<{ name: string; format: string; data?: string; error?: string }[]>;
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

export interface AiFile {
  name: string;
  bytes: Uint8Array;
  mimeType: string;
}

function valueSchema(field: FieldConfig): Record<string, unknown> {
  switch (field.type) {
    case "INTEGER":
    case "DECIMAL":
    case "CURRENCY_AMOUNT":
      return { type: ["number", "string", "null"] };
    case "BOOLEAN":
      return { type: ["boolean", "null"] };
    case "ENUM":
      return { type: ["array", "null"], items: { type: "string", enum: field.values } };
    case "ADDRESS":
      return {
        type: ["object", "null"],
        properties: Object.fromEntries(["street", "city", "region", "postal_code", "country"].map((key) => [key, { type: ["string", "null"] }])),
      };
    case "ARRAY":
      return {
        type: ["array", "null"],
        items: {
          type: "object",
          properties: Object.fromEntries(field.fields.filter((item) => item.type !== "CALCULATED").map((item) => [item.name, valueSchema(item)])),
        },
      };
    default:
      return { type: ["string", "null"] };
  }
}

export function buildJsonSchema(fields: FieldConfig[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.type === "CALCULATED") continue;
    properties[field.name] = {
      type: "object",
      properties: { value: valueSchema(field), quote: { type: ["string", "null"] }, file: { type: ["string", "null"] } },
      required: ["value", "quote", "file"],
    };
  }
  return { type: "object", properties, required: Object.keys(properties) };
}

function describeField(field: FieldConfig, indent = ""): string {
  const options: string[] = [];
  if (field.type === "ENUM") options.push(`one or more of: ${field.values.join(", ")}`);
  if (field.type === "ADDRESS") options.push("street, city, region, postal_code, country");
  let line = `${indent}- ${field.name} (${field.type}${options.length ? `; ${options.join("; ")}` : ""}): ${field.description}`;
  if (field.type === "ARRAY") line += `\n${field.fields.filter((item) => item.type !== "CALCULATED").map((item) => describeField(item, `${indent}  `)).join("\n")}`;
  return line;
}

function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}

function parseAiValue(field: FieldConfig, value: unknown, context: ParseContext): Parsed | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (field.type === "ADDRESS") {
    return parseAiAddress(field, value);
  }
  if (field.type === "ARRAY" || field.type === "CALCULATED") return undefined;
  if (field.type === "ENUM") {
    const picked = (Array.isArray(value) ? value : [value]).map(String);
    const parsed = picked.map((entry) => parseScalar(field, entry, context)).filter((entry): entry is Parsed => entry !== undefined);
    const values = [...new Set(parsed.flatMap((entry) => entry.value as string[]))].slice(0, field.max_selected ?? Infinity);
    return values.length >= Math.max(1, field.min_selected ?? 1) ? { value: values, exact: parsed.every((entry) => entry.exact) } : undefined;
  }
  if (field.type === "BOOLEAN" && typeof value === "boolean") return { value, exact: true };
  return parseScalar(field as ScalarField, String(value), context);
}

function parseAiAddress(field: AddressField, value: unknown): Parsed<Address> | undefined {
  let address: Address | undefined;
  if (typeof value === "string") {
    address = parseAddress(value.split(/\n/));
  } else if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const text = (key: string) => (typeof record[key] === "string" && record[key] ? (record[key] as string) : null);
    const country = text("country");
    address = { street: text("street"), city: text("city"), region: text("region"), postal_code: text("postal_code"), country: country ? (countryCode(country) ?? null) : null };
  }
  if (!address || (!address.street && !address.city)) return undefined;
  if (field.allowed_country_codes && (address.country === null || !field.allowed_country_codes.includes(address.country))) return undefined;
  return { value: address, exact: true };
}

function quoteConfidence(quoteFound: boolean, exact: boolean): number {
  return roundConfidence(quoteFound ? (exact ? 0.85 : 0.75) : 0.55);
}

/** The picture formats imageForModel converts or refuses, by their MIME type. */
const MODEL_FORMATS: Record<string, string> = { "image/bmp": "bmp", "image/tiff": "tiff", "image/x-portable-anymap": "pnm", "image/jp2": "jp2" };

/**
 * The files as markdown through the binding's `toMarkdown` (which describes images and reads scans). A file it
 * cannot convert is the ApiError `refused` makes of its name and the binding's reason; the binding failing
 * outright is an internal error.
 */
export async function markdownWithAi(ai: AiBinding, files: readonly AiFile[], refused: (name: string, reason: string) => ApiError): Promise<{ name: string; text: string }[]> {
  // BMP, TIFF and PNM pictures go as PNG, which the binding reads.
  const readable = await Promise.all(files.map(async (file) => ({ name: file.name, ...(await imageForModel(file.bytes, MODEL_FORMATS[file.mimeType] ?? "", file.mimeType, file.name)) })));
  let converted: Awaited<ReturnType<AiBinding["toMarkdown"]>>;
  try {
    converted = await ai.toMarkdown(readable.map((file) => ({ name: file.name, blob: new Blob([file.bytes], { type: file.mimeType }) })));
  } catch (err) {
    throw new Error(`Workers AI toMarkdown failed: ${String(err)}`);
  }
  return converted.map((result, index) => {
    const name = files[index]?.name ?? result.name;
    if (result.format === "error" || typeof result.data !== "string") throw refused(name, result.error ?? "unknown error");
    return { name, text: result.data };
  });
}

export async function extractWithAi(
  ai: AiBinding,
  model: string,
  files: AiFile[],
  fields: FieldConfig[],
  today: string,
): Promise<ExtractionData> {
  const markdown = await markdownWithAi(ai, files, (name, reason) => new ApiError(422, `${name}: the file could not be converted: ${reason}`));
  const documents = markdown.map((entry) => `## File: ${entry.name}\n\n${entry.text}`).join("\n\n").slice(0, MAX_MARKDOWN_CHARACTERS);
  const answer = await ai.run(model, {
    messages: [
      {
        role: "system",
        content:
          "You extract fields from documents. Answer with one JSON object only. For each field give `value` as written " +
          "in the document (do not translate or reformat it), `quote`: the shortest verbatim passage of the document that " +
          "contains it, and `file`: the file name it came from. Use null for all three when the document does not contain " +
          "the field. Never invent values.",
      },
      { role: "user", content: `Fields:\n${fields.filter((field) => field.type !== "CALCULATED").map((field) => describeField(field)).join("\n")}\n\nDocuments:\n\n${documents}` },
    ],
    response_format: { type: "json_schema", json_schema: buildJsonSchema(fields) },
    temperature: 0,
    max_tokens: 4096,
  });
  const raw = (answer as { response?: unknown })?.response ?? answer;
  let parsed: Record<string, unknown>;
  try {
    parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as Record<string, unknown>;
  } catch {
    throw new ApiError(422, "The extraction model's answer could not be parsed; the credits were refunded. Please retry.");
  }
  if (typeof parsed !== "object" || parsed === null) {
    throw new ApiError(422, "The extraction model's answer could not be parsed; the credits were refunded. Please retry.");
  }
  const haystack = normalizeWhitespace(markdown.map((entry) => entry.text).join("\n"));
  const context: ParseContext = { slashDateOrder: slashDateOrderOf(markdown.map((entry) => entry.text).join("\n")), today };
  const fileNames = new Set(files.map((file) => file.name));
  const data: ExtractionData = {};
  for (const field of fields) {
    const entry = parsed[field.name] as { value?: unknown; quote?: unknown; file?: unknown } | undefined;
    if (!entry || typeof entry !== "object") continue;
    const quote = typeof entry.quote === "string" ? entry.quote : "";
    const source = typeof entry.file === "string" && fileNames.has(entry.file) ? entry.file : (files[0]?.name ?? "");
    const quoteFound = quote !== "" && haystack.includes(normalizeWhitespace(quote));
    if (field.type === "ARRAY") {
      const items = readAiItems(field, entry.value, context, source, quoteFound);
      if (items.length > 0) {
        data[field.name] = { type: "ARRAY", value: items, confidence: quoteConfidence(quoteFound, true), citations: quote ? [quote] : [], source };
      }
      continue;
    }
    const value = parseAiValue(field, entry.value, context);
    if (value) {
      data[field.name] = { type: field.type, value: value.value, confidence: quoteConfidence(quoteFound, value.exact), citations: quote ? [quote] : [], source };
    }
  }
  return data;
}

function readAiItems(field: ArrayField, value: unknown, context: ParseContext, source: string, quoteFound: boolean): ExtractionData[] {
  if (!Array.isArray(value)) return [];
  const items: ExtractionData[] = [];
  for (const raw of value) {
    if (typeof raw !== "object" || raw === null) continue;
    const item: ExtractionData = {};
    for (const sub of field.fields) {
      const parsed = parseAiValue(sub, (raw as Record<string, unknown>)[sub.name], context);
      if (parsed) {
        const result: FieldResult = { type: sub.type, value: parsed.value, confidence: quoteConfidence(quoteFound, parsed.exact), citations: [String((raw as Record<string, unknown>)[sub.name])], source };
        item[sub.name] = result;
      }
    }
    if (Object.keys(item).length > 0) items.push(item);
  }
  return items;
}
