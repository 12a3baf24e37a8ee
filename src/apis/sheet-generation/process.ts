/**
 * One workbook in the requested format. The request was checked whole at accept (values, merges, formulas,
 * budgets), so writing cannot meet bad input; a writer's own failure is a 422 (refunded), never a 500.
 */
import { ApiError } from "../../errors";
import { loadCustomFonts } from "../../graphics/fonts";
import type { ProcessDeps, ProcessResult } from "../define";
import type { GenerateSheetRequest } from "./schema";

export const MIME_TYPES = {
  csv: "text/csv",
  markdown: "text/markdown",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;

export async function generateSheet(input: GenerateSheetRequest, deps: ProcessDeps): Promise<ProcessResult> {
  try {
    if (input.format === "xlsx") {
      // SpreadsheetML cannot carry font files: the workbook names the family and the reader's font draws it. The
      // files are still read and checked, so a declared font that is not one fails the request instead of vanishing.
      await loadCustomFonts(input.fonts ?? [], deps.fetcher);
      const { renderXlsx } = await import("./xlsx");
      return { kind: "binary", bytes: await renderXlsx(input), mimeType: MIME_TYPES.xlsx };
    }
    const { renderCsv, renderMarkdown } = await import("./text");
    const text = input.format === "csv" ? renderCsv(input) : renderMarkdown(input);
    return { kind: "binary", bytes: new TextEncoder().encode(text), mimeType: MIME_TYPES[input.format] };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    console.error(JSON.stringify({ event: "sheet_render_failed", format: input.format, error: err instanceof Error ? err.message : String(err) }));
    throw new ApiError(422, `sheets: the ${input.format.toUpperCase()} could not be written`);
  }
}
