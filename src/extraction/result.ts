import type { FieldType } from "./schema";

/** One field of `data`: the contract's ExtractionFieldResult. */
export interface FieldResult {
  type: FieldType;
  value: unknown;
  /** 0..1: how the value was found (see the engines). */
  confidence: number;
  /** The verbatim text the value came from. */
  citations: string[];
  /** The file name it came from. */
  source: string;
}

export type ExtractionData = Record<string, FieldResult>;

export function roundConfidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}
