import type { HuntRow, RuleAlert } from '../detections/detection.js';
import { DETECTIONS } from '../detections/registry.js';
import { inlineCode, inlineCodeList, inlineText } from './escape.js';
import { findingCount, type CoverageEntry, type Report, type ScanStatus } from './model.js';
import { markdownTable, type TableLimits } from './table.js';

/**
 * The Markdown report: the CLI's `--format markdown`, the job summary, and
 * (through the exported sections) the tracking issue. Every value that comes
 * from CloudTrail or an AWS API goes through escape.ts; only fixed text and
 * numbers are written as they are.
 */

const HEADLINES: Record<ScanStatus, string> = {
  clean: '✅ No deleted or stopped service logging found',
  findings: '🚨 Service logging was deleted or stopped (or someone tried)',
  incomplete: '⚠️ Coverage incomplete: some accounts or regions could not be read',
};

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * A timestamp or day from the report: the engine writes them with
 * toISOString, so they are shown as they are when they have that shape, and
 * escaped like any other value otherwise.
 */
export const when = (value: string): string => (/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(value) ? value : inlineText(value, 40));

export function windowLine(report: Report): string {
  const days = Math.round((Date.parse(report.window.end) - Date.parse(report.window.start)) / 86_400_000);
  return `**Window:** ${when(report.window.start)} to ${when(report.window.end)} (UTC, ${plural(days, 'day')}, start excluded)`;
}

export function outcomeText(outcome: 'success' | 'failure'): string {
  return outcome === 'success' ? '**deleted / stopped**' : 'attempted (failed)';
}

export interface HuntTableOptions {
  /** Adds a column with the rows' CloudTrail event ids (the issue lists exactly which events it reports). */
  eventIds?: boolean;
}

export function huntRowHeaders(options: HuntTableOptions = {}): string[] {
  const headers = ['Day (UTC)', 'Action', 'Outcome', 'Principal (ARN)', 'Events', 'Accounts', 'Regions', 'First / last seen (UTC)'];
  return options.eventIds === true ? [...headers, 'Event IDs'] : headers;
}

export function huntRowCells(row: HuntRow, options: HuntTableOptions = {}): string[] {
  const cells = [
    when(row.date),
    `${inlineCode(row['event.action'])} on ${inlineCode(row['event.provider'])}`,
    outcomeText(row['event.outcome']),
    inlineCode(row['aws.cloudtrail.user_identity.arn']),
    String(row.service_logging_delete_count),
    inlineCodeList(row.accounts),
    inlineCodeList(row.regions),
    row.first_seen === row.last_seen ? when(row.first_seen) : `${when(row.first_seen)} / ${when(row.last_seen)}`,
  ];
  return options.eventIds === true ? [...cells, inlineCodeList(row.event_ids, 10, 80)] : cells;
}

export function huntRowsTable(rows: readonly HuntRow[], limits: TableLimits = {}, options: HuntTableOptions = {}): string {
  return markdownTable(huntRowHeaders(options), rows.map((row) => huntRowCells(row, options)), limits);
}

export const ALERT_HEADERS: readonly string[] = [
  'Time (UTC)',
  'Severity',
  'Account',
  'Region',
  'Principal (ARN)',
  'User',
  'Source address',
  'User agent',
  'Request parameters',
  'Event ID',
];

export function alertCells(alert: RuleAlert): string[] {
  return [
    when(alert['@timestamp']),
    `${inlineText(alert.severity, 20)} (risk ${alert.risk_score})`,
    inlineCode(alert['cloud.account.id'] ?? alert['origin.account']),
    inlineCode(alert['cloud.region']),
    inlineCode(alert['aws.cloudtrail.user_identity.arn']),
    inlineCode(alert['user.name']),
    inlineCode(alert['source.address']),
    inlineCode(alert['user_agent.original']),
    inlineCode(alert['aws.cloudtrail.request_parameters']),
    inlineCode(alert.event_id),
  ];
}

export function alertsTable(alerts: readonly RuleAlert[], limits: TableLimits = {}): string {
  return markdownTable(ALERT_HEADERS, alerts.map(alertCells), limits);
}

/** Coverage by account: how many regions were read, and each pair that was not (with AWS's error). */
export function coverageSection(report: Report, limits: TableLimits = {}): string {
  if (report.coverage.length === 0) {
    const { stats } = report;
    return stats.files_read > 0
      ? `Read ${plural(stats.files_read, 'file')} of exported CloudTrail logs (no AWS account or region was queried).`
      : 'No AWS account or region was read.';
  }
  const accounts = new Map<string, CoverageEntry[]>();
  for (const entry of report.coverage) accounts.set(entry.account, [...(accounts.get(entry.account) ?? []), entry]);
  const rows = [...accounts.entries()].map(([account, entries]) => {
    const name = entries.find((entry) => entry.account_name !== undefined)?.account_name;
    const read = entries.filter((entry) => entry.status === 'ok');
    const unread = entries.filter((entry) => entry.status === 'error');
    return [
      inlineCode(account) + (name !== undefined ? ` (${inlineCode(name, 60)})` : ''),
      read.length === 0 ? '0' : `${read.length}: ${inlineCodeList(read.map((entry) => entry.region), 30, 30)}`,
      unread.length === 0
        ? '—'
        : unread.map((entry) => `${inlineCode(entry.region, 30)}${entry.error !== undefined ? ` (${inlineCode(entry.error, 300)})` : ''}`).join('; '),
    ];
  });
  return markdownTable(['Account', 'Regions read', 'Not read'], rows, limits);
}

/** The investigation steps of the detections that produced results, in registry order. */
export function nextSteps(detectionIds: ReadonlySet<string>): string {
  const parts: string[] = [];
  for (const detection of DETECTIONS) {
    if (!detectionIds.has(detection.id)) continue;
    parts.push(`**${detection.name}** (MITRE ATT&CK ${detection.mitre.id}, ${detection.mitre.name})`);
    parts.push(detection.investigation.map((step, index) => `${index + 1}. ${step}`).join('\n'));
  }
  return parts.join('\n\n');
}

/** Ids of the detections that have rows or alerts in the report. */
export function firedDetections(report: Pick<Report, 'hunts' | 'alerts'>): Set<string> {
  const ids = new Set<string>();
  for (const hunt of report.hunts) if (hunt.rows.length > 0) ids.add(hunt.id);
  for (const alert of report.alerts) ids.add(alert.rule);
  return ids;
}

export function statsLine(report: Report): string {
  const { stats } = report;
  return (
    `Read ${plural(stats.records_read, 'record')}: ${stats.events_matched} in scope, ${stats.records_outside_window} outside the window, ` +
    `${stats.duplicates_dropped} duplicates dropped, ${stats.records_skipped} skipped as malformed.`
  );
}

export interface MarkdownOptions {
  /** Top heading level (1 = `#`). The job summary and CLI use 2. */
  headingLevel?: number;
  /** Budget per table; keeps a job summary under GitHub's 1 MiB limit. */
  tableLimits?: TableLimits;
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const h = (offset: number): string => '#'.repeat(Math.min(6, (options.headingLevel ?? 2) + offset));
  const limits = options.tableLimits ?? { maxRows: 200, maxChars: 300_000 };
  const rows = findingCount(report);
  const fired = firedDetections(report);
  const parts: string[] = [
    `${h(0)} logging-tamper-guard: ${HEADLINES[report.status]}`,
    [
      `**Status:** \`${report.status}\` — ${plural(rows, 'hunt row')}, ${plural(report.alerts.length, 'rule alert')}`,
      windowLine(report),
      statsLine(report),
    ].join('<br>\n'),
    `${h(1)} Coverage`,
    coverageSection(report, limits),
  ];
  for (const hunt of report.hunts) {
    parts.push(`${h(1)} Hunt: ${hunt.name}`);
    parts.push(hunt.rows.length === 0 ? 'No rows.' : huntRowsTable(hunt.rows, limits));
  }
  for (const detection of DETECTIONS) {
    if (detection.kind !== 'rule') continue;
    const alerts = report.alerts.filter((alert) => alert.rule === detection.id);
    parts.push(`${h(1)} Rule: ${detection.name} (severity ${detection.severity}, risk score ${detection.riskScore})`);
    parts.push(alerts.length === 0 ? 'No alerts.' : alertsTable(alerts, limits));
  }
  if (fired.size > 0) {
    parts.push(`${h(1)} Next steps`);
    parts.push(nextSteps(fired));
  }
  return parts.join('\n\n') + '\n';
}
