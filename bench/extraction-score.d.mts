// Types of extraction-score.mjs for the TypeScript tests that share it.
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
export interface Scores extends Counts {
  precision: number;
  recall: number;
  f1: number;
}
export function sameValue(type: string, expected: unknown, actual: unknown): boolean;
export function scoreDocument(fields: unknown[], expected: Record<string, unknown>, data: unknown, tally: Record<string, Counts>): string[];
export function summarize(tally: Record<string, Counts>): { overall: Scores; byType: (Scores & { type: string })[] };
