import { isIP } from 'node:net';
import { isCalendarDate } from '../calendar.js';
import type { CloudTrailEvent, EventOrigin } from './event.js';
import { rawRecordSchema } from './record.js';

/**
 * Why a record was skipped; counted in the report, never thrown. All but
 * `malformed-json` are why normalizeRecord rejects a record; `malformed-json`
 * is a lookup event whose `CloudTrailEvent` string is missing or not JSON, so
 * there was no record to normalize.
 */
export type SkipReason = 'not-an-object' | 'missing-envelope' | 'bad-timestamp' | 'malformed-json';

/** The reasons normalizeRecord gives. */
type NormalizeFailure = Exclude<SkipReason, 'malformed-json'>;

type Normalized = { ok: true; event: CloudTrailEvent } | { ok: false; reason: NormalizeFailure };

// CloudTrail writes `eventTime` as ISO 8601 UTC (`2024-10-08T09:08:34Z`).
// Elastic's date processor accepts ISO 8601 only; Date.parse alone would also
// accept loose forms such as "Oct 8, 2024" that Elastic rejects.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const orNull = (value: string | null | undefined): string | null => (value === undefined || value === null || value === '' ? null : value);

/** Parses an ISO 8601 CloudTrail timestamp to epoch milliseconds, or NaN (also for impossible days such as 2024-02-30). */
export function parseEventTime(value: string): number {
  if (!ISO_8601.test(value) || !isCalendarDate(value)) return Number.NaN;
  return Date.parse(value);
}

/**
 * `requestParameters` as one JSON string, for display only. JSON.stringify
 * recurses, so a caller who nests parameters deeply enough could otherwise
 * crash the scan: the event still counts, its parameters just are not shown.
 */
export function requestParametersText(parameters: unknown): string | null {
  if (parameters === undefined || parameters === null) return null;
  try {
    return JSON.stringify(parameters);
  } catch {
    return '[request parameters could not be shown: nested too deeply]';
  }
}

/**
 * Maps a raw CloudTrail record to the fields Elastic's AWS integration
 * produces (see shared fixtures README): outcome is `failure` iff the record
 * carries `errorCode` or `errorMessage`; the account is
 * `userIdentity.accountId`, not `recipientAccountId`; `source.ip` only when
 * `sourceIPAddress` is a literal address.
 */
export function normalizeRecord(raw: unknown, origin: EventOrigin = {}): Normalized {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not-an-object' };
  const parsed = rawRecordSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'missing-envelope' };
  const record = parsed.data;
  const timeMs = parseEventTime(record.eventTime);
  if (Number.isNaN(timeMs)) return { ok: false, reason: 'bad-timestamp' };

  const identity = record.userIdentity ?? undefined;
  const sourceAddress = orNull(record.sourceIPAddress);
  const userName =
    orNull(identity?.userName) ??
    (identity?.type === 'AssumedRole' ? orNull(identity.sessionContext?.sessionIssuer?.userName) : null);
  const failed = (record.errorCode ?? '') !== '' || (record.errorMessage ?? '') !== '';

  return {
    ok: true,
    event: {
      '@timestamp': new Date(timeMs).toISOString(),
      'event.id': orNull(record.eventID),
      'event.provider': record.eventSource,
      'event.action': record.eventName,
      'event.outcome': failed ? 'failure' : 'success',
      'aws.cloudtrail.user_identity.arn': orNull(identity?.arn),
      'aws.cloudtrail.user_identity.type': orNull(identity?.type),
      'aws.cloudtrail.error_code': orNull(record.errorCode),
      'aws.cloudtrail.error_message': orNull(record.errorMessage),
      'aws.cloudtrail.request_parameters': requestParametersText(record.requestParameters),
      'cloud.account.id': orNull(identity?.accountId),
      'cloud.region': orNull(record.awsRegion),
      'source.address': sourceAddress,
      'source.ip': sourceAddress !== null && isIP(sourceAddress) !== 0 ? sourceAddress : null,
      'user.name': userName,
      'user_agent.original': orNull(record.userAgent),
      timeMs,
      origin,
    },
  };
}
