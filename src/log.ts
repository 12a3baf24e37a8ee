/**
 * One structured JSON line per event (job state change, delivery attempt). Ids and outcomes only:
 * never payloads, keys or secrets.
 */
export interface LogFields {
  event: string;
  job_id?: string;
  api?: string;
  account_id?: string;
  outcome?: string;
  duration_ms?: number;
  [key: string]: string | number | boolean | null | undefined;
}

export function logEvent(fields: LogFields): void {
  console.log(JSON.stringify({ ...fields, at: new Date().toISOString() }));
}
