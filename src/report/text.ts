import type { RuleAlert } from '../detections/detection.js';
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
import { replaceUnsafeCharacters } from './escape.js';
import { headlineOf, statsTail } from './headline.js';
import { findingCount, type CoverageEntry, type Report, type SkippedAccount } from './model.js';

/**
 * Plain-text rendering for terminals. Values are printed as they are, but
 * the characters the Markdown escaping replaces are replaced here too:
 * control characters (which could rewrite the terminal) and bidirectional
 * overrides and isolates (which reorder what is shown around a value, so an
 * ARN or event id reads as something else).
 */
const printable = (value: string | null): string => (value === null ? '(none)' : replaceUnsafeCharacters(value));

function shortName(name: string): string {
  const codePoints = Array.from(name);
  return codePoints.length <= ACCOUNT_NAME_MAX_LENGTH ? name : `${codePoints.slice(0, ACCOUNT_NAME_MAX_LENGTH).join('')}… (${codePoints.length} characters)`;
}

/** `123456789012 (prod)`, or the id alone when the name is not known. */
const accountLabel = (account: NamedAccount): string =>
  account.name !== undefined ? `${printable(account.id)} (${printable(shortName(account.name))})` : printable(account.id);

const accountList = (ids: readonly string[], names: AccountNames): string => ids.map((id) => accountLabel(named(id, names))).join(', ') || '(unknown account)';

function coverageLine(entry: CoverageEntry): string {
  const account = accountLabel(withName(entry.account, entry.account_name));
  const error = entry.error !== undefined ? ` - ${printable(entry.error)}` : '';
  if (isWholeAccount(entry)) return `coverage ${account} all regions: account not read${error}`;
  return `coverage ${account} ${printable(entry.region)}: ${entry.status}${error}`;
}

function skippedLine(skipped: readonly SkippedAccount[]): string {
  const listed = skipped.map((entry) => `${accountLabel(withName(entry.account, entry.account_name))} is ${printable(entry.state)}`);
  return `${skipped.length} account${skipped.length === 1 ? '' : 's'} skipped: not ACTIVE in AWS Organizations: ${listed.join(', ')}`;
}

/** The account read and, when it differs, the caller's: see alertAccounts. */
function alertAccountText(alert: RuleAlert, names: AccountNames): string {
  const { readIn, callerAccount } = alertAccounts(alert, names);
  if (readIn === null) return 'account (none)';
  if (callerAccount === null) return `account ${accountLabel(readIn)}`;
  return `read in account ${accountLabel(readIn)}; caller account ${accountLabel(callerAccount)}`;
}

/**
 * Files carry no account/region coverage to check: "yes" would overclaim,
 * since a synced log tree that lacks days or regions looks just as complete.
 */
function coverageVerdict(report: Report): string {
  if (!report.coverage_complete) return 'no';
  if (report.coverage.length === 0 && report.stats.files_read > 0) return 'yes, of the files given (no AWS account or region was queried)';
  return 'yes';
}

export function renderText(report: Report): string {
  const lines: string[] = [];
  const { stats } = report;
  lines.push(headlineOf(report).text);
  lines.push(`status: ${report.status}`);
  lines.push(`coverage complete: ${coverageVerdict(report)}`);
  lines.push(`window: ${report.window.start} .. ${report.window.end} (start excluded)`);
  lines.push(
    `read ${stats.records_read} records${stats.files_read > 0 ? ` from ${stats.files_read} files` : ''}: ${statsTail(stats)}`,
  );
  const names = accountNamesOf(report);
  for (const entry of report.coverage) lines.push(coverageLine(entry));
  if (report.skipped_accounts !== undefined && report.skipped_accounts.length > 0) lines.push(skippedLine(report.skipped_accounts));
  for (const hunt of report.hunts) {
    lines.push('');
    lines.push(`hunt ${hunt.id}: ${hunt.rows.length} row(s)`);
    for (const row of hunt.rows) {
      lines.push(
        `  ${row.date}  ${row['event.action']} (${row['event.provider']}) ${row['event.outcome']} x${row.service_logging_delete_count}` +
          `  by ${printable(row['aws.cloudtrail.user_identity.arn'])}  in ${row.regions.map(printable).join(',') || '(unknown region)'}  account ${accountList(row.accounts, names)}`,
      );
    }
  }
  lines.push('');
  lines.push(`rule alerts: ${report.alerts.length}`);
  for (const alert of report.alerts) {
    lines.push(
      `  ${alert['@timestamp']}  ${alert.rule} [${alert.severity}/${alert.risk_score}]  ${alertAccountText(alert, names)} ` +
        `region ${printable(alert['cloud.region'])}  by ${printable(alert['aws.cloudtrail.user_identity.arn'])} from ${printable(alert['source.address'])}  event ${printable(alert.event_id)}`,
    );
  }
  lines.push('');
  lines.push(`${findingCount(report)} finding row(s), ${report.alerts.length} alert(s)`);
  return lines.join('\n') + '\n';
}
