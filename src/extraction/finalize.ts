/**
 * What follows extraction, the same for both engines (wire contract 4.3): CALCULATED fields (pure
 * arithmetic over found sources, confidence the minimum of theirs, division by zero → 0), defaults for fields
 * not found (confidence 1), then `is_required`. Inside ARRAY items CALCULATED fields and defaults apply per item.
 */
import { ApiError } from "../errors";
import type { CalculatedField, FieldConfig } from "./schema";
import { roundConfidence, type ExtractionData, type FieldResult } from "./result";

function calculate(field: CalculatedField, values: number[]): number {
  const [first, ...rest] = values as [number, ...number[]];
  let result: number;
  switch (field.operation) {
    case "sum":
      result = values.reduce((sum, value) => sum + value, 0);
      break;
    case "subtract":
      result = rest.reduce((total, value) => total - value, first);
      break;
    case "multiply":
      result = values.reduce((product, value) => product * value, 1);
      break;
    case "divide":
      result = rest.some((value) => value === 0) ? 0 : rest.reduce((total, value) => total / value, first);
      break;
  }
  // Arithmetic on decimals leaves float noise (0.1 + 0.2): keep ten significant decimals.
  return Math.round(result * 1e10) / 1e10;
}

/** Fills CALCULATED fields in dependency order (sources first); a field with a missing source is left out. */
function applyCalculated(fields: FieldConfig[], data: ExtractionData): void {
  const pending = fields.filter((field): field is CalculatedField => field.type === "CALCULATED");
  let progressed = true;
  while (pending.length > 0 && progressed) {
    progressed = false;
    for (let index = pending.length - 1; index >= 0; index--) {
      const field = pending[index]!;
      const waiting = field.source_field_names.some((name) => pending.some((other) => other.name === name));
      if (waiting) continue;
      pending.splice(index, 1);
      progressed = true;
      const sources = field.source_field_names.map((name) => data[name]);
      if (sources.some((source) => source === undefined || typeof source.value !== "number")) continue;
      const found = sources as FieldResult[];
      data[field.name] = {
        type: "CALCULATED",
        value: calculate(field, found.map((source) => source.value as number)),
        confidence: roundConfidence(Math.min(...found.map((source) => source.confidence))),
        citations: [...new Set(found.flatMap((source) => source.citations))],
        source: found[0]!.source,
      };
    }
  }
}

function applyDefaults(fields: FieldConfig[], data: ExtractionData): void {
  for (const field of fields) {
    if (data[field.name] === undefined && "default_value" in field && field.default_value !== undefined) {
      data[field.name] = { type: field.type, value: field.default_value, confidence: 1, citations: [], source: "" };
    }
  }
}

/** Completes `data` in place and enforces `is_required` (422 naming the field). */
export function finalizeExtraction(fields: FieldConfig[], data: ExtractionData): ExtractionData {
  for (const field of fields) {
    const result = data[field.name];
    if (field.type === "ARRAY" && result && Array.isArray(result.value)) {
      for (const item of result.value as ExtractionData[]) {
        applyCalculated(field.fields, item);
        applyDefaults(field.fields, item);
      }
    }
  }
  applyCalculated(fields, data);
  applyDefaults(fields, data);
  const missing = fields.find((field) => field.is_required && data[field.name] === undefined);
  if (missing) {
    throw new ApiError(422, `schema.fields: required field "${missing.name}" could not be extracted from the documents and has no default_value`);
  }
  // Keys in schema order, whatever order the engine found them in.
  return Object.fromEntries(fields.filter((field) => data[field.name] !== undefined).map((field) => [field.name, data[field.name]!]));
}
