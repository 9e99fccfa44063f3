import { findingCount, type Report } from './model.js';

/**
 * Plain-text rendering for terminals. Values are printed as they are, but
 * control characters (which could rewrite the terminal) are replaced.
 */
const printable = (value: string | null): string =>
  // eslint-disable-next-line no-control-regex
  value === null ? '(none)' : value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\uFFFD');

export function renderText(report: Report): string {
  const lines: string[] = [];
  const { stats } = report;
  lines.push(`status: ${report.status}`);
  lines.push(`window: ${report.window.start} .. ${report.window.end} (start excluded)`);
  lines.push(
    `read ${stats.records_read} records${stats.files_read > 0 ? ` from ${stats.files_read} files` : ''}: ` +
      `${stats.events_matched} in scope, ${stats.records_outside_window} outside the window, ` +
      `${stats.duplicates_dropped} duplicates dropped, ${stats.records_skipped} skipped as malformed`,
  );
  for (const entry of report.coverage) {
    const name = entry.account_name !== undefined ? ` (${printable(entry.account_name)})` : '';
    lines.push(`coverage ${entry.account}${name} ${entry.region}: ${entry.status}${entry.error !== undefined ? ` - ${printable(entry.error)}` : ''}`);
  }
  for (const hunt of report.hunts) {
    lines.push('');
    lines.push(`hunt ${hunt.id}: ${hunt.rows.length} row(s)`);
    for (const row of hunt.rows) {
      lines.push(
        `  ${row.date}  ${row['event.action']} (${row['event.provider']}) ${row['event.outcome']} x${row.service_logging_delete_count}` +
          `  by ${printable(row['aws.cloudtrail.user_identity.arn'])}  in ${row.regions.map(printable).join(',') || '(unknown region)'}`,
      );
    }
  }
  lines.push('');
  lines.push(`rule alerts: ${report.alerts.length}`);
  for (const alert of report.alerts) {
    lines.push(
      `  ${alert['@timestamp']}  ${alert.rule} [${alert.severity}/${alert.risk_score}]  account ${printable(alert['cloud.account.id'] ?? alert['origin.account'])} ` +
        `region ${printable(alert['cloud.region'])}  by ${printable(alert['aws.cloudtrail.user_identity.arn'])} from ${printable(alert['source.address'])}  event ${printable(alert.event_id)}`,
    );
  }
  lines.push('');
  lines.push(`${findingCount(report)} finding row(s), ${report.alerts.length} alert(s)`);
  return lines.join('\n') + '\n';
}
