/**
 * Jupyter notebooks (`.ipynb`, nbformat 4 and 3): cells in order, markdown cells as markdown (readers/markup.ts),
 * code cells fenced in the notebook's language, their text output (streams, plain-text results, errors) fenced
 * after them; raw cells fenced as they are. Pictures in the outputs are not read.
 */
import { ApiError } from "../../errors";
import { DocumentBuilder } from "../builder";
import type { DocumentModel } from "../model";
import { readMarkup } from "./markup";

interface Cell {
  cell_type?: string;
  source?: string | string[];
  input?: string | string[];
  outputs?: { output_type?: string; text?: string | string[]; data?: Record<string, unknown>; traceback?: string[]; ename?: string; evalue?: string }[];
}

const joined = (value: unknown) => (Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "");
/** Terminal colour codes in tracebacks. */
const plainTerminal = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

/** Whether parsed JSON is a notebook. */
export function isNotebook(data: unknown): data is { cells?: Cell[]; worksheets?: { cells?: Cell[] }[]; metadata?: Record<string, any> } {
  return typeof data === "object" && data !== null && "nbformat" in data && (Array.isArray((data as { cells?: unknown }).cells) || Array.isArray((data as { worksheets?: unknown }).worksheets));
}

export function readNotebookText(text: string, name: string): DocumentModel {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    throw new ApiError(422, `${name}: the file is not a readable Jupyter notebook (it is not valid JSON)`);
  }
  if (!isNotebook(data)) throw new ApiError(422, `${name}: the file is not a readable Jupyter notebook (it has no nbformat and cells)`);
  return readNotebook(data, name);
}

export function readNotebook(notebook: Parameters<typeof isNotebook>[0] & object, name: string): DocumentModel {
  const data = notebook as { cells?: Cell[]; worksheets?: { cells?: Cell[] }[]; metadata?: Record<string, any> };
  const language = String(data.metadata?.kernelspec?.language ?? data.metadata?.language_info?.name ?? data.metadata?.language ?? "").toLowerCase() || undefined;
  const cells = data.cells ?? data.worksheets?.flatMap((sheet) => sheet.cells ?? []) ?? [];
  const builder = new DocumentBuilder(name);
  for (const cell of cells) {
    const source = joined(cell.source ?? cell.input);
    if (cell.cell_type === "markdown" || cell.cell_type === "heading") {
      builder.append(readMarkup(source, name, "markdown").pages[0]!.blocks);
    } else if (cell.cell_type === "code") {
      builder.code(source, language);
      const output = (cell.outputs ?? []).map(outputText).filter(Boolean).join("\n");
      if (output.trim()) builder.code(output);
    } else {
      builder.code(source);
    }
  }
  return builder.finish();
}

function outputText(output: NonNullable<Cell["outputs"]>[number]): string {
  if (output.output_type === "stream") return joined(output.text);
  if (output.output_type === "error") return plainTerminal((output.traceback ?? []).join("\n")) || `${output.ename ?? "Error"}: ${output.evalue ?? ""}`;
  return joined(output.data?.["text/plain"] ?? output.text);
}
