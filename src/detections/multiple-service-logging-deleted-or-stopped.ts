import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { compareBy } from './compare.js';
import { T1562_008, type HuntDetection, type HuntRow } from './detection.js';

const PROVIDERS = new Set([
  'ec2.amazonaws.com',
  'route53resolver.amazonaws.com',
  's3.amazonaws.com',
  'cloudtrail.amazonaws.com',
]);
const ACTIONS = ['DeleteFlowLogs', 'DeleteResolverQueryLogConfig', 'DeleteTrail', 'StopLogging'] as const;
const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);

/**
 * The UTC calendar day of an event. Elastic's query formats with
 * `YYYY-mm-dd` (week-based year, minute of hour), which mislabels days; the
 * intent, and what this returns, is `yyyy-MM-dd` in UTC.
 */
function utcDay(isoTimestamp: string): string {
  return isoTimestamp.slice(0, 10);
}

/** The account an event belongs to: where it was read, else its caller's account. */
function accountOf(event: CloudTrailEvent): string | null {
  return event.origin.account ?? event['cloud.account.id'];
}

const groupKey = (event: CloudTrailEvent): string =>
  JSON.stringify([
    event['event.provider'],
    event['event.action'],
    event['event.outcome'],
    utcDay(event['@timestamp']),
    event['aws.cloudtrail.user_identity.arn'],
  ]);

/** A row while it is being counted: sets, so that a row of many events stays linear to build. */
interface OpenRow {
  row: HuntRow;
  eventIds: Set<string>;
  accounts: Set<string>;
  regions: Set<string>;
}

const addIfPresent = (set: Set<string>, value: string | null): void => {
  if (value !== null) set.add(value);
};

const sorted = (set: Set<string>): string[] => [...set].sort();

export const multipleServiceLoggingDeletedOrStopped: HuntDetection = {
  kind: 'hunt',
  id: 'multiple-service-logging-deleted-or-stopped',
  name: 'Multiple Service Logging Deleted or Stopped',
  language: 'esql',
  query: [
    'from logs-aws.cloudtrail*',
    '| where @timestamp > now() - 7 day',
    '| where event.provider in ("ec2.amazonaws.com","route53resolver.amazonaws.com","s3.amazonaws.com","cloudtrail.amazonaws.com")',
    '  and event.action in ("DeleteFlowLogs","DeleteResolverQueryLogConfig","DeleteTrail","StopLogging")',
    '| eval date = DATE_FORMAT("YYYY-mm-dd", @timestamp)',
    '| stats service_logging_delete_count = count(*) by event.provider, event.action, event.outcome, date, aws.cloudtrail.user_identity.arn',
  ].join('\n'),
  mitre: T1562_008,
  investigation: [
    'Confirm with the principal (ARN) whether the deletion or stop was planned; check change tickets for that day.',
    'Review the other actions of the same principal and source address around the time: credential creation, policy changes, data access.',
    'Re-enable the logging (StartLogging, recreate flow logs or Resolver query logging) and check what was not logged during the gap.',
    'If the principal was not expected to do this, rotate its credentials and treat the account as compromised until proven otherwise.',
  ],
  eventNames: ACTIONS,
  matches: (event) => ACTION_SET.has(event['event.action']) && PROVIDERS.has(event['event.provider']),
  run(events) {
    const rows = new Map<string, OpenRow>();
    for (const event of events) {
      if (!this.matches(event)) continue;
      const key = groupKey(event);
      let open = rows.get(key);
      if (open === undefined) {
        open = {
          row: {
            'event.provider': event['event.provider'],
            'event.action': event['event.action'],
            'event.outcome': event['event.outcome'],
            date: utcDay(event['@timestamp']),
            'aws.cloudtrail.user_identity.arn': event['aws.cloudtrail.user_identity.arn'],
            service_logging_delete_count: 0,
            event_ids: [],
            accounts: [],
            regions: [],
            first_seen: event['@timestamp'],
            last_seen: event['@timestamp'],
          },
          eventIds: new Set(),
          accounts: new Set(),
          regions: new Set(),
        };
        rows.set(key, open);
      }
      const { row } = open;
      row.service_logging_delete_count += 1;
      addIfPresent(open.eventIds, event['event.id']);
      addIfPresent(open.accounts, accountOf(event));
      addIfPresent(open.regions, event['cloud.region']);
      if (event['@timestamp'] < row.first_seen) row.first_seen = event['@timestamp'];
      if (event['@timestamp'] > row.last_seen) row.last_seen = event['@timestamp'];
    }
    const finished = [...rows.values()].map(({ row, eventIds, accounts, regions }) => ({
      ...row,
      event_ids: sorted(eventIds),
      accounts: sorted(accounts),
      regions: sorted(regions),
    }));
    return finished.sort(
      compareBy<HuntRow>([
        (r) => r.date,
        (r) => r['event.provider'],
        (r) => r['event.action'],
        (r) => r['event.outcome'],
        (r) => r['aws.cloudtrail.user_identity.arn'],
      ]),
    );
  },
};
