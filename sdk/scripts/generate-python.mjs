// Generates sdk-python/lamina/types.py from sdk/openapi.json (the server's zod schemas, via OpenAPI): a TypedDict
// per object schema (named components, each API's request and data, and the inline objects inside them, named
// after where they sit), Literal for enums and constants, Union for oneOf/anyOf, and API_PATHS. Nothing is copied
// by hand. `--check` fails instead when the committed file differs.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { apiOperations, readOpenApi, ROOT } from "./api-operations.mjs";
import { writeOrCheck } from "./write-or-check.mjs";

const OUT = join(ROOT, "sdk-python/lamina/types.py");

const pascal = (text) => text.replace(/(^|[-_\s.]+)([a-zA-Z0-9])/g, (_, __, c) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "");
const refName = (ref) => ref.replace("#/components/schemas/", "");
/** A JSON value as a Python literal. */
const pyLiteral = (value) => (value === true ? "True" : value === false ? "False" : value === null ? "None" : JSON.stringify(value));

class PythonTypes {
  constructor() {
    this.definitions = new Map();
  }

  /** A Python type expression for `schema`; inline objects become TypedDicts named `hint`. */
  type(schema, hint) {
    if (!schema || Object.keys(schema).length === 0) return "Any";
    if (schema.$ref) return JSON.stringify(refName(schema.$ref));
    if (schema.const !== undefined) return schema.const === null ? "None" : `Literal[${pyLiteral(schema.const)}]`;
    if (schema.enum) return `Literal[${schema.enum.map(pyLiteral).join(", ")}]`;
    const variants = schema.oneOf ?? schema.anyOf;
    if (variants) {
      const types = [...new Set(variants.map((variant, index) => this.type(variant, `${hint}${variantName(variant, index)}`)))];
      return types.length === 1 ? types[0] : `Union[${types.join(", ")}]`;
    }
    if (schema.allOf) {
      return schema.allOf.length === 1 ? this.type(schema.allOf[0], hint) : "dict[str, Any]";
    }
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const nullable = types.includes("null");
    const concrete = types.filter((type) => type && type !== "null");
    const expressions = concrete.map((type) => this.single(type, schema, hint));
    if (expressions.length === 0) expressions.push(schema.properties ? this.single("object", schema, hint) : "Any");
    const union = expressions.length === 1 ? expressions[0] : `Union[${expressions.join(", ")}]`;
    return nullable ? `Optional[${union}]` : union;
  }

  single(type, schema, hint) {
    switch (type) {
      case "string":
        return "str";
      case "integer":
        return "int";
      case "number":
        return "float";
      case "boolean":
        return "bool";
      case "array":
        return `list[${this.type(schema.items, `${hint}Item`)}]`;
      case "object":
        if (schema.properties && Object.keys(schema.properties).length > 0) {
          this.define(hint, schema);
          return JSON.stringify(hint);
        }
        if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
          return `dict[str, ${this.type(schema.additionalProperties, `${hint}Value`)}]`;
        }
        return "dict[str, Any]";
      default:
        return "Any";
    }
  }

  /** A TypedDict for an object schema (functional syntax: some wire keys are no Python identifiers). */
  define(name, schema) {
    if (this.definitions.has(name)) return;
    this.definitions.set(name, null);
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties ?? {}).map(([key, property]) => {
      const type = this.type(property, `${name}${pascal(key)}`);
      return `        ${JSON.stringify(key)}: ${required.has(key) ? type : `NotRequired[${type}]`},`;
    });
    const doc = schema.description ? `\n"""${schema.description.replace(/"""/g, "'''").replace(/\\/g, "\\\\")}"""` : "";
    this.definitions.set(name, `${name} = TypedDict(\n    ${JSON.stringify(name)},\n    {\n${fields.join("\n")}\n    },\n)${doc}`);
  }

  alias(name, schema) {
    if (this.definitions.has(name)) return;
    if (schema.$ref) {
      // Defined after the components it names, so the name itself (not a forward reference) makes an alias.
      this.definitions.set(name, `${name} = ${refName(schema.$ref)}`);
      return;
    }
    if ((schema.type === "object" || (!schema.type && schema.properties)) && schema.properties) {
      this.define(name, schema);
      return;
    }
    this.definitions.set(name, null);
    this.definitions.set(name, `${name} = ${this.type(schema, name)}`);
  }
}

/** A union member's name: its `type` (layers, operations, blocks) or `api` (webhook payloads) tag, else its place. */
function variantName(variant, index) {
  if (variant.properties?.success?.const === false || variant.properties?.success?.enum?.[0] === false) {
    return "Failure";
  }
  for (const tag of ["type", "api"]) {
    const property = variant.properties?.[tag];
    const value = property?.const ?? property?.enum?.[0];
    if (typeof value === "string") {
      return pascal(value);
    }
  }
  return `Variant${index + 1}`;
}

export function generatePython() {
  const document = readOpenApi();
  const types = new PythonTypes();
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    types.alias(name, schema);
  }
  const apis = apiOperations(document);
  for (const api of apis) {
    types.alias(`${api.name}Request`, api.request);
    types.alias(`${api.name}Data`, api.data);
  }
  const body = [...types.definitions.values()].join("\n\n");
  const paths = apis.map(({ name, path }) => `    ${JSON.stringify(name)}: ${JSON.stringify(path)},`).join("\n");
  return `# GENERATED by sdk/scripts/generate-python.mjs from sdk/openapi.json (the server's zod schemas). Do not edit.
# Regenerate with \`npm run sdk:generate\`.
# ruff: noqa
from __future__ import annotations

from typing import Any, Literal, NotRequired, Optional, TypedDict, Union

${body}

# The path of each API's route, by type name.
API_PATHS: dict[str, str] = {
${paths}
}
`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeOrCheck(OUT, generatePython(), ROOT);
}
