/**
 * A CloudTrail record normalized to the Elastic Common Schema fields that
 * Elastic's AWS integration produces and the detections read. Keys are the
 * Elastic field names so that rows and alerts can be reported verbatim.
 */
export interface CloudTrailEvent {
  '@timestamp': string;
  'event.id': string | null;
  'event.provider': string;
  'event.action': string;
  'event.outcome': 'success' | 'failure';
  'aws.cloudtrail.user_identity.arn': string | null;
  'aws.cloudtrail.user_identity.type': string | null;
  'aws.cloudtrail.error_code': string | null;
  'aws.cloudtrail.error_message': string | null;
  'aws.cloudtrail.request_parameters': string | null;
  'cloud.account.id': string | null;
  'cloud.region': string | null;
  'source.address': string | null;
  'source.ip': string | null;
  'user.name': string | null;
  'user_agent.original': string | null;
  /** Milliseconds since the epoch of `@timestamp`, for window checks and sorting. */
  readonly timeMs: number;
  /** Where the record was read: the account (and its name) and region of a live read, or the file. */
  readonly origin: EventOrigin;
}

export interface EventOrigin {
  account?: string;
  accountName?: string;
  region?: string;
  file?: string;
}
