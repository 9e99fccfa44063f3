import { createHash } from 'node:crypto';
import type { HuntRow, RuleAlert } from '../detections/detection.js';
import type { HuntResult, Report } from '../report/model.js';

/**
 * The part of a report not yet reported in a tracking issue. Hunt rows are
 * keyed by CloudTrail event id, rule alerts by `alert:<rule>:<event id>`: one
 * event can be both (a successful DeleteResolverQueryLogConfig), and
 * reporting its row must not silence its alert. Events without an id
 * (possible in exported files, never in Event history) get a stable key from
 * their row or alert instead, so they too are reported once.
 */
export interface NewFindings {
  /** Hunts with only the rows that have new events, narrowed to those (count and ids). */
  hunts: HuntResult[];
  alerts: RuleAlert[];
}

export const rowsOf = (findings: Pick<NewFindings, 'hunts'>): HuntRow[] => findings.hunts.flatMap((hunt) => hunt.rows);

const digest = (parts: readonly (string | null)[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

export function rowKeyWithoutId(row: HuntRow): string {
  return `row:${digest([row['event.provider'], row['event.action'], row['event.outcome'], row.date, row['aws.cloudtrail.user_identity.arn']])}`;
}

/** The keys of one row's events: its ids, plus one shared key when some events had none. */
export function rowKeys(row: HuntRow): string[] {
  return row.event_ids.length < row.service_logging_delete_count ? [...row.event_ids, rowKeyWithoutId(row)] : [...row.event_ids];
}

/**
 * An alert's key, never a bare event id (that is a hunt row's key). Markers
 * written before alerts had their own keys list bare ids only; those still
 * count for the rows, and the alerts behind them are reported once more.
 */
export function alertKey(alert: RuleAlert): string {
  return alert.event_id !== null
    ? `alert:${alert.rule}:${alert.event_id}`
    : `alert:${digest([alert.rule, alert['@timestamp'], alert['aws.cloudtrail.user_identity.arn']])}`;
}

/** How many events `keys` (as read from markers) stand for: an alert's key and its event's row key are one event. */
export function countEvents(keys: ReadonlySet<string>): number {
  let count = 0;
  for (const key of keys) {
    const eventId = /^alert:[^:]+:(.+)$/s.exec(key)?.[1];
    if (eventId === undefined || !keys.has(eventId)) count += 1;
  }
  return count;
}

/** The report's rows and alerts minus every event already in `reported`. */
export function selectNew(report: Pick<Report, 'hunts' | 'alerts'>, reported: ReadonlySet<string>): NewFindings {
  const hunts: HuntResult[] = [];
  for (const hunt of report.hunts) {
    const rows: HuntRow[] = [];
    hunts.push({ ...hunt, rows });
    for (const row of hunt.rows) {
      const newIds = row.event_ids.filter((id) => !reported.has(id));
      const idlessCount = row.service_logging_delete_count - row.event_ids.length;
      const idlessNew = idlessCount > 0 && !reported.has(rowKeyWithoutId(row));
      if (newIds.length === 0 && !idlessNew) continue;
      rows.push({ ...row, event_ids: newIds, service_logging_delete_count: newIds.length + (idlessNew ? idlessCount : 0) });
    }
  }
  const alerts = report.alerts.filter((alert) => !reported.has(alertKey(alert)));
  return { hunts: hunts.filter((hunt) => hunt.rows.length > 0), alerts };
}

export function keysOf(findings: NewFindings): string[] {
  return [...new Set([...findings.alerts.map(alertKey), ...rowsOf(findings).flatMap(rowKeys)])];
}

export function eventCount(findings: NewFindings): number {
  const ids = new Set<string>();
  let idless = 0;
  for (const row of rowsOf(findings)) {
    row.event_ids.forEach((id) => ids.add(id));
    idless += row.service_logging_delete_count - row.event_ids.length;
  }
  for (const alert of findings.alerts) if (alert.event_id !== null) ids.add(alert.event_id);
  return ids.size + idless;
}
