import { ScanEngine, windowEndingAt } from '../src/engine.js';
import type { HuntRow } from '../src/detections/detection.js';
import type { Report } from '../src/report/model.js';
import { assumedRole, AWS_SERVICE_IDENTITY, rawRecord } from './helpers/records.js';

// The scan clock is pinned: window (2024-10-03T12:00:00Z, 2024-10-10T12:00:00Z].
const NOW = new Date('2024-10-10T12:00:00Z');
const WINDOW_START = '2024-10-03T12:00:00.000Z';

function scanRecords(records: readonly unknown[], lookbackDays = 7): Report {
  const engine = new ScanEngine(windowEndingAt(NOW, lookbackDays));
  for (const record of records) engine.add(record, { file: 'test.json' });
  return engine.finish();
}

const rowsOf = (report: Report): HuntRow[] => report.hunts.find((h) => h.id === 'multiple-service-logging-deleted-or-stopped')!.rows;

/** The hunt's output columns only, as Elastic's query returns them. */
const huntColumns = (report: Report) =>
  rowsOf(report).map((row) => ({
    provider: row['event.provider'],
    action: row['event.action'],
    outcome: row['event.outcome'],
    date: row.date,
    arn: row['aws.cloudtrail.user_identity.arn'],
    count: row.service_logging_delete_count,
  }));

const at = (eventTime: string, extra: Record<string, unknown> = {}) => rawRecord({ eventTime, ...extra });

describe('the scan window (start, end]', () => {
  test('an event exactly at now - 7 days is outside, one millisecond later is inside', () => {
    const report = scanRecords([at(WINDOW_START), at('2024-10-03T12:00:00.001Z')]);
    expect(huntColumns(report)).toEqual([
      expect.objectContaining({ date: '2024-10-03', count: 1 }),
    ]);
    expect(rowsOf(report)[0]!.first_seen).toBe('2024-10-03T12:00:00.001Z');
    expect(report.stats.records_outside_window).toBe(1);
  });

  test('the end (now) is inside, one millisecond after it is outside', () => {
    const report = scanRecords([at('2024-10-10T12:00:00Z'), at('2024-10-10T12:00:00.001Z')]);
    expect(huntColumns(report)).toEqual([expect.objectContaining({ date: '2024-10-10', count: 1 })]);
    expect(report.stats.records_outside_window).toBe(1);
  });

  test('the lookback sets the start', () => {
    const old = at('2024-10-01T00:00:00Z');
    expect(rowsOf(scanRecords([old], 7))).toHaveLength(0);
    expect(rowsOf(scanRecords([old], 10))).toHaveLength(1);
  });

  test('the window is reported as ISO timestamps', () => {
    expect(scanRecords([]).window).toEqual({ start: WINDOW_START, end: '2024-10-10T12:00:00.000Z' });
  });
});

describe('hunt: Multiple Service Logging Deleted or Stopped', () => {
  test.each([
    ['ec2.amazonaws.com', 'DeleteFlowLogs'],
    ['route53resolver.amazonaws.com', 'DeleteResolverQueryLogConfig'],
    ['cloudtrail.amazonaws.com', 'DeleteTrail'],
    ['cloudtrail.amazonaws.com', 'StopLogging'],
  ])('%s %s is counted', (eventSource, eventName) => {
    expect(huntColumns(scanRecords([rawRecord({ eventSource, eventName })]))).toEqual([
      { provider: eventSource, action: eventName, outcome: 'success', date: '2024-10-08', arn: 'arn:aws:iam::111122223333:user/alice', count: 1 },
    ]);
  });

  test.each([
    ['a listed action from a provider not in the list', 'logs.amazonaws.com', 'DeleteTrail'],
    ['a listed action from a look-alike provider', 'cloudtrail-data.amazonaws.com', 'StopLogging'],
    ['an unlisted action from a listed provider', 'cloudtrail.amazonaws.com', 'StartLogging'],
    ['an unlisted logging change from s3 (a listed provider)', 's3.amazonaws.com', 'PutBucketLogging'],
    ['a different case of a listed action', 'cloudtrail.amazonaws.com', 'stoplogging'],
  ])('%s is not counted', (_name, eventSource, eventName) => {
    const report = scanRecords([rawRecord({ eventSource, eventName })]);
    expect(rowsOf(report)).toEqual([]);
    expect(report.alerts).toEqual([]);
    expect(report.status).toBe('clean');
  });

  // ES|QL's two `in` lists are independent: any listed provider with any
  // listed action matches, as Elastic's query does (CloudTrail itself never
  // writes such pairs).
  test('provider and action are each checked against their own list, as in the query', () => {
    const report = scanRecords([rawRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteFlowLogs' })]);
    expect(huntColumns(report)).toEqual([expect.objectContaining({ provider: 'cloudtrail.amazonaws.com', action: 'DeleteFlowLogs' })]);
  });

  test.each([
    ['errorCode', { errorCode: 'AccessDenied' }, 'failure'],
    ['errorMessage', { errorMessage: 'User: alice is not authorized to perform: ec2:DeleteFlowLogs' }, 'failure'],
    ['both', { errorCode: 'Client.UnauthorizedOperation', errorMessage: 'You are not authorized' }, 'failure'],
    ['neither', {}, 'success'],
  ])('outcome with %s is %s', (_name, extra, outcome) => {
    expect(huntColumns(scanRecords([rawRecord(extra)]))[0]!.outcome).toBe(outcome);
  });

  test('success and failure of the same call are separate rows', () => {
    const report = scanRecords([rawRecord(), rawRecord({ errorCode: 'AccessDenied' }), rawRecord()]);
    expect(huntColumns(report).map((r) => [r.outcome, r.count])).toEqual([
      ['failure', 1],
      ['success', 2],
    ]);
  });

  test('events without a caller ARN form their own null group, after every ARN', () => {
    const report = scanRecords([
      rawRecord({ userIdentity: AWS_SERVICE_IDENTITY, sourceIPAddress: 'ec2.amazonaws.com' }),
      rawRecord({ userIdentity: undefined }),
      rawRecord(),
    ]);
    expect(huntColumns(report).map((r) => [r.arn, r.count])).toEqual([
      ['arn:aws:iam::111122223333:user/alice', 1],
      [null, 2],
    ]);
  });

  test('assumed roles are grouped by their session ARN', () => {
    const ci = assumedRole('111122223333', 'ci-deployer', 'run-1');
    const other = assumedRole('111122223333', 'ci-deployer', 'run-2');
    const report = scanRecords([rawRecord({ userIdentity: ci }), rawRecord({ userIdentity: ci }), rawRecord({ userIdentity: other })]);
    expect(huntColumns(report).map((r) => [r.arn, r.count])).toEqual([
      ['arn:aws:sts::111122223333:assumed-role/ci-deployer/run-1', 2],
      ['arn:aws:sts::111122223333:assumed-role/ci-deployer/run-2', 1],
    ]);
  });

  test('a row counts its events and lists their ids, accounts, regions and first/last time', () => {
    const report = scanRecords([
      rawRecord({ eventID: 'b', eventTime: '2024-10-08T10:00:00Z', awsRegion: 'eu-west-1' }),
      rawRecord({ eventID: 'a', eventTime: '2024-10-08T09:00:00Z', awsRegion: 'us-east-1' }),
      rawRecord({ eventID: 'c', eventTime: '2024-10-08T11:00:00Z', awsRegion: 'us-east-1' }),
    ]);
    const [row] = rowsOf(report);
    expect(row).toEqual(
      expect.objectContaining({
        service_logging_delete_count: 3,
        event_ids: ['a', 'b', 'c'],
        accounts: ['111122223333'],
        regions: ['eu-west-1', 'us-east-1'],
        first_seen: '2024-10-08T09:00:00.000Z',
        last_seen: '2024-10-08T11:00:00.000Z',
      }),
    );
  });

  test('days are UTC calendar days: 23:59:59Z and 00:00:00Z the next day are two rows', () => {
    const report = scanRecords([at('2024-10-08T23:59:59Z'), at('2024-10-09T00:00:00Z'), at('2024-10-08T00:00:00Z')]);
    expect(huntColumns(report).map((r) => [r.date, r.count])).toEqual([
      ['2024-10-08', 2],
      ['2024-10-09', 1],
    ]);
  });

  test('a timestamp with an offset is placed on its UTC day', () => {
    // 01:30 at +02:00 is 23:30 UTC the day before.
    const report = scanRecords([at('2024-10-09T01:30:00+02:00')]);
    expect(huntColumns(report)[0]!.date).toBe('2024-10-08');
    expect(rowsOf(report)[0]!.first_seen).toBe('2024-10-08T23:30:00.000Z');
  });

  test('rows are sorted by date, provider, action, outcome, then ARN (null last)', () => {
    const bob = { ...(rawRecord().userIdentity as object), arn: 'arn:aws:iam::111122223333:user/bob' };
    const report = scanRecords([
      rawRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', eventTime: '2024-10-07T10:00:00Z' }),
      rawRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', eventTime: '2024-10-08T10:00:00Z' }),
      rawRecord({ eventTime: '2024-10-08T10:00:00Z', userIdentity: AWS_SERVICE_IDENTITY }),
      rawRecord({ eventTime: '2024-10-08T10:00:00Z', userIdentity: bob }),
      rawRecord({ eventTime: '2024-10-08T10:00:00Z', errorCode: 'AccessDenied' }),
      rawRecord({ eventTime: '2024-10-08T10:00:00Z' }),
      rawRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', eventTime: '2024-10-08T10:00:00Z' }),
    ]);
    expect(huntColumns(report).map((r) => [r.date, r.provider, r.action, r.outcome, r.arn])).toEqual([
      ['2024-10-07', 'cloudtrail.amazonaws.com', 'StopLogging', 'success', 'arn:aws:iam::111122223333:user/alice'],
      ['2024-10-08', 'cloudtrail.amazonaws.com', 'DeleteTrail', 'success', 'arn:aws:iam::111122223333:user/alice'],
      ['2024-10-08', 'cloudtrail.amazonaws.com', 'StopLogging', 'success', 'arn:aws:iam::111122223333:user/alice'],
      ['2024-10-08', 'ec2.amazonaws.com', 'DeleteFlowLogs', 'failure', 'arn:aws:iam::111122223333:user/alice'],
      ['2024-10-08', 'ec2.amazonaws.com', 'DeleteFlowLogs', 'success', 'arn:aws:iam::111122223333:user/alice'],
      ['2024-10-08', 'ec2.amazonaws.com', 'DeleteFlowLogs', 'success', 'arn:aws:iam::111122223333:user/bob'],
      ['2024-10-08', 'ec2.amazonaws.com', 'DeleteFlowLogs', 'success', null],
    ]);
  });

  test('the same record in the input order reversed gives the same rows', () => {
    const records = [at('2024-10-08T23:59:59Z'), at('2024-10-09T00:00:00Z'), rawRecord({ errorCode: 'X' }), rawRecord({ userIdentity: AWS_SERVICE_IDENTITY })];
    expect(scanRecords([...records].reverse()).hunts).toEqual(scanRecords(records).hunts);
  });
});

describe('the account an event is attributed to', () => {
  const MEMBER = '444455556666';
  const CALLER = '111122223333';

  test("a file record belongs to the account whose trail logged it (recipientAccountId), not the caller's", () => {
    const report = scanRecords([
      rawRecord({ eventID: 'cross', recipientAccountId: MEMBER, userIdentity: assumedRole(CALLER, 'OrgAdmin', 'eve') }),
      rawRecord({ eventID: 'service', recipientAccountId: MEMBER, userIdentity: AWS_SERVICE_IDENTITY }),
      rawRecord({
        eventID: 'resolver',
        eventSource: 'route53resolver.amazonaws.com',
        eventName: 'DeleteResolverQueryLogConfig',
        recipientAccountId: MEMBER,
        userIdentity: assumedRole(CALLER, 'OrgAdmin', 'eve'),
      }),
    ]);
    expect(rowsOf(report).map((row) => [row.event_ids, row.accounts])).toEqual([
      [['cross'], [MEMBER]],
      [['service'], [MEMBER]],
      [['resolver'], [MEMBER]],
    ]);
    // cloud.account.id stays the caller's, as Elastic's integration maps userIdentity.accountId.
    expect(report.alerts.map((alert) => [alert['origin.account'], alert['cloud.account.id']])).toEqual([[MEMBER, CALLER]]);
  });

  test('the account of a live read wins over what the record says', () => {
    const engine = new ScanEngine(windowEndingAt(NOW, 7));
    engine.add(rawRecord({ recipientAccountId: MEMBER }), { account: '999988887777', region: 'us-east-1' });
    expect(rowsOf(engine.finish())[0]!.accounts).toEqual(['999988887777']);
  });

  test("a record without recipientAccountId falls back to the caller's account", () => {
    expect(rowsOf(scanRecords([rawRecord({ recipientAccountId: undefined, userIdentity: assumedRole(CALLER, 'OrgAdmin', 'eve') })]))[0]!.accounts).toEqual([CALLER]);
  });
});

describe('rule: Route53 Resolver Query Log Configuration Deleted', () => {
  const resolver = (extra: Record<string, unknown> = {}) =>
    rawRecord({
      eventSource: 'route53resolver.amazonaws.com',
      eventName: 'DeleteResolverQueryLogConfig',
      requestParameters: { resolverQueryLogConfigId: 'rqlc-10e716304cee4d36' },
      ...extra,
    });

  test('one alert per successful deletion, with the fields DESIGN.md promises, sorted by time', () => {
    const report = scanRecords([
      resolver({ eventID: 'later', eventTime: '2024-10-08T12:00:00Z' }),
      resolver({ eventID: 'earlier', eventTime: '2024-10-08T11:00:00Z', userIdentity: assumedRole('444455556666', 'NetworkAdmin', 'bob') }),
    ]);
    expect(report.alerts.map((a) => a.event_id)).toEqual(['earlier', 'later']);
    expect(report.alerts[0]).toEqual(
      expect.objectContaining({
        rule: 'route53-resolver-query-log-configuration-deleted',
        severity: 'medium',
        risk_score: 47,
        event_id: 'earlier',
        '@timestamp': '2024-10-08T11:00:00.000Z',
        'cloud.account.id': '444455556666',
        'cloud.region': 'us-east-1',
        'aws.cloudtrail.user_identity.arn': 'arn:aws:sts::444455556666:assumed-role/NetworkAdmin/bob',
        'source.address': '203.0.113.10',
        'user.name': 'NetworkAdmin',
      }),
    );
    // The same two events are also one hunt row of count 2: the rule does not group.
    expect(huntColumns(report).map((r) => r.count)).toEqual([1, 1]);
  });

  test('two deletions in the same hunt group are still two alerts', () => {
    const report = scanRecords([resolver(), resolver()]);
    expect(report.alerts).toHaveLength(2);
    expect(huntColumns(report)).toEqual([expect.objectContaining({ count: 2 })]);
  });

  test('a failed deletion is a hunt row but no alert', () => {
    const report = scanRecords([resolver({ errorCode: 'AccessDeniedException', errorMessage: 'not authorized' })]);
    expect(report.alerts).toEqual([]);
    expect(huntColumns(report)).toEqual([expect.objectContaining({ outcome: 'failure', count: 1 })]);
  });

  test.each([
    ['the action from another listed provider', { eventSource: 'ec2.amazonaws.com' }],
    ['another action of route53resolver', { eventName: 'DisassociateResolverQueryLogConfig' }],
    ['outside the window', { eventTime: '2024-09-01T00:00:00Z' }],
  ])('no alert for %s', (_name, extra) => {
    expect(scanRecords([resolver(extra)]).alerts).toEqual([]);
  });

  test('a source address that is a service name is kept as the address', () => {
    const report = scanRecords([resolver({ sourceIPAddress: 'cloudformation.amazonaws.com' })]);
    expect(report.alerts[0]!['source.address']).toBe('cloudformation.amazonaws.com');
  });
});

describe('engine bookkeeping', () => {
  test('a record delivered twice (same eventID) is counted once', () => {
    const record = rawRecord({ eventID: 'dup-1' });
    const report = scanRecords([record, structuredClone(record), rawRecord({ eventID: 'dup-2' })]);
    expect(huntColumns(report)[0]!.count).toBe(2);
    expect(rowsOf(report)[0]!.event_ids).toEqual(['dup-1', 'dup-2']);
    expect(report.stats.duplicates_dropped).toBe(1);
  });

  test('records without an eventID cannot be de-duplicated and all count', () => {
    const report = scanRecords([rawRecord({ eventID: undefined }), rawRecord({ eventID: undefined })]);
    expect(huntColumns(report)[0]!.count).toBe(2);
    expect(report.stats.duplicates_dropped).toBe(0);
  });

  test('stats count every record and why some were skipped', () => {
    const report = scanRecords([
      rawRecord(), // in scope
      rawRecord({ eventName: 'DescribeInstances' }), // read, not in scope
      rawRecord({ eventTime: '2024-01-01T00:00:00Z' }), // outside the window
      'DeleteTrail',
      [rawRecord()],
      null,
      rawRecord({ eventTime: undefined }),
      rawRecord({ eventSource: 42 }),
      rawRecord({ eventTime: 'Oct 8, 2024' }),
      rawRecord({ eventTime: '2024-10-08 09:08:34' }),
    ]);
    expect(report.stats).toEqual({
      records_read: 10,
      records_skipped: 7,
      skipped_by_reason: { 'not-an-object': 3, 'missing-envelope': 2, 'bad-timestamp': 2 },
      records_outside_window: 1,
      records_outside_regions: 0,
      events_matched: 1,
      duplicates_dropped: 0,
      files_read: 0,
    });
  });

  test('an unreadable record of an event read live counts against the (account, region) it was read in', () => {
    const engine = new ScanEngine(windowEndingAt(NOW, 7));
    const origin = { account: '999988887777', accountName: 'prod', region: 'ap-south-1' };
    engine.addCoverage({ account: '999988887777', account_name: 'prod', region: 'ap-south-1', status: 'ok', requests: 4, events: 2 });
    engine.add({ eventVersion: '1.08' }, origin, 'StopLogging');
    engine.addUnparseable(origin, 'StopLogging');
    // Found as an event no detection reads: counted only.
    engine.addUnparseable(origin, 'DescribeTrails');
    const report = engine.finish();
    expect(report.coverage).toEqual([
      {
        account: '999988887777',
        account_name: 'prod',
        region: 'ap-south-1',
        status: 'error',
        error: '2 StopLogging events could not be read (malformed CloudTrailEvent; missing eventTime, eventName or eventSource)',
        requests: 4,
        events: 2,
      },
    ]);
    expect(report.status).toBe('incomplete');
    expect(report.stats.records_skipped).toBe(3);
    expect(report.stats.skipped_by_reason).toEqual({ 'missing-envelope': 1, 'malformed-json': 2 });
  });

  test('status is clean without findings and findings with a failure-only row', () => {
    expect(scanRecords([rawRecord({ eventName: 'DescribeFlowLogs' })]).status).toBe('clean');
    expect(scanRecords([rawRecord({ errorCode: 'AccessDenied' })]).status).toBe('findings');
  });
});

/**
 * Elastic's query formats `date` with `YYYY-mm-dd`. In Java's pattern
 * letters (which ES|QL uses) `YYYY` is the week-based year and `mm` the
 * minute of the hour. This is that formatter, written out for the test only,
 * to show why the hunt buckets by the UTC calendar day instead.
 */
function elasticBuggyDate(iso: string): string {
  const time = new Date(iso);
  // ISO week-based year: the year of the Thursday of the date's (Monday-first) week.
  const mondayFirstDay = (time.getUTCDay() + 6) % 7;
  const thursday = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate() + 3 - mondayFirstDay));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${thursday.getUTCFullYear()}-${pad(time.getUTCMinutes())}-${pad(time.getUTCDate())}`;
}

describe("why the date is not Elastic's YYYY-mm-dd", () => {
  test('2024-12-30T00:05Z: Elastic would print 2025-05-30, the hunt prints 2024-12-30', () => {
    const engine = new ScanEngine(windowEndingAt(new Date('2025-01-02T00:00:00Z'), 7));
    engine.add(rawRecord({ eventTime: '2024-12-30T00:05:00Z' }));
    const [row] = engine.finish().hunts[0]!.rows;
    expect(elasticBuggyDate('2024-12-30T00:05:00Z')).toBe('2025-05-30');
    expect(row!.date).toBe('2024-12-30');
  });

  test("Elastic's pattern would also split one day into a group per minute", () => {
    const times = ['2024-10-08T09:01:00Z', '2024-10-08T09:02:00Z'];
    expect(new Set(times.map(elasticBuggyDate)).size).toBe(2);
    const report = scanRecords(times.map((eventTime) => rawRecord({ eventTime })));
    expect(huntColumns(report)).toEqual([expect.objectContaining({ date: '2024-10-08', count: 2 })]);
  });
});
