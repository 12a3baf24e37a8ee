// Field-level scoring of extraction results against a corpus entry's expected values, shared by the
// benchmark (bench/extraction.mjs) and the accuracy test. A wrong value counts as a false positive and a
// false negative; ARRAY items are compared by position, each item field scored as a field of its own type;
// an ADDRESS is right when street, city, postal code and country all match.

const norm = (value) => String(value ?? "").normalize("NFC").replace(/\s+/g, " ").trim().toLowerCase();

export function sameValue(type, expected, actual) {
  if (actual === undefined) return false;
  switch (type) {
    case "INTEGER":
    case "DECIMAL":
    case "CURRENCY_AMOUNT":
    case "CALCULATED":
      return typeof actual === "number" && Math.abs(actual - expected) < 0.005;
    case "ENUM":
      return Array.isArray(actual) && actual.length === expected.length && expected.every((value) => actual.includes(value));
    case "ADDRESS":
      return ["street", "city", "postal_code", "country"].every((key) => norm(expected[key]) === norm(actual?.[key]));
    case "BOOLEAN":
      return actual === expected;
    default:
      return norm(actual) === norm(expected);
  }
}

/** Adds one document's outcome to `tally` ({[type]: {tp, fp, fn}}) and returns its misses for printing. */
export function scoreDocument(fields, expected, data, tally) {
  const misses = [];
  const count = (type, key) => {
    tally[type] ??= { tp: 0, fp: 0, fn: 0 };
    tally[type][key]++;
  };
  const visit = (fieldList, want, got, prefix) => {
    for (const field of fieldList) {
      const expectedValue = want[field.name];
      const result = got?.[field.name];
      if (field.type === "ARRAY") {
        const expectedItems = expectedValue ?? [];
        const actualItems = Array.isArray(result?.value) ? result.value : [];
        const length = Math.max(expectedItems.length, actualItems.length);
        for (let index = 0; index < length; index++) {
          visit(field.fields, expectedItems[index] ?? {}, actualItems[index] ?? {}, `${prefix}${field.name}[${index}].`);
        }
        continue;
      }
      const actualValue = result?.value;
      if (expectedValue === undefined) {
        if (actualValue !== undefined) {
          count(field.type, "fp");
          misses.push(`${prefix}${field.name}: expected nothing, got ${JSON.stringify(actualValue)}`);
        }
        continue;
      }
      if (sameValue(field.type, expectedValue, actualValue)) {
        count(field.type, "tp");
        continue;
      }
      count(field.type, "fn");
      if (actualValue !== undefined) count(field.type, "fp");
      misses.push(`${prefix}${field.name}: expected ${JSON.stringify(expectedValue)}, got ${JSON.stringify(actualValue)}`);
    }
  };
  visit(fields, expected, data, "");
  return misses;
}

export function summarize(tally) {
  const total = { tp: 0, fp: 0, fn: 0 };
  const rows = Object.entries(tally)
    .sort(([p], [q]) => p.localeCompare(q))
    .map(([type, counts]) => {
      total.tp += counts.tp;
      total.fp += counts.fp;
      total.fn += counts.fn;
      return { type, ...counts, ...prf(counts) };
    });
  return { overall: { ...total, ...prf(total) }, byType: rows };
}

function prf({ tp, fp, fn }) {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
