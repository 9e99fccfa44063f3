import { ScanEngine, windowEndingAt } from '../../src/engine.js';
import type { Report } from '../../src/report/model.js';

/** The report the scan would produce from these raw records, at `now`, over 7 days. */
export function reportOf(records: readonly unknown[], now = '2024-10-09T00:00:00Z', lookbackDays = 7): Report {
  const engine = new ScanEngine(windowEndingAt(new Date(now), lookbackDays));
  for (const record of records) engine.add(record);
  return engine.finish();
}
