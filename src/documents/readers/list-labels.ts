/**
 * List counters as Word writes them, for the DOCX and DOC readers: a number in a level's format (`numFmt` names;
 * the DOC reader maps its `nfc` codes to them).
 */
const ROMAN: [number, string][] = [[1000, "m"], [900, "cm"], [500, "d"], [400, "cd"], [100, "c"], [90, "xc"], [50, "l"], [40, "xl"], [10, "x"], [9, "ix"], [5, "v"], [4, "iv"], [1, "i"]];

function roman(value: number): string {
  let out = "";
  for (let [amount, digits] of ROMAN) while (value >= amount) [out, value] = [out + digits, value - amount];
  return out;
}

/** Word's letter numbering: a…z, then aa…zz, then aaa…. */
function letters(value: number): string {
  const letter = String.fromCharCode(97 + ((value - 1) % 26));
  return letter.repeat(Math.floor((value - 1) / 26) + 1);
}

function ordinal(value: number): string {
  const tens = value % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[value % 10] ?? "th";
  return `${value}${suffix}`;
}

/** A counter in a level's `numFmt`. */
export function formatNumber(value: number, format: string): string {
  switch (format) {
    case "lowerLetter":
      return letters(value);
    case "upperLetter":
      return letters(value).toUpperCase();
    case "lowerRoman":
      return roman(value);
    case "upperRoman":
      return roman(value).toUpperCase();
    case "decimalZero":
      return String(value).padStart(2, "0");
    case "ordinal":
      return ordinal(value);
    case "none":
      return "";
    default:
      return String(value);
  }
}

