import { requiredEventNames } from '../src/detections/registry.js';
import { ScanEngine, windowEndingAt } from '../src/engine.js';
import type { Report } from '../src/report/model.js';
import { scan } from '../src/scan.js';
import { collectLookupEvents, type LiveCollectionStats, type LiveOptions } from '../src/sources/lookup-events.js';
import { startAwsEmulator, type AwsEmulator, type AwsEmulatorOptions } from './emulators/aws.js';
import { cloudTrailRecord, recordsBetween } from './emulators/records.js';
import { cli, reportOf, type CliRun } from './helpers/cli.js';
import { useEnv } from './helpers/env.js';

const ACCOUNT = '111122223333';
// Live scans read CloudTrail Event history, which holds only the last 90 days,
// so the CLI refuses older windows: the scan clock is pinned to the start of
// the previous hour of the real clock, once per file.
const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString().replace('.000Z', 'Z');
/** A live scan through the CLI, with the scan clock at NOW and the JSON report. */
const scanNow = (): Promise<CliRun> => cli('scan', '--now', NOW, '--format', 'json');
/** A moment `days` days (and `hours` hours) before NOW, as CloudTrail writes it. */
const beforeNow = (days: number, hours = 0): string => new Date(Date.parse(NOW) - days * 86_400_000 - hours * 3_600_000).toISOString().replace('.000Z', 'Z');
const WINDOW = windowEndingAt(new Date(NOW), 7);
const EVENT_NAMES = requiredEventNames();
// Fast enough for a test file that runs in seconds.
const FAST = { requestsPerSecond: 20, retry: { baseDelayMs: 20, maxDelayMs: 200 } } satisfies Partial<LiveOptions>;
// The emulator's limit in tests that are not about rate limiting: well above
// the client's pace, so that requests bunched by a pause on a loaded machine
// (GC, a busy event loop) are never throttled, and call and retry counts stay exact.
const EMULATOR_RATE = FAST.requestsPerSecond * 5;

/** Runs `body` with an emulator and the SDK's environment pointed at it. */
async function withAws(options: AwsEmulatorOptions, body: (aws: AwsEmulator) => Promise<void>): Promise<void> {
  const aws = await startAwsEmulator(options);
  const restore = useEnv(aws.env(options.accounts[0]!.id));
  try {
    await body(aws);
  } finally {
    restore();
    await aws.close();
  }
}

async function collect(live: Partial<LiveOptions> = {}): Promise<{ report: Report; stats: LiveCollectionStats }> {
  const engine = new ScanEngine(WINDOW);
  const stats = await collectLookupEvents({ regions: 'all', window: WINDOW, eventNames: EVENT_NAMES, ...FAST, ...live }, engine);
  return { report: engine.finish(), stats };
}

const inWindow = (count: number, eventName: string, region: string) =>
  recordsBetween(count, WINDOW.startMs, WINDOW.endMs, { eventName, region, account: ACCOUNT });

const eventIdsOf = (report: Report): string[] => report.hunts.flatMap((hunt) => hunt.rows.flatMap((row) => row.event_ids)).sort();
const idsOf = (records: ReadonlyArray<Record<string, unknown>>): string[] => records.map((r) => String(r['eventID'])).sort();

/** The fewest LookupEvents calls that can read `matches` (per region, per event name). */
function minimumCalls(matches: Record<string, Record<string, number>>): number {
  return Object.values(matches).reduce(
    (sum, byName) => sum + EVENT_NAMES.reduce((s, name) => s + Math.max(1, Math.ceil((byName[name] ?? 0) / 50)), 0),
    0,
  );
}

describe('LookupEvents collection against the CloudTrail emulator', () => {
  test('reads every matching event of every enabled region, pages 2+ included, and nothing else', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }], ratePerSecond: EMULATOR_RATE }, async (aws) => {
      aws.disableRegion(ACCOUNT, 'af-south-1');
      const stopLogging = inWindow(120, 'StopLogging', 'us-east-1');
      const deleteTrail = inWindow(3, 'DeleteTrail', 'us-east-1');
      const flowLogs = inWindow(51, 'DeleteFlowLogs', 'eu-west-1');
      const noise = [...inWindow(200, 'DescribeInstances', 'us-east-1'), ...inWindow(80, 'ConsoleLogin', 'eu-west-1')];
      // On the window's start (the API includes it, the hunt's `>` does not) and well before it.
      const onStart = cloudTrailRecord({ eventName: 'StopLogging', eventTime: new Date(WINDOW.startMs).toISOString(), account: ACCOUNT, region: 'us-east-1' });
      const before = cloudTrailRecord({ eventName: 'StopLogging', eventTime: new Date(WINDOW.startMs - 86_400_000).toISOString(), account: ACCOUNT, region: 'us-east-1' });
      aws.addRecords(ACCOUNT, 'us-east-1', [...stopLogging, ...deleteTrail, onStart, before, ...noise.slice(0, 200)]);
      aws.addRecords(ACCOUNT, 'eu-west-1', [...flowLogs, ...noise.slice(200)]);
      aws.addRecords(ACCOUNT, 'af-south-1', inWindow(5, 'StopLogging', 'af-south-1'));

      const { report } = await collect();

      expect(eventIdsOf(report)).toEqual(idsOf([...stopLogging, ...deleteTrail, ...flowLogs]));
      expect(report.stats.records_outside_window).toBe(1);
      expect(report.coverage.map((c) => [c.region, c.status])).toEqual([
        ['ap-southeast-2', 'ok'],
        ['eu-west-1', 'ok'],
        ['us-east-1', 'ok'],
      ]);
      expect(report.coverage.find((c) => c.region === 'us-east-1')?.events).toBe(124);
      const stats = aws.stats;
      expect(stats.eventNamesRequested).toEqual(EVENT_NAMES);
      expect(stats.lookupEvents).toBe(minimumCalls({ 'us-east-1': { StopLogging: 121, DeleteTrail: 3 }, 'eu-west-1': { DeleteFlowLogs: 51 }, 'ap-southeast-2': {} }));
      expect(Object.keys(stats.regions)).not.toContain(`${ACCOUNT}/af-south-1`);
      expect(report.hunts[0]?.rows.every((row) => row.accounts.includes(ACCOUNT))).toBe(true);
    });
  });

  test('a client pacing faster than the API allows is throttled, recovers, and still reads everything', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1', 'eu-west-1'] }], ratePerSecond: 5 }, async (aws) => {
      const east = [...inWindow(130, 'StopLogging', 'us-east-1'), ...inWindow(60, 'DeleteTrail', 'us-east-1')];
      const west = inWindow(101, 'DeleteFlowLogs', 'eu-west-1');
      aws.addRecords(ACCOUNT, 'us-east-1', east);
      aws.addRecords(ACCOUNT, 'eu-west-1', west);

      const { report, stats } = await collect({ requestsPerSecond: 50, retry: { baseDelayMs: 50, maxDelayMs: 400, maxAttempts: 10 } });

      expect(aws.stats.throttled).toBeGreaterThan(0);
      expect(stats.throttled).toBe(aws.stats.throttled);
      expect(report.coverage.every((c) => c.status === 'ok')).toBe(true);
      expect(eventIdsOf(report)).toEqual(idsOf([...east, ...west]));
      // Every call beyond the minimum is a throttled one that was retried.
      const minimum = minimumCalls({ 'us-east-1': { StopLogging: 130, DeleteTrail: 60 }, 'eu-west-1': { DeleteFlowLogs: 101 } });
      expect(aws.stats.lookupEvents).toBe(minimum + aws.stats.throttled);
    });
  });

  test('a denied region makes coverage incomplete, names the region and its error, and the others are still read', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1', 'eu-west-1', 'eu-central-1'] }], ratePerSecond: EMULATOR_RATE }, async (aws) => {
      const found = inWindow(2, 'DeleteTrail', 'eu-central-1');
      aws.addRecords(ACCOUNT, 'eu-central-1', found);
      aws.addRecords(ACCOUNT, 'eu-west-1', inWindow(3, 'StopLogging', 'eu-west-1'));
      aws.denyRegion(ACCOUNT, 'eu-west-1', 'AccessDeniedException');

      const report = await scan({ inputs: [], regions: 'all', lookbackDays: 7, now: new Date(NOW) }, FAST);

      // The findings of the readable regions keep status findings; the gap is in coverage_complete.
      expect(report).toMatchObject({ status: 'findings', coverage_complete: false });
      const denied = report.coverage.find((c) => c.region === 'eu-west-1');
      expect(denied).toMatchObject({ account: ACCOUNT, status: 'error' });
      expect(denied?.error).toMatch(/^AccessDeniedException: User: arn:aws:iam::111122223333:user\/scanner is not authorized to perform: cloudtrail:LookupEvents/);
      // Denied is final: no retries, at most one request per event name.
      expect(denied?.requests).toBeLessThanOrEqual(EVENT_NAMES.length);
      expect(report.coverage.filter((c) => c.status === 'ok').map((c) => c.region)).toEqual(['eu-central-1', 'us-east-1']);
      expect(eventIdsOf(report)).toEqual(idsOf(found));
    });
  });

  test('a region named explicitly but not enabled is a coverage gap with the AWS error', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1'] }], ratePerSecond: EMULATOR_RATE }, async (aws) => {
      aws.disableRegion(ACCOUNT, 'me-south-1');
      const { report } = await collect({ regions: ['us-east-1', 'me-south-1'] });
      expect(report.status).toBe('incomplete');
      expect(report.coverage).toEqual([
        expect.objectContaining({ region: 'me-south-1', status: 'error', error: 'UnrecognizedClientException: The security token included in the request is invalid.' }),
        expect.objectContaining({ region: 'us-east-1', status: 'ok' }),
      ]);
      // An explicit list needs no ec2:DescribeRegions.
      expect(aws.stats.describeRegions).toBe(0);
    });
  });

  test('an unreadable event is a coverage error of its region: counted, named, and the readable events still found', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1', 'eu-west-1'] }], ratePerSecond: EMULATOR_RATE }, async (aws) => {
      const good = inWindow(3, 'StopLogging', 'us-east-1');
      aws.addRecords(ACCOUNT, 'us-east-1', good);
      aws.addMalformed(ACCOUNT, 'us-east-1', { eventName: 'StopLogging', eventTime: beforeNow(3, 14) });
      aws.addMalformed(ACCOUNT, 'us-east-1', { eventName: 'StopLogging', eventTime: beforeNow(3, 13), text: '[' });
      aws.addMalformed(ACCOUNT, 'us-east-1', { eventName: 'DeleteTrail', eventTime: beforeNow(2, 14), text: 'not json' });
      // JSON, but not a record: no eventTime, eventName or eventSource. Asked for as DeleteFlowLogs, so still one.
      aws.addMalformed(ACCOUNT, 'us-east-1', { eventName: 'DeleteFlowLogs', eventTime: beforeNow(2, 13), text: '{"eventVersion":"1.08"}' });

      const { report } = await collect();

      // Three CloudTrailEvent strings that are not JSON; one JSON object that is not a record.
      expect(report.stats.skipped_by_reason).toEqual({ 'malformed-json': 3, 'missing-envelope': 1 });
      expect(eventIdsOf(report)).toEqual(idsOf(good));
      expect(report.coverage).toEqual([
        expect.objectContaining({ account: ACCOUNT, region: 'eu-west-1', status: 'ok' }),
        {
          account: ACCOUNT,
          region: 'us-east-1',
          status: 'error',
          error:
            '1 DeleteFlowLogs event, 1 DeleteTrail event, 2 StopLogging events could not be read (malformed CloudTrailEvent; missing eventTime, eventName or eventSource)',
          requests: EVENT_NAMES.length,
          events: 7,
        },
      ]);
      expect(report.status).not.toBe('clean');
    });
  });

  test('a region holding only an unreadable StopLogging is not clean: incomplete, exit 3', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1'] }], ratePerSecond: EMULATOR_RATE }, async (aws) => {
      aws.addMalformed(ACCOUNT, 'us-east-1', { eventName: 'StopLogging', eventTime: beforeNow(3, 14) });
      const { status, stdout, stderr } = await scanNow();
      expect(stderr).toBe('');
      expect(status).toBe(3);
      const report = reportOf({ status, stdout, stderr });
      expect(report.status).toBe('incomplete');
      expect(report.coverage).toEqual([
        expect.objectContaining({ account: ACCOUNT, region: 'us-east-1', status: 'error', error: '1 StopLogging event could not be read (malformed CloudTrailEvent)' }),
      ]);
    });
  });

  test('5xx answers and timeouts are retried until the region is read', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1', 'eu-west-1', 'ap-south-1'] }], ratePerSecond: EMULATOR_RATE }, async (aws) => {
      const east = inWindow(75, 'StopLogging', 'us-east-1');
      const west = inWindow(4, 'DeleteFlowLogs', 'eu-west-1');
      const south = inWindow(2, 'DeleteTrail', 'ap-south-1');
      aws.addRecords(ACCOUNT, 'us-east-1', east);
      aws.addRecords(ACCOUNT, 'eu-west-1', west);
      aws.addRecords(ACCOUNT, 'ap-south-1', south);
      aws.failNext(ACCOUNT, 'us-east-1', 3, 500);
      aws.failNext(ACCOUNT, 'eu-west-1', 1, 503);
      // Slower than the client waits: the request times out and is sent again.
      aws.delayNext(ACCOUNT, 'ap-south-1', 1, 1000);

      const { report, stats } = await collect({ requestTimeoutMs: 250 });

      expect(aws.stats.faultsServed).toBe(4);
      expect(stats.retried).toBe(5);
      expect(report.coverage.every((c) => c.status === 'ok')).toBe(true);
      expect(eventIdsOf(report)).toEqual(idsOf([...east, ...west, ...south]));
    });
  });

  test('retries are bounded: a region that keeps failing ends as a coverage gap', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1', 'eu-west-1'] }], ratePerSecond: EMULATOR_RATE }, async (aws) => {
      aws.failNext(ACCOUNT, 'eu-west-1', 1000, 500);
      const { report } = await collect({ retry: { ...FAST.retry, maxAttempts: 3 } });
      const failed = report.coverage.find((c) => c.region === 'eu-west-1');
      expect(failed?.status).toBe('error');
      expect(failed?.error).toMatch(/^InternalFailure: .* \(gave up after 3 attempts\)$/);
      expect(report.coverage.find((c) => c.region === 'us-east-1')?.status).toBe('ok');
    });
  });

  test("the credentials' own regions not listable is a coverage gap of the account: incomplete, exit 3, the report still written", async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1'] }] }, async (aws) => {
      aws.denyDescribeRegions(ACCOUNT);
      const { status, stdout, stderr } = await scanNow();
      expect(stderr).toBe('');
      expect(status).toBe(3);
      const report = reportOf({ status, stdout, stderr });
      expect(report.status).toBe('incomplete');
      expect(report.coverage).toEqual([
        {
          account: ACCOUNT,
          region: '*',
          status: 'error',
          error: `cannot list the enabled regions of account ${ACCOUNT} (ec2:DescribeRegions in us-east-1): UnauthorizedOperation: You are not authorized to perform this operation.`,
          requests: 0,
          events: 0,
        },
      ]);
      expect(aws.stats.lookupEvents).toBe(0);
    });
  });

  test('an account with no enabled region is a coverage gap, not a clean scan of nothing', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: [] }] }, async (aws) => {
      const { report, stats } = await collect();
      expect(report.status).toBe('incomplete');
      expect(report.coverage).toEqual([expect.objectContaining({ account: ACCOUNT, region: '*', status: 'error', error: 'no enabled regions' })]);
      expect(stats.accountsUnreadable).toBe(1);
      expect(aws.stats.lookupEvents).toBe(0);
    });
  });

  test('credentials AWS does not recognise are fatal, in one line', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1'] }] }, async () => {
      process.env['AWS_ACCESS_KEY_ID'] = 'AKIANOTKNOWN00000000';
      await expect(collect()).rejects.toThrow(
        /^cannot identify the AWS account \(sts:GetCallerIdentity in us-east-1\): InvalidClientTokenId: The security token included in the request is invalid\.$/,
      );
    });
  });

  test('the CLI scan without --input reads AWS and exits 3 when a region is denied', async () => {
    await withAws({ accounts: [{ id: ACCOUNT, regions: ['us-east-1', 'eu-west-1'] }] }, async (aws) => {
      aws.denyRegion(ACCOUNT, 'eu-west-1');
      const { status, stdout, stderr } = await scanNow();
      expect(stderr).toBe('');
      expect(status).toBe(3);
      const report = reportOf({ status, stdout, stderr });
      expect(report.status).toBe('incomplete');
      expect(report.coverage).toEqual([
        expect.objectContaining({ account: ACCOUNT, region: 'eu-west-1', status: 'error', error: expect.stringMatching(/^AccessDeniedException: /) }),
        expect.objectContaining({ account: ACCOUNT, region: 'us-east-1', status: 'ok' }),
      ]);
    });
  });
});
