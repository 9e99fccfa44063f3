import type { HuntRow, RuleAlert } from '../detections/detection.js';
import type { SkipReason } from '../cloudtrail/normalize.js';
import type { FailOn } from '../config.js';

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

/**
 * Whether one (account, region) was read to the end. Live reads report every
 * pair they read; any scan adds an error entry where an event the detections
 * need came back unreadable (account and region `unknown` when the record
 * did not say). Region `*` stands for all regions of an account that could
 * not be read at all.
 */
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
  /** File records left out because their `awsRegion` is not one of the `regions` asked for (0 when all regions are read). */
  records_outside_regions: number;
  events_matched: number;
  duplicates_dropped: number;
  files_read: number;
}

/**
 * An organization account that was listed but not read because AWS
 * Organizations does not call it ACTIVE (suspended, closing). Shown so the
 * reader knows, but not a coverage gap: nothing failed to be read, the
 * account was left out by its state.
 */
export interface SkippedAccount {
  account: string;
  account_name?: string;
  /** The account's `State` (or legacy `Status`) in AWS Organizations. */
  state: string;
}

export interface Report {
  window: ScanWindow;
  status: ScanStatus;
  /**
   * False when some (account, region) could not be read. Separate from
   * `status`, which says `findings` whenever there are any: a gap must not
   * hide a deletion, and a deletion must not hide a gap.
   */
  coverage_complete: boolean;
  coverage: CoverageEntry[];
  hunts: HuntResult[];
  alerts: RuleAlert[];
  stats: ScanStats;
  /** Present when an organization scan left accounts out; see SkippedAccount. */
  skipped_accounts?: SkippedAccount[];
}

/** Whether every (account, region) the scan set out to read was read to the end. */
export function isCoverageComplete(coverage: readonly CoverageEntry[]): boolean {
  return coverage.every((entry) => entry.status !== 'error');
}

/**
 * The status a report's contents imply. Findings outrank a coverage gap, as
 * the exit code does: a workflow branching on `findings` must see a deletion
 * even when one region was unreadable (an attacker who denies LookupEvents
 * in one region must not be able to turn `findings` into `incomplete`). The
 * gap stays visible in `coverage_complete`.
 */
/** Whether there is anything to report: a hunt row or a rule alert. */
export function hasFindings(report: { hunts: readonly HuntResult[]; alerts: readonly RuleAlert[] }): boolean {
  return report.alerts.length > 0 || report.hunts.some((hunt) => hunt.rows.length > 0);
}

export function statusOf(coverage: readonly CoverageEntry[], hunts: readonly HuntResult[], alerts: readonly RuleAlert[]): ScanStatus {
  if (hasFindings({ hunts, alerts })) return 'findings';
  if (!isCoverageComplete(coverage)) return 'incomplete';
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
  if (!report.coverage_complete) return 3;
  return 0;
}
