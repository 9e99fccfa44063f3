import type { HuntRow, RuleAlert } from '../detections/detection.js';
import type { SkipReason } from '../cloudtrail/normalize.js';

/**
 * The one model every sink (JSON, Markdown, text, job summary, issue)
 * renders from. Field names of DESIGN.md's report contract are kept as they
 * are; everything else is additive.
 */
export type ScanStatus = 'clean' | 'findings' | 'incomplete';

export interface ScanWindow {
  start: string;
  end: string;
}

/** Whether one (account, region) of a live read was read to the end. */
export interface CoverageEntry {
  account: string;
  account_name?: string;
  region: string;
  status: 'ok' | 'error';
  /** The AWS error code and message when the pair could not be read. */
  error?: string;
  /** LookupEvents requests made for the pair. */
  requests?: number;
  /** Events returned for the pair (before de-duplication). */
  events?: number;
}

export interface HuntResult {
  id: string;
  name: string;
  rows: HuntRow[];
}

export interface ScanStats {
  records_read: number;
  records_skipped: number;
  skipped_by_reason: Partial<Record<SkipReason, number>>;
  records_outside_window: number;
  events_matched: number;
  duplicates_dropped: number;
  files_read: number;
}

export interface Report {
  window: ScanWindow;
  status: ScanStatus;
  coverage: CoverageEntry[];
  hunts: HuntResult[];
  alerts: RuleAlert[];
  stats: ScanStats;
}

export type FailOn = 'success' | 'any' | 'never';

/** The status a report's contents imply: a coverage gap outranks findings, since "clean" cannot be claimed over it. */
export function statusOf(coverage: readonly CoverageEntry[], hunts: readonly HuntResult[], alerts: readonly RuleAlert[]): ScanStatus {
  if (coverage.some((entry) => entry.status === 'error')) return 'incomplete';
  if (alerts.length > 0 || hunts.some((hunt) => hunt.rows.length > 0)) return 'findings';
  return 'clean';
}

export function findingCount(report: Report): number {
  return report.hunts.reduce((sum, hunt) => sum + hunt.rows.length, 0);
}

/**
 * Whether the findings warrant failing under `fail-on`: `success` counts
 * logging that was actually deleted or stopped (hunt rows with outcome
 * success) and every rule alert; `any` adds failed attempts.
 */
export function meetsFailOn(report: Report, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  if (report.alerts.length > 0) return true;
  return report.hunts.some((hunt) =>
    hunt.rows.some((row) => failOn === 'any' || row['event.outcome'] === 'success'),
  );
}

/** CLI exit status: findings that meet fail-on outrank a coverage gap, which outranks clean. */
export function exitCodeOf(report: Report, failOn: FailOn): 0 | 1 | 3 {
  if (meetsFailOn(report, failOn)) return 1;
  if (report.status === 'incomplete') return 3;
  return 0;
}
