import { randomUUID } from 'node:crypto';
import type { CloudTrailRecord } from './aws.js';

/** The service that emits each event name the detections look for (and a few noise ones). */
const PROVIDERS: Record<string, string> = {
  DeleteFlowLogs: 'ec2.amazonaws.com',
  DeleteResolverQueryLogConfig: 'route53resolver.amazonaws.com',
  DeleteTrail: 'cloudtrail.amazonaws.com',
  StopLogging: 'cloudtrail.amazonaws.com',
  DescribeInstances: 'ec2.amazonaws.com',
  ConsoleLogin: 'signin.amazonaws.com',
  GetObject: 's3.amazonaws.com',
  AssumeRole: 'sts.amazonaws.com',
};

export interface RecordSpec {
  eventName: string;
  eventTime: string;
  account: string;
  region: string;
  eventID?: string;
  arn?: string;
  errorCode?: string;
}

/** A CloudTrail record shaped like what AWS delivers, with the fields the detections read. */
export function cloudTrailRecord(spec: RecordSpec): CloudTrailRecord {
  const arn = spec.arn ?? `arn:aws:iam::${spec.account}:user/alice`;
  return {
    eventVersion: '1.10',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn, accountId: spec.account, accessKeyId: 'AKIAEXAMPLE', userName: arn.split('/').pop() },
    eventTime: spec.eventTime,
    eventSource: PROVIDERS[spec.eventName] ?? 'ec2.amazonaws.com',
    eventName: spec.eventName,
    awsRegion: spec.region,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.17.60',
    ...(spec.errorCode !== undefined ? { errorCode: spec.errorCode, errorMessage: 'denied' } : {}),
    requestParameters: null,
    responseElements: null,
    requestID: randomUUID(),
    eventID: spec.eventID ?? randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: spec.account,
    eventCategory: 'Management',
  };
}

/**
 * `count` records of one event name spread evenly over (startMs, endMs),
 * all strictly inside, each a second apart at least.
 */
export function recordsBetween(count: number, startMs: number, endMs: number, spec: Omit<RecordSpec, 'eventTime'>): CloudTrailRecord[] {
  const step = (endMs - startMs) / (count + 1);
  return Array.from({ length: count }, (_, i) => {
    const timeMs = Math.floor((startMs + step * (i + 1)) / 1000) * 1000;
    return cloudTrailRecord({ ...spec, eventTime: new Date(timeMs).toISOString().replace('.000Z', 'Z') });
  });
}
