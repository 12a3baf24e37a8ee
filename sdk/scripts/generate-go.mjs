// Generates sdk-go/types.gen.go from sdk/openapi.json (the server's zod schemas, via OpenAPI): a struct per object
// schema (named components, each API's Request and AsyncRequest, and the inline objects inside them, named after
// where they sit), an interface per tagged union (Layer, FileInput, TransformOperation, DocumentBlock, ...) with one
// struct per member that writes its own `type`, constructors for every layer type, and the API paths. Required
// fields are plain values; optional numbers and booleans are pointers and everything optional is `omitempty`, so
// an unset field is never sent as a zero. The output is gofmt-clean. `--check` fails when the committed file differs.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { apiOperations, readOpenApi, ROOT } from "./api-operations.mjs";
import { writeOrCheck } from "./write-or-check.mjs";

const OUT = join(ROOT, "sdk-go/types.gen.go");

/** The SDK's method name per API slug; the Go request types are `<Method>Request` and `<Method>AsyncRequest`. */
export const GO_METHODS = {
  "image-generation": "GenerateImage",
  "document-extraction": "ExtractDocument",
  "image-transformation": "TransformImage",
  "document-to-markdown": "ConvertDocumentToMarkdown",
  "website-extraction": "ExtractWebsite",
  "document-generation": "GenerateDocument",
  "sheet-generation": "GenerateSheet",
};

const ASYNC_FIELDS = ["webhook_url", "webhook_auth_header_name", "webhook_auth_header_value", "result_delivery"];
const INITIALISMS = new Set(["id", "url", "uri", "api", "http", "https", "json", "html", "css", "pdf", "qr", "ip", "uuid", "ttl", "utc", "iban", "xlsx", "csv", "docx", "pptx", "epub", "svg", "toc", "ld", "og"]);

/** snake_case, kebab-case or words → Go's exported PascalCase, with initialisms upper-cased (job_id → JobID). */
function goName(text) {
  const words = String(text)
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const name = words.map((word) => (INITIALISMS.has(word.toLowerCase()) ? word.toUpperCase() : word[0].toUpperCase() + word.slice(1).toLowerCase())).join("");
  return /^[0-9]/.test(name) ? `N${name}` : name;
}

const refName = (ref) => goName(ref.replace("#/components/schemas/", ""));

function tagOf(variant) {
  const property = variant?.properties?.type;
  const values = property?.enum ?? (property?.const !== undefined ? [property.const] : []);
  return values.length > 0 && values.every((value) => typeof value === "string") ? values : null;
}

class GoTypes {
  constructor(components) {
    this.components = components;
    this.blocks = new Map();
    this.unions = new Map();
  }

  resolve(schema) {
    return schema?.$ref ? this.components[schema.$ref.replace("#/components/schemas/", "")] : schema;
  }

  /** The union members of a schema when every one is an object tagged by `type`, else null. */
  taggedVariants(schema) {
    const variants = schema.oneOf ?? schema.anyOf;
    if (!variants || variants.length < 2) return null;
    const resolved = variants.map((variant) => this.resolve(variant));
    return resolved.every((variant) => variant?.type === "object" && tagOf(variant)) ? variants : null;
  }

  /** The Go type of `schema` in a field: `hint` names an inline object; `optional` picks the pointer form. */
  type(schema, hint, optional) {
    if (!schema || Object.keys(schema).length === 0) return "any";
    if (schema.$ref) {
      const target = this.resolve(schema);
      const name = refName(schema.$ref);
      this.define(name, target);
      if (this.unions.has(name) || this.isMap(target) || this.isAny(target)) return name;
      return optional ? `*${name}` : name;
    }
    if (schema.const !== undefined || schema.enum) {
      const values = schema.enum ?? [schema.const];
      const kinds = new Set(values.filter((value) => value !== null).map((value) => typeof value));
      const base = kinds.size === 1 ? { string: "string", number: Number.isInteger(values[0]) ? "int" : "float64", boolean: "bool" }[[...kinds][0]] : "any";
      // An optional string is a plain string with omitempty (the empty string is never a valid value).
      return this.optionalScalar(base, values.includes(null) || (optional && base !== "string"));
    }
    if (this.taggedVariants(schema)) {
      this.define(hint, schema);
      return hint;
    }
    const variants = schema.oneOf ?? schema.anyOf;
    if (variants) {
      const types = [...new Set(variants.filter((variant) => variant.type !== "null").map((variant) => this.type(variant, hint, false)))];
      return types.length === 1 ? this.optionalScalar(types[0], optional || variants.some((variant) => variant.type === "null")) : "any";
    }
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter(Boolean);
    const nullable = types.includes("null");
    const concrete = types.filter((type) => type !== "null");
    if (concrete.length !== 1) return concrete.length === 0 && schema.properties ? this.objectType(schema, hint, optional) : "any";
    switch (concrete[0]) {
      case "string":
        return this.optionalScalar("string", nullable);
      case "integer":
        return this.optionalScalar("int", optional || nullable);
      case "number":
        return this.optionalScalar("float64", optional || nullable);
      case "boolean":
        return this.optionalScalar("bool", optional || nullable);
      case "array":
        return `[]${this.type(schema.items, `${hint}Item`, false)}`;
      case "object":
        return this.objectType(schema, hint, optional || nullable);
      default:
        return "any";
    }
  }

  optionalScalar(base, pointer) {
    return pointer && ["string", "int", "float64", "bool"].includes(base) ? `*${base}` : base;
  }

  objectType(schema, hint, optional) {
    if (schema.properties && Object.keys(schema.properties).length > 0) {
      this.define(hint, schema);
      return optional ? `*${hint}` : hint;
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      return `map[string]${this.type(schema.additionalProperties, `${hint}Value`, false)}`;
    }
    return "map[string]any";
  }

  isMap(schema) {
    return schema?.type === "object" && !schema.properties && schema.additionalProperties && typeof schema.additionalProperties === "object";
  }

  isAny(schema) {
    return !this.taggedVariants(schema ?? {}) && Boolean(schema?.oneOf ?? schema?.anyOf);
  }

  /** Defines a named Go type for a schema: a struct, a union interface with its members, or an alias. */
  define(name, schema, { omit = [], extra = [] } = {}) {
    if (this.blocks.has(name)) return;
    this.blocks.set(name, null);
    const variants = this.taggedVariants(schema);
    if (variants) {
      this.unions.set(name, true);
      const members = variants.map((variant) => {
        const target = this.resolve(variant);
        const tags = tagOf(target);
        const member = `${goName(tags[0])}${name}`;
        this.struct(member, target, { tag: tags, union: name });
        return { member, tags, target };
      });
      this.unions.set(name, members);
      const doc = schema.description ? `// ${name}: ${oneLine(schema.description)}\n` : `// ${name} is one of: ${members.map(({ member }) => member).join(", ")}.\n`;
      this.blocks.set(name, `${doc}type ${name} interface {\n\tis${name}()\n}`);
      return;
    }
    if (this.isMap(schema)) {
      this.blocks.set(name, `type ${name} = map[string]${this.type(schema.additionalProperties, `${name}Value`, false)}`);
      return;
    }
    if (this.isAny(schema) || !(schema?.properties)) {
      this.blocks.set(name, `// ${name} is any JSON value the schema allows.\ntype ${name} = any`);
      return;
    }
    this.struct(name, schema, { omit, extra });
  }

  struct(name, schema, { tag = null, union = null, omit = [], extra = [] } = {}) {
    this.blocks.set(name, null);
    const required = new Set(schema.required ?? []);
    const rows = [];
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (omit.includes(key)) continue;
      if (tag && key === "type") {
        rows.push([goName(key), "string", `\`json:"type"\``]);
        continue;
      }
      const optional = !required.has(key);
      const type = this.type(property, `${name}${goName(key)}`, optional);
      rows.push([goName(key), type, `\`json:"${key}${optional ? ",omitempty" : ""}"\``]);
    }
    for (const row of extra) rows.push(row);
    const width = (index) => Math.max(...rows.map((row) => row[index].length));
    const body = rows.map((row) => `\t${row[0].padEnd(width(0))} ${row[1].padEnd(width(1))} ${row[2]}`).join("\n");
    const doc = schema.description ? `// ${name}: ${oneLine(schema.description)}\n` : "";
    let block = `${doc}type ${name} struct {\n${body}\n}`;
    if (tag) {
      block += `\n\nfunc (${name}) is${union}() {}\n\n// MarshalJSON writes the member's \`type\` (${JSON.stringify(tag[0])} when Type is empty).\nfunc (v ${name}) MarshalJSON() ([]byte, error) {\n\ttype plain ${name}\n\tif v.Type == "" {\n\t\tv.Type = ${JSON.stringify(tag[0])}\n\t}\n\treturn json.Marshal(plain(v))\n}`;
    }
    this.blocks.set(name, block);
  }
}

function oneLine(text) {
  return text.replace(/\s+/g, " ").trim().slice(0, 300);
}

/** Constructors for every layer type (and its legacy names): `NewSolidColorBackgroundLayer(index, hexColor)`. */
function layerConstructors(types) {
  const members = types.unions.get("Layer");
  const out = [];
  for (const { member, tags, target } of members) {
    const required = (target.required ?? []).filter((key) => key !== "type");
    const wantsIndex = !required.includes("index") && target.properties?.index;
    const params = [...(wantsIndex ? ["index"] : []), ...required];
    const args = params.map((key) => {
      const type = types.type(target.properties[key], `${member}${goName(key)}`, false);
      return `${lowerFirst(goName(key))} ${type}`;
    });
    const fields = params.map((key) => {
      const optionalIndex = key === "index" && wantsIndex;
      return `${goName(key)}: ${optionalIndex ? "&index" : lowerFirst(goName(key))}`;
    });
    for (const tag of tags) {
      const constructor = `New${goName(tag)}Layer`;
      out.push(
        `// ${constructor} is a ${JSON.stringify(tag)} layer at \`index\` in the z-order.\nfunc ${constructor}(${args.join(", ")}) *${member} {\n\treturn &${member}{${["Type: " + JSON.stringify(tag), ...fields].join(", ")}}\n}`,
      );
    }
  }
  return out;
}

const lowerFirst = (name) => {
  const lowered = name.replace(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/, (head) => head.toLowerCase());
  return ["type", "func", "range", "map", "select", "default", "case", "go", "chan", "interface", "var", "const"].includes(lowered) ? `${lowered}Value` : lowered;
};

export function generateGo() {
  const document = readOpenApi();
  const types = new GoTypes(document.components.schemas);
  const apis = apiOperations(document);
  for (const api of apis) {
    const method = GO_METHODS[api.slug];
    if (!method) throw new Error(`no Go method name for the API ${api.slug}: add it to GO_METHODS`);
    types.define(`${method}Request`, api.request, { omit: ASYNC_FIELDS });
    const asyncSchema = { ...api.request, required: [...(api.request.required ?? []), "webhook_url"] };
    types.define(`${method}AsyncRequest`, asyncSchema);
    if (!api.data.$ref) types.define(`${method}Data`, api.data);
  }
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    if (name !== "WebhookPayload") types.define(goName(name), schema);
  }
  const blocks = [...types.blocks.values()].filter(Boolean);
  const paths = apis.map((api) => `\t${JSON.stringify(GO_METHODS[api.slug])}: ${JSON.stringify(api.path)},`);
  const width = Math.max(...paths.map((line) => line.indexOf(":")));
  const aligned = paths.map((line) => line.replace(/^(\t"[^"]+":)/, (head) => head.padEnd(width + 1)));
  return `// Code generated by sdk/scripts/generate-go.mjs from sdk/openapi.json (the server's zod schemas). DO NOT EDIT.
// Regenerate with \`npm run sdk:generate\`.

package lamina

import "encoding/json"

${blocks.join("\n\n")}

${layerConstructors(types).join("\n\n")}

// apiPaths is the route of each API, by its method name.
var apiPaths = map[string]string{
${aligned.join("\n")}
}
`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeOrCheck(OUT, generateGo(), ROOT);
}
