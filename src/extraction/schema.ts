/**
 * The extraction schema of the wire contract (section 4.1–4.2), shared by document and website extraction: 17
 * field types with their options, the legacy `item_schema.fields` spelling for ARRAY items, and the schema rules
 * (unique names, CALCULATED sources that exist and are numeric, no cycles, defaults of the field's type).
 */
import { z } from "@hono/zod-openapi";
import { IBAN_SHAPE, ibanChecksumValid } from "./iban";
import { isCountryCode, isCurrencyCode } from "./reference-data";

export const MAX_FIELDS_PER_LEVEL = 100;
export const MAX_ARRAY_DEPTH = 4;

export const FIELD_TYPES = [
  "TEXT", "TEXTAREA", "INTEGER", "DECIMAL", "DATE", "DATETIME", "TIME", "ENUM", "BOOLEAN", "EMAIL", "IBAN",
  "COUNTRY", "CURRENCY_CODE", "CURRENCY_AMOUNT", "ADDRESS", "ARRAY", "CALCULATED",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** The types a CALCULATED field may take as sources. */
const NUMERIC_TYPES: ReadonlySet<string> = new Set(["INTEGER", "DECIMAL", "CURRENCY_AMOUNT", "CALCULATED"]);

const base = {
  name: z.string().min(1).max(100).openapi({ description: "Unique among its siblings; the key of the field in `data`." }),
  description: z.string().max(2000).openapi({ description: "What the field is; the built-in engine also reads it for labels." }),
  is_required: z.boolean().default(false).openapi({ description: "When true and the field is neither found nor defaulted: 422, credits refunded." }),
};

const numberRange = { min: z.number().optional(), max: z.number().optional() };
const decimals = { decimal_points: z.int().min(0).max(10).optional() };
const unit = { unit: z.string().max(50).optional() };
const dateRules = { allow_future_dates: z.boolean().optional(), allow_past_dates: z.boolean().optional() };

const IsoDateSchema = z.iso.date("must be a date YYYY-MM-DD");
const IsoDateTimeSchema = z.iso.datetime({ offset: true, local: true, message: "must be an ISO 8601 date-time" });

const TextFieldSchema = z.object({
  type: z.literal("TEXT"),
  ...base,
  max_length: z.int().min(1).max(100_000).optional(),
  default_value: z.string().optional(),
});
const TextareaFieldSchema = TextFieldSchema.extend({ type: z.literal("TEXTAREA") });
const IntegerFieldSchema = z.object({ type: z.literal("INTEGER"), ...base, ...numberRange, ...unit, default_value: z.int().optional() });
const DecimalFieldSchema = z.object({ type: z.literal("DECIMAL"), ...base, ...numberRange, ...decimals, ...unit, default_value: z.number().optional() });
const DateFieldSchema = z.object({ type: z.literal("DATE"), ...base, ...dateRules, default_value: IsoDateSchema.optional() });
const DateTimeFieldSchema = z.object({ type: z.literal("DATETIME"), ...base, ...dateRules, default_value: IsoDateTimeSchema.optional() });
const TimeFieldSchema = z.object({
  type: z.literal("TIME"),
  ...base,
  default_value: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, "must be a time HH:MM:SS").optional(),
});
const EnumFieldSchema = z.object({
  type: z.literal("ENUM"),
  ...base,
  values: z.array(z.string().min(1).max(500)).min(1, "ENUM needs at least one value").max(500),
  min_selected: z.int().min(0).optional(),
  max_selected: z.int().min(1).optional(),
  default_value: z.array(z.string()).optional(),
});
const BooleanFieldSchema = z.object({ type: z.literal("BOOLEAN"), ...base, default_value: z.boolean().optional() });
const EmailFieldSchema = z.object({ type: z.literal("EMAIL"), ...base, default_value: z.email("must be an email address").optional() });
const IbanFieldSchema = z.object({
  type: z.literal("IBAN"),
  ...base,
  default_value: z
    .string()
    .regex(IBAN_SHAPE, "must be an IBAN (two letters, two digits, 11 to 30 letters or digits, no spaces)")
    .refine(ibanChecksumValid, "is not a valid IBAN (the mod-97 check fails)")
    .optional(),
});
const CountryFieldSchema = z.object({
  type: z.literal("COUNTRY"),
  ...base,
  default_value: z
    .string()
    .refine(isCountryCode, "must be an ISO 3166-1 alpha-2 country code")
    .optional()
    .openapi({ description: "An ISO 3166-1 alpha-2 code, e.g. DE", example: "DE" }),
});
const CurrencyCodeFieldSchema = z.object({
  type: z.literal("CURRENCY_CODE"),
  ...base,
  default_value: z
    .string()
    .refine(isCurrencyCode, "must be an ISO 4217 currency code")
    .optional()
    .openapi({ description: "An ISO 4217 code, e.g. EUR", example: "EUR" }),
});
const CurrencyAmountFieldSchema = z.object({ type: z.literal("CURRENCY_AMOUNT"), ...base, ...numberRange, ...decimals, default_value: z.number().optional() });
const AddressValueSchema = z.object({
  street: z.string().nullable().default(null),
  city: z.string().nullable().default(null),
  region: z.string().nullable().default(null),
  postal_code: z.string().nullable().default(null),
  country: z.string().nullable().default(null),
});
const AddressFieldSchema = z.object({
  type: z.literal("ADDRESS"),
  ...base,
  allowed_country_codes: z
    .array(z.string().refine(isCountryCode, "must be an ISO 3166-1 alpha-2 country code"))
    .max(300)
    .optional(),
  default_value: AddressValueSchema.optional(),
});
const CalculatedFieldSchema = z.object({
  type: z.literal("CALCULATED"),
  ...base,
  operation: z.enum(["sum", "subtract", "multiply", "divide"]),
  source_field_names: z.array(z.string().min(1)).min(1, "needs at least one source field").max(100),
  ...unit,
});

const ArrayBaseSchema = z.object({ type: z.literal("ARRAY"), ...base });
const ArrayFieldSchema = ArrayBaseSchema.extend({
  get fields(): z.ZodArray<z.ZodType<FieldConfig>> {
    return z.array(FieldConfigSchema).min(1, "ARRAY needs at least one item field").max(MAX_FIELDS_PER_LEVEL);
  },
});

type TextField = z.output<typeof TextFieldSchema>;
export type ScalarField =
  | TextField
  | z.output<typeof TextareaFieldSchema>
  | z.output<typeof IntegerFieldSchema>
  | z.output<typeof DecimalFieldSchema>
  | z.output<typeof DateFieldSchema>
  | z.output<typeof DateTimeFieldSchema>
  | z.output<typeof TimeFieldSchema>
  | z.output<typeof EnumFieldSchema>
  | z.output<typeof BooleanFieldSchema>
  | z.output<typeof EmailFieldSchema>
  | z.output<typeof IbanFieldSchema>
  | z.output<typeof CountryFieldSchema>
  | z.output<typeof CurrencyCodeFieldSchema>
  | z.output<typeof CurrencyAmountFieldSchema>;
export type AddressField = z.output<typeof AddressFieldSchema>;
export type CalculatedField = z.output<typeof CalculatedFieldSchema>;
export type ArrayField = z.output<typeof ArrayBaseSchema> & { fields: FieldConfig[] };
export type FieldConfig = ScalarField | AddressField | CalculatedField | ArrayField;

/** `item_schema: {fields}` (SDK v1) → `fields`; lowercase type names → uppercase. */
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function normalizeLegacyField(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  if (typeof copy.type === "string") copy.type = copy.type.toUpperCase();
  if (copy.type === "ARRAY" && !("fields" in copy) && isPlainObject(copy.item_schema)) {
    copy.fields = copy.item_schema.fields;
    delete copy.item_schema;
  }
  return copy;
}

export const FieldConfigSchema: z.ZodType<FieldConfig> = z
  .preprocess(
    normalizeLegacyField,
    z.discriminatedUnion("type", [
      TextFieldSchema, TextareaFieldSchema, IntegerFieldSchema, DecimalFieldSchema, DateFieldSchema, DateTimeFieldSchema,
      TimeFieldSchema, EnumFieldSchema, BooleanFieldSchema, EmailFieldSchema, IbanFieldSchema, CountryFieldSchema,
      CurrencyCodeFieldSchema, CurrencyAmountFieldSchema, AddressFieldSchema, ArrayFieldSchema, CalculatedFieldSchema,
    ]),
  )
  .openapi("ExtractionField", {
    description: "One field to extract. ARRAY items also accept the legacy `item_schema: {fields}`.",
  }) as unknown as z.ZodType<FieldConfig>;

/** The `schema` of an extraction request: its fields. */
export const ExtractionSchemaSchema = z
  .object({ fields: z.array(FieldConfigSchema).min(1, "at least one field is required").max(MAX_FIELDS_PER_LEVEL) })
  .openapi("ExtractionSchema");
export type ExtractionSchema = z.output<typeof ExtractionSchemaSchema>;

const ExtractionFieldResultSchema = z
  .object({
    type: z.enum(FIELD_TYPES),
    value: z.unknown().openapi({
      description:
        "TEXT/TEXTAREA/EMAIL/IBAN/COUNTRY/CURRENCY_CODE: string; INTEGER/DECIMAL/CURRENCY_AMOUNT/CALCULATED: number; " +
        "DATE `YYYY-MM-DD`, DATETIME ISO 8601, TIME `HH:MM:SS`; ENUM: string[]; BOOLEAN; ADDRESS: " +
        "`{street, city, region, postal_code, country}`; ARRAY: objects of these results keyed by item field name.",
    }),
    confidence: z.number().min(0).max(1),
    citations: z.array(z.string()).openapi({ description: "The verbatim text the value was read from." }),
    source: z.string().openapi({ description: "The file the value came from; empty for defaults." }),
  })
  .openapi("ExtractionFieldResult");

/** `data` of an extraction: each found field by name. */
export const ExtractionResultSchema = z.record(z.string(), ExtractionFieldResultSchema).openapi("ExtractionResult");

type Path = (string | number)[];

/**
 * The schema rules a single field cannot check. Stops at the first failure (as the contract says) and names
 * the field by its path, e.g. `schema.fields.2.source_field_names.1`.
 */
export function refineExtractionSchema(input: { schema: ExtractionSchema }, ctx: z.RefinementCtx): void {
  const problem = checkFields(input.schema.fields, ["schema", "fields"], 1);
  if (problem) {
    ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  }
}

function checkFields(fields: FieldConfig[], path: Path, depth: number): { path: Path; message: string } | undefined {
  const byName = new Map<string, FieldConfig>();
  for (const [index, field] of fields.entries()) {
    if (byName.has(field.name)) {
      return { path: [...path, index, "name"], message: `duplicate field name "${field.name}"; names must be unique` };
    }
    byName.set(field.name, field);
  }
  for (const [index, field] of fields.entries()) {
    const at = [...path, index];
    const problem = checkField(field, at, byName, depth);
    if (problem) return problem;
  }
  // Cycles among CALCULATED fields: depth-first search with the path kept for the message.
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "visiting") return [...trail, name];
    const field = byName.get(name);
    if (field?.type !== "CALCULATED") return undefined;
    state.set(name, "visiting");
    for (const source of field.source_field_names) {
      const cycle = visit(source, [...trail, name]);
      if (cycle) return cycle;
    }
    state.set(name, "done");
    return undefined;
  };
  for (const [index, field] of fields.entries()) {
    const cycle = field.type === "CALCULATED" ? visit(field.name, []) : undefined;
    if (cycle) {
      const start = cycle.indexOf(cycle.at(-1)!);
      return {
        path: [...path, index, "source_field_names"],
        message: `CALCULATED field "${field.name}" is part of a cycle: ${cycle.slice(start).join(" → ")}`,
      };
    }
  }
  return undefined;
}

function checkField(field: FieldConfig, at: Path, siblings: Map<string, FieldConfig>, depth: number): { path: Path; message: string } | undefined {
  const fail = (key: string, message: string) => ({ path: [...at, key], message: `field "${field.name}": ${message}` });
  if ("min" in field && field.min !== undefined && field.max !== undefined && field.min > field.max) {
    return fail("min", "min must not be greater than max");
  }
  if ("default_value" in field && typeof field.default_value === "number") {
    const { min, max } = field as { min?: number; max?: number };
    if ((min !== undefined && field.default_value < min) || (max !== undefined && field.default_value > max)) {
      return fail("default_value", "default_value must lie between min and max");
    }
  }
  switch (field.type) {
    case "ENUM": {
      if (field.min_selected !== undefined && field.max_selected !== undefined && field.min_selected > field.max_selected) {
        return fail("min_selected", "min_selected must not be greater than max_selected");
      }
      if (field.min_selected !== undefined && field.min_selected > field.values.length) {
        return fail("min_selected", "min_selected must not be greater than the number of values");
      }
      if (new Set(field.values).size !== field.values.length) {
        return fail("values", "values must be unique");
      }
      if (field.default_value) {
        const unknown = field.default_value.find((value) => !field.values.includes(value));
        if (unknown !== undefined) return fail("default_value", `default value "${unknown}" is not one of the values`);
        if (field.max_selected !== undefined && field.default_value.length > field.max_selected) {
          return fail("default_value", "default_value has more entries than max_selected");
        }
        if (field.min_selected !== undefined && field.default_value.length < field.min_selected) {
          return fail("default_value", "default_value has fewer entries than min_selected");
        }
      }
      return undefined;
    }
    case "ADDRESS": {
      const country = field.default_value?.country;
      if (country != null && !isCountryCode(country)) return fail("default_value", "default_value.country must be an ISO 3166-1 alpha-2 code");
      if (country != null && field.allowed_country_codes && !field.allowed_country_codes.includes(country)) {
        return fail("default_value", "default_value.country is not one of allowed_country_codes");
      }
      return undefined;
    }
    case "CALCULATED": {
      for (const [index, source] of field.source_field_names.entries()) {
        const target = siblings.get(source);
        if (!target) return { path: [...at, "source_field_names", index], message: `field "${field.name}": source field "${source}" does not exist among its sibling fields` };
        if (source === field.name) return { path: [...at, "source_field_names", index], message: `field "${field.name}": a CALCULATED field cannot use itself` };
        if (!NUMERIC_TYPES.has(target.type)) {
          return {
            path: [...at, "source_field_names", index],
            message: `field "${field.name}": source field "${source}" is ${target.type}; sources must be INTEGER, DECIMAL, CURRENCY_AMOUNT or CALCULATED`,
          };
        }
      }
      return undefined;
    }
    case "ARRAY": {
      if (depth >= MAX_ARRAY_DEPTH) return fail("fields", `ARRAY fields nest at most ${MAX_ARRAY_DEPTH} levels deep`);
      return checkFields(field.fields, [...at, "fields"], depth + 1);
    }
    default:
      return undefined;
  }
}
