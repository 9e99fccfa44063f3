import type { HuntRow, RuleAlert } from '../detections/detection.js';
import { DETECTIONS } from '../detections/registry.js';
import {
  ACCOUNT_NAME_MAX_LENGTH,
  accountNamesOf,
  alertAccounts,
  isWholeAccount,
  named,
  withName,
  type AccountNames,
  type NamedAccount,
} from './accounts.js';
import { inlineCode, inlineCodeList, inlineText } from './escape.js';
import { headlineOf, type HeadlineTone, statsTail } from './headline.js';
import { findingCount, type CoverageEntry, type Report, type SkippedAccount } from './model.js';
import { markdownTable, type TableLimits } from './table.js';
import { plural } from './words.js';

/**
 * The Markdown report: the CLI's `--format markdown`, the job summary, and
 * (through the exported sections) the tracking issue. Every value that comes
 * from CloudTrail or an AWS API goes through escape.ts; only fixed text and
 * numbers are written as they are.
 */

const TONE_ICONS: Record<HeadlineTone, string> = { ok: '✅', alarm: '🚨', warning: '⚠️' };

/** The headline with its icon: `🚨 Service logging was deleted or stopped (or someone tried) — and coverage is incomplete: …`. */
export function markdownHeadline(report: Report): string {
  const headline = headlineOf(report);
  return `${TONE_ICONS[headline.tone]} ${headline.text}`;
}

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
  /** Names shown next to the rows' account ids. */
  accountNames?: AccountNames;
}

/** An account as inert inline code, with its (equally inert) name when known: `123456789012` (`prod`). */
export function accountCode(account: NamedAccount): string {
  return inlineCode(account.id) + (account.name !== undefined ? ` (${inlineCode(account.name, ACCOUNT_NAME_MAX_LENGTH)})` : '');
}

/** Account ids with their names, comma separated; at most `maxItems` are shown. */
export function accountCodeList(ids: readonly string[], names: AccountNames, maxItems = 5): string {
  if (ids.length === 0) return '—';
  const shown = ids.slice(0, maxItems).map((id) => accountCode(named(id, names)));
  const rest = ids.length - shown.length;
  return shown.join(', ') + (rest > 0 ? ` and ${rest} more` : '');
}

function huntRowHeaders(options: HuntTableOptions = {}): string[] {
  const headers = ['Day (UTC)', 'Action', 'Outcome', 'Principal (ARN)', 'Events', 'Accounts', 'Regions', 'First / last seen (UTC)'];
  return options.eventIds === true ? [...headers, 'Event IDs'] : headers;
}

function huntRowCells(row: HuntRow, options: HuntTableOptions = {}): string[] {
  const cells = [
    when(row.date),
    `${inlineCode(row['event.action'])} on ${inlineCode(row['event.provider'])}`,
    outcomeText(row['event.outcome']),
    inlineCode(row['aws.cloudtrail.user_identity.arn']),
    String(row.service_logging_delete_count),
    accountCodeList(row.accounts, options.accountNames ?? new Map()),
    inlineCodeList(row.regions),
    row.first_seen === row.last_seen ? when(row.first_seen) : `${when(row.first_seen)} / ${when(row.last_seen)}`,
  ];
  return options.eventIds === true ? [...cells, inlineCodeList(row.event_ids, 10, 80)] : cells;
}

export function huntRowsTable(rows: readonly HuntRow[], limits: TableLimits = {}, options: HuntTableOptions = {}): string {
  return markdownTable(huntRowHeaders(options), rows.map((row) => huntRowCells(row, options)), limits);
}

const ALERT_HEADERS: readonly string[] = [
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

/** The account read and, when it differs, the caller's: see alertAccounts. */
export function alertAccountCell(alert: RuleAlert, names: AccountNames): string {
  const { readIn, callerAccount } = alertAccounts(alert, names);
  if (readIn === null) return '—';
  if (callerAccount === null) return accountCode(readIn);
  return `read in ${accountCode(readIn)}; caller account ${accountCode(callerAccount)}`;
}

function alertCells(alert: RuleAlert, names: AccountNames = new Map()): string[] {
  return [
    when(alert['@timestamp']),
    `${inlineText(alert.severity, 20)} (risk ${alert.risk_score})`,
    alertAccountCell(alert, names),
    inlineCode(alert['cloud.region']),
    inlineCode(alert['aws.cloudtrail.user_identity.arn']),
    inlineCode(alert['user.name']),
    inlineCode(alert['source.address']),
    inlineCode(alert['user_agent.original']),
    inlineCode(alert['aws.cloudtrail.request_parameters']),
    inlineCode(alert.event_id),
  ];
}

export function alertsTable(alerts: readonly RuleAlert[], limits: TableLimits = {}, names: AccountNames = new Map()): string {
  return markdownTable(ALERT_HEADERS, alerts.map((alert) => alertCells(alert, names)), limits);
}

/**
 * Coverage by account: how many regions were read, and each pair that was
 * not (with AWS's error); then the organization accounts that were skipped.
 */
export function coverageSection(report: Report, limits: TableLimits = {}): string {
  const skipped = skippedAccountsNote(report.skipped_accounts ?? []);
  return skipped === undefined ? coverageTable(report, limits) : `${coverageTable(report, limits)}\n\n${skipped}`;
}

function coverageTable(report: Report, limits: TableLimits): string {
  if (report.coverage.length === 0) {
    const { stats } = report;
    return stats.files_read > 0
      ? `Read ${plural(stats.files_read, 'file')} of exported CloudTrail logs (no AWS account or region was queried).`
      : 'No AWS account or region was read.';
  }
  const accounts = new Map<string, CoverageEntry[]>();
  for (const entry of report.coverage) accounts.set(entry.account, [...(accounts.get(entry.account) ?? []), entry]);
  const rows = [...accounts.entries()].map(([account, entries]) => coverageRow(account, entries));
  return markdownTable(['Account', 'Regions read', 'Not read'], rows, limits);
}

function coverageRow(account: string, entries: readonly CoverageEntry[]): string[] {
  const name = entries.find((entry) => entry.account_name !== undefined)?.account_name;
  const read = entries.filter((entry) => entry.status === 'ok');
  const unread = entries.filter((entry) => entry.status === 'error');
  return [
    accountCode(withName(account, name)),
    read.length === 0 ? '0' : `${read.length}: ${inlineCodeList(read.map((entry) => entry.region), 30, 30)}`,
    unread.length === 0 ? '—' : unread.map(unreadCell).join('; '),
  ];
}

/** One pair that was not read; an account not read at all is one entry for every region (region `*`). */
function unreadCell(entry: CoverageEntry): string {
  const where = isWholeAccount(entry) ? 'all regions: account not read' : inlineCode(entry.region, 30);
  return entry.error !== undefined ? `${where} (${inlineCode(entry.error, 300)})` : where;
}

/** Says which organization accounts were left out and why; undefined when none were. */
export function skippedAccountsNote(skipped: readonly SkippedAccount[], maxItems = 20): string | undefined {
  if (skipped.length === 0) return undefined;
  const shown = skipped.slice(0, maxItems).map((entry) => `${accountCode(withName(entry.account, entry.account_name))} is ${inlineCode(entry.state, 40)}`);
  const rest = skipped.length - shown.length;
  const more = rest > 0 ? ` and ${rest} more (the JSON report lists them all)` : '';
  return `${plural(skipped.length, 'account')} skipped: not ACTIVE in AWS Organizations: ${shown.join(', ')}${more}.`;
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
  return `Read ${plural(stats.records_read, 'record')}: ${statsTail(stats)}.`;
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
  const accountNames = accountNamesOf(report);
  const parts: string[] = [
    `${h(0)} logging-tamper-guard: ${markdownHeadline(report)}`,
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
    parts.push(hunt.rows.length === 0 ? 'No rows.' : huntRowsTable(hunt.rows, limits, { accountNames }));
  }
  for (const detection of DETECTIONS) {
    if (detection.kind !== 'rule') continue;
    const alerts = report.alerts.filter((alert) => alert.rule === detection.id);
    parts.push(`${h(1)} Rule: ${detection.name} (severity ${detection.severity}, risk score ${detection.riskScore})`);
    parts.push(alerts.length === 0 ? 'No alerts.' : alertsTable(alerts, limits, accountNames));
  }
  if (fired.size > 0) {
    parts.push(`${h(1)} Next steps`);
    parts.push(nextSteps(fired));
  }
  return parts.join('\n\n') + '\n';
}
