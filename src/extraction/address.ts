/**
 * Postal addresses from one to six lines (or one line with commas): the street is the line with a house
 * number, the locality line is recognized by its postal code pattern (`10115 Berlin`, `Springfield, IL 62704`,
 * `London SW1A 1AA`, `75008 Paris`), a line that is a country name or code is the country. Lines before the
 * street (a company or person) are not part of the address.
 */
import { countryCode } from "./reference-data";

export interface Address {
  street: string | null;
  city: string | null;
  region: string | null;
  postal_code: string | null;
  country: string | null;
}

const US_STATES = new Set(
  "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC".split(" "),
);
const CA_PROVINCES = new Set("AB BC MB NB NL NS NT NU ON PE QC SK YT".split(" "));

interface Locality {
  city: string;
  region: string | null;
  postal_code: string;
  country?: string;
}

function parseLocality(line: string): Locality | undefined {
  const text = line.trim().replace(/,$/, "");
  // US: City, ST 12345(-6789)
  let match = /^(.+?),?\s+([A-Z]{2})\.?\s+(\d{5}(?:-\d{4})?)$/.exec(text);
  if (match && US_STATES.has(match[2]!)) return { city: match[1]!.replace(/,$/, ""), region: match[2]!, postal_code: match[3]!, country: "US" };
  // Canada: City, QC H2X 1Y4
  match = /^(.+?),?\s+([A-Z]{2})\s+([A-Z]\d[A-Z] ?\d[A-Z]\d)$/.exec(text);
  if (match && CA_PROVINCES.has(match[2]!)) return { city: match[1]!.replace(/,$/, ""), region: match[2]!, postal_code: match[3]!, country: "CA" };
  // UK: London SW1A 1AA / SW1A 1AA London
  match = /^(.+?),?\s+([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/.exec(text);
  if (match) return { city: match[1]!.replace(/,$/, ""), region: null, postal_code: match[2]!, country: "GB" };
  // Netherlands: 1012 AB Amsterdam
  match = /^(\d{4} ?[A-Z]{2})\s+(.+)$/.exec(text);
  if (match) return { city: match[2]!, region: null, postal_code: match[1]!, country: "NL" };
  // Continental Europe and most of the world: [CC-]12345 City
  match = /^(?:([A-Z]{1,2})[- ])?(\d{4,6}|\d{2}-\d{3}|\d{3} \d{2})\s+(.+)$/.exec(text);
  if (match) return { city: match[3]!, region: null, postal_code: match[2]!, ...(match[1] && countryCode(match[1]) ? { country: countryCode(match[1])! } : {}) };
  // City 12345 (some Latin American and Asian layouts)
  match = /^([^\d,]+?),?\s+(\d{4,6})$/.exec(text);
  if (match) return { city: match[1]!, region: null, postal_code: match[2]! };
  return undefined;
}

const STREET = /\d+[a-z]?\b.*\p{L}{2,}|\p{L}{2,}.*\b\d+[a-z]?(\s*[-/]\s*\d+[a-z]?)?$|\b(p\.?o\.? box|postfach|street|st\.|road|rd\.|avenue|ave\.|straße|strasse|str\.|weg|gasse|platz|allee|rue|calle|via)\b/iu;

/** Lines (or one comma-separated line) → an address, or undefined when no locality line is found. */
export function parseAddress(lines: string[]): Address | undefined {
  let parts = lines.map((line) => line.trim()).filter(Boolean);
  if (parts.length === 1) {
    parts = parts[0]!.split(/\s*[,;]\s*/);
    // `Springfield, IL 62704` was split apart: join a lone `ST 12345` back to the city before it.
    for (let index = parts.length - 1; index > 0; index--) {
      if (/^[A-Z]{2}\.? \d{5}(-\d{4})?$|^[A-Z]{2} [A-Z]\d[A-Z] ?\d[A-Z]\d$/.test(parts[index]!)) {
        parts.splice(index - 1, 2, `${parts[index - 1]}, ${parts[index]}`);
      }
    }
  }
  parts = parts.slice(0, 6);
  let country: string | null = null;
  const last = parts.at(-1);
  if (last && parts.length > 1 && countryCode(last) && !parseLocality(last)) {
    country = countryCode(last)!;
    parts = parts.slice(0, -1);
  }
  let localityIndex = -1;
  let locality: Locality | undefined;
  for (let index = parts.length - 1; index >= 0; index--) {
    locality = parseLocality(parts[index]!);
    if (locality) {
      localityIndex = index;
      break;
    }
  }
  if (!locality) {
    return undefined;
  }
  // A country line may also follow the locality line directly (with more lines after it).
  const after = parts[localityIndex + 1];
  if (country === null && after !== undefined && countryCode(after)) {
    country = countryCode(after)!;
  }
  const before = parts.slice(0, localityIndex);
  const streetLines = before.filter((line) => STREET.test(line));
  const street = streetLines.length > 0 ? streetLines.join(", ") : (before.at(-1) ?? null);
  return {
    street,
    city: locality.city,
    region: locality.region,
    postal_code: locality.postal_code,
    country: country ?? locality.country ?? null,
  };
}
