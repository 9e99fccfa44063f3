import type { CloudTrailEvent } from '../cloudtrail/event.js';

/** MITRE ATT&CK technique both detections map to: Impair Defenses: Disable Cloud Logs. */
export const T1562_008 = { id: 'T1562.008', name: 'Impair Defenses: Disable Cloud Logs' } as const;

/** One row of the hunt's `stats ... by` output, plus the events behind it. */
export interface HuntRow {
  'event.provider': string;
  'event.action': string;
  'event.outcome': 'success' | 'failure';
  date: string;
  'aws.cloudtrail.user_identity.arn': string | null;
  service_logging_delete_count: number;
  event_ids: string[];
  /** Accounts the grouped events were read from (or belong to), for attribution across accounts. */
  accounts: string[];
  /** Regions the grouped events happened in. */
  regions: string[];
  first_seen: string;
  last_seen: string;
}

/** One alert of a query rule: one per matching event. */
export interface RuleAlert {
  rule: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  risk_score: number;
  event_id: string | null;
  '@timestamp': string;
  'cloud.account.id': string | null;
  'cloud.region': string | null;
  'aws.cloudtrail.user_identity.arn': string | null;
  'source.address': string | null;
  'user.name': string | null;
  'user_agent.original': string | null;
  'event.provider': string;
  'event.action': string;
  'event.outcome': 'success' | 'failure';
  'aws.cloudtrail.request_parameters': string | null;
  /**
   * The account the event is attributed to: on a live read, always the account
   * it was read from (whether or not it equals `cloud.account.id`); for a
   * file, the record's `recipientAccountId` (the account whose trail logged
   * it), or null when the record has none.
   */
  'origin.account': string | null;
  /** That account's name, when a live read knew it; null otherwise. */
  'origin.account_name': string | null;
}

interface DetectionBase {
  id: string;
  name: string;
  /** Elastic's source for the logic, quoted verbatim in the README and reports. */
  query: string;
  language: 'esql' | 'kuery';
  mitre: typeof T1562_008;
  /** Investigation steps shown in summaries and issues. */
  investigation: readonly string[];
  /**
   * CloudTrail `eventName`s this detection can match: the live collector
   * queries LookupEvents for exactly these, and the engine keeps only them.
   */
  eventNames: readonly string[];
  /** Whether one normalized event is in scope (the query's `where` clause). */
  matches(event: CloudTrailEvent): boolean;
}

export interface HuntDetection extends DetectionBase {
  kind: 'hunt';
  /** Pure: the matched events of the window to the query's output rows. */
  run(events: readonly CloudTrailEvent[]): HuntRow[];
}

export interface RuleDetection extends DetectionBase {
  kind: 'rule';
  severity: RuleAlert['severity'];
  riskScore: number;
  /** Pure: the matched events of the window to one alert each. */
  run(events: readonly CloudTrailEvent[]): RuleAlert[];
}

export type Detection = HuntDetection | RuleDetection;
