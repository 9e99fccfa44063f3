import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../src/report/model.js';
import { startAwsEmulator } from './emulators/aws.js';
import { cloudTrailRecord } from './emulators/records.js';
import { useEnv } from './helpers/env.js';
import { cli, reportOf, type CliRun } from './helpers/cli.js';
import { REPO_ROOT } from './helpers/paths.js';
import { rawRecord } from './helpers/records.js';

type Run = CliRun;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ltg-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function logFile(name: string, records: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ Records: records }));
  return path;
}

const NOW = ['--now', '2024-10-10T00:00:00Z'];

describe('scan --sample', () => {
  test('shows the sample findings and exits 1', async () => {
    const run = await cli('scan', '--sample', '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = reportOf(run);
    expect(report.window).toEqual({ start: '2026-11-13T12:00:00.000Z', end: '2026-11-20T12:00:00.000Z' });
    expect(report.status).toBe('findings');
    expect(report.hunts[0]!.rows).toHaveLength(14);
    expect(report.alerts.map((a) => [a.rule, a['cloud.account.id'], a['cloud.region'], a['aws.cloudtrail.user_identity.arn']])).toEqual([
      ['route53-resolver-query-log-configuration-deleted', '111122223333', 'eu-west-1', 'arn:aws:sts::111122223333:assumed-role/NetworkAdmin/alice'],
    ]);
    expect(report.stats).toEqual(
      expect.objectContaining({ files_read: 14, records_read: 32, records_outside_window: 2, duplicates_dropped: 1, records_skipped: 0 }),
    );
  });

  test('covers every branch the sample README promises', async () => {
    const rows = reportOf(await cli('scan', '--sample', '--format', 'json')).hunts[0]!.rows;
    const key = (r: (typeof rows)[number]) => `${r['event.action']}/${r['event.outcome']}`;
    for (const action of ['DeleteFlowLogs', 'DeleteResolverQueryLogConfig', 'DeleteTrail', 'StopLogging']) {
      expect(rows.map(key)).toEqual(expect.arrayContaining([`${action}/success`, `${action}/failure`]));
    }
    expect(rows.some((r) => r['aws.cloudtrail.user_identity.arn'] === null)).toBe(true);
    expect(rows.some((r) => r.service_logging_delete_count > 1)).toBe(true);
    expect(new Set(rows.flatMap((r) => r.accounts)).size).toBe(2);
    expect(new Set(rows.flatMap((r) => r.regions)).size).toBe(3);
    // The 23:59:59Z and 00:00:00Z deletions by the same caller land on two days.
    const alice = rows.filter((r) => r['event.action'] === 'DeleteFlowLogs' && r['aws.cloudtrail.user_identity.arn']?.endsWith('/alice'));
    expect(alice.map((r) => r.date)).toEqual(['2026-11-19', '2026-11-20']);
  });

  test('--fail-on never still reports, but exits 0', async () => {
    const run = await cli('scan', '--sample', '--fail-on', 'never');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^status: findings$/m);
  });

  test('--sample and --input together are a usage error', async () => {
    const run = await cli('scan', '--sample', '--input', 'x.json');
    expect([run.status, run.stderr]).toEqual([2, 'logging-tamper-guard: --sample and --input cannot be used together\n']);
  });
});

describe('exit status and --fail-on', () => {
  test('clean input exits 0 with status clean', async () => {
    const path = logFile('clean.json', [rawRecord({ eventName: 'DescribeFlowLogs' }), rawRecord({ eventTime: '2023-01-01T00:00:00Z' })]);
    const run = await cli('scan', '--input', path, ...NOW, '--format', 'json');
    expect(run.status).toBe(0);
    expect(reportOf(run)).toMatchObject({ status: 'clean', coverage_complete: true });
  });

  test('failed attempts only: success -> 0, any -> 1, never -> 0; the report shows them either way', async () => {
    const path = logFile('attempts.json', [rawRecord({ errorCode: 'AccessDenied' }), rawRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', errorMessage: 'denied' })]);
    const statuses: Record<string, number> = {};
    for (const failOn of ['success', 'any', 'never']) {
      const run = await cli('scan', '--input', path, ...NOW, '--format', 'json', '--fail-on', failOn);
      statuses[failOn] = run.status;
      expect(reportOf(run).hunts[0]!.rows.map((r) => r['event.outcome'])).toEqual(['failure', 'failure']);
    }
    expect(statuses).toEqual({ success: 0, any: 1, never: 0 });
  });

  test('a successful deletion fails with the default fail-on', async () => {
    const run = await cli('scan', '--input', logFile('deleted.json', [rawRecord()]), ...NOW);
    expect(run.status).toBe(1);
  });

  test('a rule alert alone is enough for fail-on success', async () => {
    const resolver = rawRecord({ eventSource: 'route53resolver.amazonaws.com', eventName: 'DeleteResolverQueryLogConfig' });
    const run = await cli('scan', '--input', logFile('resolver.json', [resolver]), ...NOW, '--fail-on', 'success', '--format', 'json');
    expect(run.status).toBe(1);
    expect(reportOf(run).alerts).toHaveLength(1);
  });

  test('--lookback-days and --now set the window', async () => {
    const path = logFile('old.json', [rawRecord({ eventTime: '2024-09-15T00:00:00Z' })]);
    expect((await cli('scan', '--input', path, ...NOW)).status).toBe(0);
    const run = await cli('scan', '--input', path, ...NOW, '--lookback-days', '30', '--format', 'json');
    expect(run.status).toBe(1);
    expect(reportOf(run).window).toEqual({ start: '2024-09-10T00:00:00.000Z', end: '2024-10-10T00:00:00.000Z' });
  });
});

describe('findings and a coverage gap together (live read)', () => {
  const ACCOUNT = '111122223333';
  // Live windows must lie within Event history's 90 days: a clock near the real one.
  const LIVE_NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const NOW = ['--now', LIVE_NOW.toISOString()];
  const dayBefore = new Date(LIVE_NOW.getTime() - 86_400_000).toISOString().replace('.000Z', 'Z');

  // A deletion read in us-east-1 while eu-west-1 denies LookupEvents (as an SCP would).
  test('status stays findings and coverage_complete says false; fail-on decides between exit 1 and 3', async () => {
    const aws = await startAwsEmulator({ accounts: [{ id: ACCOUNT, regions: ['eu-west-1', 'us-east-1'] }] });
    const restore = useEnv(aws.env(ACCOUNT));
    try {
      aws.addRecords(ACCOUNT, 'us-east-1', [cloudTrailRecord({ eventName: 'StopLogging', eventID: 'evt-stop', eventTime: dayBefore, account: ACCOUNT, region: 'us-east-1' })]);
      aws.denyRegion(ACCOUNT, 'eu-west-1');

      const json = await cli('scan', ...NOW, '--format', 'json');
      expect([json.status, json.stderr]).toEqual([1, '']);
      const report = reportOf(json);
      expect(report.status).toBe('findings');
      expect(report.coverage_complete).toBe(false);
      expect(report.hunts[0]!.rows.flatMap((row) => row.event_ids)).toEqual(['evt-stop']);

      const text = await cli('scan', ...NOW, '--fail-on', 'never', '--format', 'text');
      expect(text.status).toBe(3);
      expect(text.stdout.split('\n').slice(0, 3)).toEqual([
        'Service logging was deleted or stopped (or someone tried) — and coverage is incomplete: 1 account/region pair could not be read',
        'status: findings',
        'coverage complete: no',
      ]);

      const markdown = await cli('scan', ...NOW, '--fail-on', 'never', '--format', 'markdown');
      expect(markdown.stdout.split('\n')[0]).toBe(
        '## logging-tamper-guard: 🚨 Service logging was deleted or stopped (or someone tried) — and coverage is incomplete: 1 account/region pair could not be read',
      );
    } finally {
      restore();
      await aws.close();
    }
  });
});

describe('--regions with file input', () => {
  test('keeps only the records of the listed regions and counts the rest as outside the regions', async () => {
    const path = logFile('regions.json', [
      rawRecord({ eventID: 'east', awsRegion: 'us-east-1' }),
      rawRecord({ eventID: 'west', awsRegion: 'eu-west-1' }),
      rawRecord({ eventID: 'sydney', awsRegion: 'ap-southeast-2', eventName: 'DescribeFlowLogs' }),
      // Unreadable, but in a region not asked for: no gap in what was asked.
      rawRecord({ eventID: 'broken', awsRegion: 'eu-west-1', eventTime: 'yesterday' }),
    ]);
    const idsIn = (run: Run) => reportOf(run).hunts[0]!.rows.flatMap((row) => row.event_ids).sort();

    const all = await cli('scan', '--input', path, ...NOW, '--format', 'json');
    expect(idsIn(all)).toEqual(['east', 'west']);
    expect(reportOf(all).stats.records_outside_regions).toBe(0);
    expect(reportOf(all).coverage.map((entry) => [entry.region, entry.status])).toEqual([['eu-west-1', 'error']]);

    const east = await cli('scan', '--input', path, ...NOW, '--regions', 'us-east-1', '--format', 'json');
    expect(idsIn(east)).toEqual(['east']);
    expect(reportOf(east).stats).toEqual(expect.objectContaining({ records_read: 4, records_outside_regions: 3, records_skipped: 0 }));
    expect(reportOf(east).coverage).toEqual([]);

    const none = await cli('scan', '--input', path, ...NOW, '--regions', 'ca-central-1', '--format', 'json');
    expect([none.status, reportOf(none).status, reportOf(none).stats.records_outside_regions]).toEqual([0, 'clean', 4]);
  });

  test('applies to --sample too', async () => {
    const report = reportOf(await cli('scan', '--sample', '--regions', 'eu-west-1', '--format', 'json'));
    expect(new Set(report.hunts[0]!.rows.flatMap((row) => row.regions))).toEqual(new Set(['eu-west-1']));
    expect(report.stats.records_outside_regions).toBeGreaterThan(0);
  });

  test('the text and Markdown stats lines say how many records the filter left out', async () => {
    const expected = `${reportOf(await cli('scan', '--sample', '--regions', 'eu-west-1', '--format', 'json')).stats.records_outside_regions} outside the listed regions`;
    expect((await cli('scan', '--sample', '--regions', 'eu-west-1')).stdout).toContain(expected);
    expect((await cli('scan', '--sample', '--regions', 'eu-west-1', '--format', 'markdown')).stdout).toContain(expected);
    expect((await cli('scan', '--sample')).stdout).not.toContain('outside the listed regions');
  });
});

describe('the JSON report (DESIGN.md contract)', () => {
  test('has the promised fields with their names and types', async () => {
    const resolver = rawRecord({ eventSource: 'route53resolver.amazonaws.com', eventName: 'DeleteResolverQueryLogConfig', eventID: 'alert-1', sourceIPAddress: '203.0.113.9' });
    const path = logFile('contract.json', [resolver, rawRecord({ eventID: 'row-1', userIdentity: undefined })]);
    const report = reportOf(await cli('scan', '--input', path, ...NOW, '--format', 'json')) as unknown as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['window', 'status', 'coverage', 'hunts', 'alerts']));
    expect(report['coverage']).toEqual([]);
    const [hunt] = report['hunts'] as { id: string; rows: Record<string, unknown>[] }[];
    expect(hunt!.id).toBe('multiple-service-logging-deleted-or-stopped');
    expect(hunt!.rows).toEqual([
      expect.objectContaining({
        'event.provider': 'ec2.amazonaws.com',
        'event.action': 'DeleteFlowLogs',
        'event.outcome': 'success',
        date: '2024-10-08',
        'aws.cloudtrail.user_identity.arn': null,
        service_logging_delete_count: 1,
        event_ids: ['row-1'],
      }),
      expect.objectContaining({ 'event.provider': 'route53resolver.amazonaws.com', 'aws.cloudtrail.user_identity.arn': 'arn:aws:iam::111122223333:user/alice', event_ids: ['alert-1'] }),
    ]);
    expect(report['alerts']).toEqual([
      expect.objectContaining({
        rule: 'route53-resolver-query-log-configuration-deleted',
        severity: 'medium',
        risk_score: 47,
        event_id: 'alert-1',
        '@timestamp': '2024-10-08T09:08:34.000Z',
        'cloud.account.id': '111122223333',
        'cloud.region': 'us-east-1',
        'aws.cloudtrail.user_identity.arn': 'arn:aws:iam::111122223333:user/alice',
        'source.address': '203.0.113.9',
      }),
    ]);
  });

  test.each(['markdown', 'text'])('--format %s renders the same findings', async (format) => {
    const run = await cli('scan', '--sample', '--format', format);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('NetworkAdmin');
    expect(run.stdout).toContain('DeleteResolverQueryLogConfig');
  });
});

describe('bad input and bad usage: exit 2 and one line on stderr', () => {
  const oneLine = (run: Run) => {
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n')).toBe(true);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    return run.stderr.trimEnd();
  };

  test('a missing file is named', async () => {
    const path = join(dir, 'AWSLogs', 'missing.json.gz');
    expect(oneLine(await cli('scan', '--input', path))).toBe(`logging-tamper-guard: ${path}: no such file or directory`);
  });

  test('a file that is not JSON is named with the byte', async () => {
    const path = join(dir, 'garbage.json');
    writeFileSync(path, '{"Records":[{"eventName": oops}]}');
    expect(oneLine(await cli('scan', '--input', path))).toMatch(new RegExp(`^logging-tamper-guard: ${path}: invalid JSON.* at byte \\d+$`));
  });

  test.each([
    [['scan', '--lookback-days', '91'], 'logging-tamper-guard: --lookback-days: must be at most 90 (CloudTrail Event history keeps 90 days)'],
    [['scan', '--lookback-days', 'seven'], 'logging-tamper-guard: --lookback-days: must be a whole number of days from 1 to 90'],
    [['scan', '--format', 'xml'], 'logging-tamper-guard: --format: must be json, markdown or text'],
    [['scan', '--fail-on', 'sometimes'], 'logging-tamper-guard: --fail-on: must be success, any or never'],
    [['scan', '--now', 'yesterday'], /^logging-tamper-guard: --now: must be an ISO 8601 date/],
    [['scan', '--now', '2024-02-30T00:00:00Z'], 'logging-tamper-guard: --now: is not a real calendar date'],
    [[], 'logging-tamper-guard: missing command: use "scan" (see --help)'],
  ])('%j', async (argv, message) => {
    const line = oneLine(await cli(...argv));
    if (typeof message === 'string') expect(line).toBe(message);
    else expect(line).toMatch(message);
  });
});

describe('the built CLI (dist/cli.js)', () => {
  const CLI = join(REPO_ROOT, 'dist', 'cli.js');
  const node = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, RUNNER_DEBUG: '' } });

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before the tests`);
  });

  test('scan --sample finds the sample and exits 1', () => {
    const run = node(['scan', '--sample']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^status: findings$/m);
    expect(run.stdout).toContain('14 finding row(s), 1 alert(s)');
  });

  test('unreadable input exits 2 with one line naming the file', () => {
    const path = join(dir, 'cut.json.gz');
    writeFileSync(path, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]));
    const run = node(['scan', '--input', path]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`logging-tamper-guard: ${path}: truncated gzip data\n`);
  });

  test('an unknown option exits 2 with one line', () => {
    const run = node(['scan', '--bogus']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^logging-tamper-guard: Unknown option '--bogus'.*\(see --help\)\n$/);
  });

  test('reads lookup-events output piped to --input /dev/stdin', () => {
    const record = rawRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' });
    const lookup = join(dir, 'lookup.json');
    writeFileSync(lookup, JSON.stringify({ Events: [{ EventId: record['eventID'], EventName: 'StopLogging', CloudTrailEvent: JSON.stringify(record) }] }));
    // Through a shell pipe, as a user would run `aws cloudtrail lookup-events ... | logging-tamper-guard scan --input /dev/stdin`.
    const run = spawnSync('/bin/sh', ['-c', 'cat "$1" | "$2" "$3" scan --input /dev/stdin --now 2024-10-10T00:00:00Z --format json', 'sh', lookup, process.execPath, CLI], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as Report).hunts[0]!.rows.map((r) => r['event.action'])).toEqual(['StopLogging']);
  });
});

describe('text coverage verdict', () => {
  test('a file scan says its coverage is only that of the files given', async () => {
    const run = await cli('scan', '--sample');
    expect(run.stdout).toContain('coverage complete: yes, of the files given (no AWS account or region was queried)\n');
  });
});

describe('live windows must lie within CloudTrail Event history', () => {
  // Checked before any AWS call: no emulator and no credentials are needed to be refused.
  test.each([
    [['scan', '--now', '2020-01-01T00:00:00Z'], /^logging-tamper-guard: --now: the window would start at 2019-12-25T00:00:00\.000Z, before the 90 days CloudTrail Event history keeps \(from .*\); scan exported log files with --input instead\n$/],
    [['scan', '--now', '2999-01-01T00:00:00Z'], /^logging-tamper-guard: --now: 2999-01-01T00:00:00\.000Z is in the future; a live scan reads CloudTrail Event history up to the present\n$/],
  ])('%j is refused with one line, exit 2', async (argv, message) => {
    const run = await cli(...argv);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('the same old window is fine for exported files', async () => {
    const run = await cli('scan', '--input', logFile('old-export.json', [rawRecord({ eventTime: '2019-12-30T00:00:00Z' })]), '--now', '2020-01-01T00:00:00Z', '--format', 'json');
    expect(run.status).toBe(1);
  });
});

