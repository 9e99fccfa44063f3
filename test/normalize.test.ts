import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeRecord } from '../src/cloudtrail/normalize.js';
import { ELASTIC_FIXTURES } from './helpers/paths.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(ELASTIC_FIXTURES, name), 'utf8'));

// Elastic's published pipeline output for each real record (shared fixtures README).
const EXPECTED = [
  {
    file: 'elastic-delete-resolver-query-log-config.json',
    provider: 'route53resolver.amazonaws.com', action: 'DeleteResolverQueryLogConfig', outcome: 'success',
    arn: 'arn:aws:iam::000000000:user/test@elastic.co', account: '000000000', region: 'us-east-1',
    ip: '216.160.83.56', address: '216.160.83.56', user: 'test@elastic.co',
  },
  {
    file: 'elastic-delete-flow-logs.json',
    provider: 'ec2.amazonaws.com', action: 'DeleteFlowLogs', outcome: 'success',
    arn: 'arn:aws:iam::000000000:user/test@elastic.co', account: '000000000', region: 'us-east-1',
    ip: '216.160.83.56', address: '216.160.83.56', user: 'test@elastic.co',
  },
  {
    file: 'elastic-update-trail-failure.json',
    provider: 'cloudtrail.amazonaws.com', action: 'UpdateTrail', outcome: 'failure',
    arn: 'arn:aws:iam::123456789012:user/Alice', account: '123456789012', region: 'us-east-2',
    ip: '89.160.20.156', address: '89.160.20.156', user: 'Alice',
  },
  {
    file: 'elastic-assume-role-aws-service.json',
    provider: 'sts.amazonaws.com', action: 'AssumeRole', outcome: 'success',
    arn: null, account: null, region: 'us-east-1', ip: null, address: 'ec2.amazonaws.com', user: null,
  },
] as const;

describe('normalizeRecord on real CloudTrail records matches Elastic', () => {
  test.each(EXPECTED)('$file', (expected) => {
    const result = normalizeRecord(fixture(expected.file));
    if (!result.ok) throw new Error(`skipped: ${result.reason}`);
    const event = result.event;
    expect({
      provider: event['event.provider'],
      action: event['event.action'],
      outcome: event['event.outcome'],
      arn: event['aws.cloudtrail.user_identity.arn'],
      account: event['cloud.account.id'],
      region: event['cloud.region'],
      ip: event['source.ip'],
      address: event['source.address'],
      user: event['user.name'],
    }).toEqual({
      provider: expected.provider, action: expected.action, outcome: expected.outcome, arn: expected.arn,
      account: expected.account, region: expected.region, ip: expected.ip, address: expected.address, user: expected.user,
    });
  });

  test('account comes from userIdentity.accountId, not recipientAccountId', () => {
    const record = { ...(fixture('elastic-delete-flow-logs.json') as object), recipientAccountId: '999999999999' };
    const result = normalizeRecord(record);
    expect(result.ok && result.event['cloud.account.id']).toBe('000000000');
  });

  test('a DeleteFlowLogs listing unsuccessful items is still a success', () => {
    const record = fixture('elastic-delete-flow-logs.json') as Record<string, unknown>;
    record['responseElements'] = { DeleteFlowLogsResponse: { unsuccessful: { item: { error: { code: 'InvalidFlowLogId.NotFound' } } } } };
    const result = normalizeRecord(record);
    expect(result.ok && result.event['event.outcome']).toBe('success');
  });

  test.each([
    ['errorCode only', { errorCode: 'AccessDenied' }],
    ['errorMessage only', { errorMessage: 'User is not authorized' }],
  ])('outcome is failure with %s', (_name, extra) => {
    const result = normalizeRecord({ ...(fixture('elastic-delete-flow-logs.json') as object), ...extra });
    expect(result.ok && result.event['event.outcome']).toBe('failure');
  });

  test('assumed roles take user.name from the session issuer', () => {
    const result = normalizeRecord({
      eventTime: '2024-10-08T09:08:34Z', eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com',
      userIdentity: {
        type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice', accountId: '111122223333',
        sessionContext: { sessionIssuer: { type: 'Role', userName: 'Admin', arn: 'arn:aws:iam::111122223333:role/Admin' } },
      },
    });
    expect(result.ok && result.event['user.name']).toBe('Admin');
  });

  test.each([
    ['a string', 'DeleteTrail', 'not-an-object'],
    ['an array', [1, 2], 'not-an-object'],
    ['null', null, 'not-an-object'],
    ['no eventTime', { eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com' }, 'missing-envelope'],
    ['a numeric eventName', { eventTime: '2024-10-08T09:08:34Z', eventName: 7, eventSource: 'x' }, 'missing-envelope'],
    ['a loose date', { eventTime: 'Oct 8, 2024', eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com' }, 'bad-timestamp'],
    ['an impossible date', { eventTime: '2024-13-45T99:00:00Z', eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com' }, 'bad-timestamp'],
  ])('%s is skipped with a reason', (_name, raw, reason) => {
    expect(normalizeRecord(raw)).toEqual({ ok: false, reason });
  });
});

describe('event time parsing', () => {
  test.each(['2024-02-30T00:00:00Z', '2023-02-29T12:00:00Z', '2024-04-31T00:00:00Z', '2024-00-10T00:00:00Z'])(
    'an impossible calendar date (%s) is a bad timestamp, not rolled over',
    (eventTime) => {
      expect(normalizeRecord({ eventTime, eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com' })).toEqual({ ok: false, reason: 'bad-timestamp' });
    },
  );

  test.each([
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
    ['2024-10-08T11:02:30+02:00', '2024-10-08T09:02:30.000Z'],
    ['2024-10-08T09:02:30.123456Z', '2024-10-08T09:02:30.123Z'],
  ])('%s is read as %s', (eventTime, iso) => {
    const result = normalizeRecord({ eventTime, eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com' });
    expect(result.ok && result.event['@timestamp']).toBe(iso);
  });
});

describe('request parameters', () => {
  test('parameters nested too deeply to serialize do not stop the event from counting', () => {
    let parameters: Record<string, unknown> = {};
    for (let depth = 0; depth < 200_000; depth += 1) parameters = { a: parameters };
    const result = normalizeRecord({
      eventTime: '2026-11-19T00:00:00Z', eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com', eventID: 'deep', requestParameters: parameters,
    });
    if (!result.ok) throw new Error(`skipped: ${result.reason}`);
    expect(result.event['event.action']).toBe('DeleteTrail');
    expect(result.event['aws.cloudtrail.request_parameters']).toBe('[request parameters could not be shown: nested too deeply]');
  });

  test('ordinary parameters are kept as JSON', () => {
    const result = normalizeRecord({ eventTime: '2026-11-19T00:00:00Z', eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com', requestParameters: { name: 'org-trail' } });
    expect(result.ok && result.event['aws.cloudtrail.request_parameters']).toBe('{"name":"org-trail"}');
  });
});
