import { STSClient } from '@aws-sdk/client-sts';
import { readInputs } from '../src/action/inputs.js';
import { assumeRoleCredentials } from '../src/aws/assume-role.js';
import { planTargets } from '../src/aws/targets.js';
import type { Accounts } from '../src/config.js';
import { requiredEventNames } from '../src/detections/registry.js';
import { ScanEngine, windowEndingAt } from '../src/engine.js';
import type { Report } from '../src/report/model.js';
import { ConcurrencyLimit } from '../src/sources/concurrency-limit.js';
import { collectLookupEvents, type LiveCollectionStats, type LiveOptions } from '../src/sources/lookup-events.js';
import { startAwsEmulator, type AccountSpec, type AwsEmulator, type AwsEmulatorOptions, type CloudTrailRecord } from './emulators/aws.js';
import { recordsBetween } from './emulators/records.js';
import { cli, type CliRun } from './helpers/cli.js';
import { useEnv } from './helpers/env.js';

const ROLE = 'LoggingTamperGuardReader';
// Live scans read CloudTrail Event history, which holds only the last 90 days,
// so the CLI refuses older windows: the scan clock is pinned to the start of
// the previous hour of the real clock, once per file.
const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString().replace('.000Z', 'Z');
const WINDOW = windowEndingAt(new Date(NOW), 7);
const EVENT_NAMES = requiredEventNames();
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2'];
const FAST = { requestsPerSecond: 20, retry: { baseDelayMs: 20, maxDelayMs: 200 } } satisfies Partial<LiveOptions>;
// The emulator's limit in tests that are not about rate limiting: well above
// the client's pace, so that requests bunched by a pause on a loaded machine
// (GC, a busy event loop) are never throttled.
const EMULATOR_RATE = FAST.requestsPerSecond * 5;

/** `count` accounts 100000000001.. (the first one the management account), named, each with `regions`. */
function accountSpecs(count: number, regions: string[], names: string[] = []): AccountSpec[] {
  return Array.from({ length: count }, (_, i) => ({ id: String(100_000_000_001 + i), name: names[i] ?? `account-${i + 1}`, regions }));
}

/** Runs `body` with an emulator, the SDK's environment acting as the first account (the management account). */
async function withAws(options: AwsEmulatorOptions, body: (aws: AwsEmulator, caller: string) => Promise<void>): Promise<void> {
  const aws = await startAwsEmulator(options);
  const caller = options.accounts[0]!.id;
  const restore = useEnv(aws.env(caller));
  try {
    await body(aws, caller);
  } finally {
    restore();
    await aws.close();
  }
}

async function collect(accounts: Accounts, live: Partial<LiveOptions> = {}): Promise<{ report: Report; stats: LiveCollectionStats }> {
  const engine = new ScanEngine(WINDOW);
  const stats = await collectLookupEvents({ regions: 'all', window: WINDOW, eventNames: EVENT_NAMES, accounts: { accounts, roleName: ROLE }, ...live }, engine);
  return { report: engine.finish(), stats };
}

const inWindow = (count: number, eventName: string, account: string, region: string) => recordsBetween(count, WINDOW.startMs, WINDOW.endMs, { eventName, region, account });
const huntIds = (report: Report): string[] => report.hunts.flatMap((hunt) => hunt.rows.flatMap((row) => row.event_ids)).sort();
const idsOf = (records: readonly CloudTrailRecord[]): string[] => records.map((r) => String(r['eventID'])).sort();

const scanAt = (argv: string[]): Promise<CliRun> => cli('scan', '--now', NOW, ...argv);

describe('scanning many accounts', () => {
  test('an organization of 5 accounts x 4 regions: every event found and attributed to its account, at most 2 requests/s per pair', async () => {
    const specs = accountSpecs(5, REGIONS, ['management', 'prod', 'staging', 'dev', 'sandbox']);
    await withAws({ accounts: specs, organization: { managementAccount: specs[0]!.id }, roles: { name: ROLE }, latencyMs: 10 }, async (aws) => {
      // Matching events in some pairs of every account, pages 2+ in one; alerts in two accounts.
      const stored = new Map<string, string>(); // event id -> account it was stored in
      const hunted: CloudTrailRecord[] = [];
      const alerted: CloudTrailRecord[] = [];
      specs.forEach((spec, a) => {
        const add = (region: string, records: CloudTrailRecord[]) => {
          aws.addRecords(spec.id, region, records);
          for (const id of idsOf(records)) stored.set(id, spec.id);
        };
        const region = REGIONS[a % REGIONS.length]!;
        const stop = inWindow(a === 1 ? 60 : 2 + a, 'StopLogging', spec.id, region);
        const flowLogs = inWindow(1 + a, 'DeleteFlowLogs', spec.id, REGIONS[(a + 1) % REGIONS.length]!);
        add(region, stop);
        add(REGIONS[(a + 1) % REGIONS.length]!, flowLogs);
        hunted.push(...stop, ...flowLogs);
        if (a === 2 || a === 4) {
          const resolver = inWindow(2, 'DeleteResolverQueryLogConfig', spec.id, 'us-west-2');
          add('us-west-2', resolver);
          hunted.push(...resolver);
          alerted.push(...resolver);
        }
        add(region, inWindow(30, 'DescribeInstances', spec.id, region));
      });

      const { report, stats } = await collect('organization', { maxInFlight: 6 });

      expect(report.coverage).toHaveLength(20);
      expect(report.coverage.every((c) => c.status === 'ok')).toBe(true);
      for (const spec of specs) {
        expect(report.coverage.filter((c) => c.account === spec.id).map((c) => [c.account_name, c.region])).toEqual(
          [...REGIONS].sort().map((region) => [spec.name, region]),
        );
      }
      expect(huntIds(report)).toEqual(idsOf(hunted));
      for (const row of report.hunts[0]!.rows) {
        expect(row.accounts).toEqual([...new Set(row.event_ids.map((id) => stored.get(id)))]);
      }
      expect(report.alerts.map((alert) => alert.event_id).sort()).toEqual(idsOf(alerted));
      for (const alert of report.alerts) {
        const account = stored.get(alert.event_id!)!;
        expect(alert['origin.account']).toBe(account);
        expect(alert['origin.account_name']).toBe(specs.find((s) => s.id === account)!.name);
      }

      const emulated = aws.stats;
      // The real API's limit, enforced by the emulator: never exceeded, never surfaced.
      expect(Math.max(...Object.values(emulated.regions).map((r) => r.maxObservedRate))).toBeLessThanOrEqual(2);
      expect(emulated.throttled).toBe(0);
      expect(Object.keys(emulated.regions)).toHaveLength(20);
      // The global cap, seen from both ends.
      expect(stats.peakInFlight).toBeLessThanOrEqual(6);
      expect(emulated.maxConcurrentLookups).toBeLessThanOrEqual(6);
      // One session per member account, none for the management account read with its own credentials.
      expect(emulated.assumeRoleByAccount).toEqual(Object.fromEntries(specs.slice(1).map((s) => [s.id, 1])));
      expect(emulated.listAccounts).toBe(1);
    });
  });

  test('an account whose role cannot be assumed is one coverage error naming it; the others are read in full', async () => {
    const specs = accountSpecs(3, ['us-east-1', 'eu-west-1']);
    const [own, denied, readable] = specs.map((s) => s.id) as [string, string, string];
    await withAws({ accounts: specs, roles: { name: ROLE, deny: [denied] }, ratePerSecond: EMULATOR_RATE }, async (aws) => {
      const found = [...inWindow(3, 'StopLogging', own, 'us-east-1'), ...inWindow(2, 'DeleteTrail', readable, 'eu-west-1')];
      aws.addRecords(own, 'us-east-1', found.slice(0, 3));
      aws.addRecords(readable, 'eu-west-1', found.slice(3));
      aws.addRecords(denied, 'us-east-1', inWindow(4, 'StopLogging', denied, 'us-east-1'));

      const { report, stats } = await collect([own, denied, readable], FAST);

      // The readable accounts' deletions keep status findings; the gap is in coverage_complete.
      expect(report).toMatchObject({ status: 'findings', coverage_complete: false });
      expect(report.coverage.map((c) => [c.account, c.region, c.status])).toEqual([
        [own, 'eu-west-1', 'ok'],
        [own, 'us-east-1', 'ok'],
        [denied, '*', 'error'],
        [readable, 'eu-west-1', 'ok'],
        [readable, 'us-east-1', 'ok'],
      ]);
      expect(report.coverage[2]?.error).toBe(
        `sts:AssumeRole of arn:aws:iam::${denied}:role/${ROLE} failed: AccessDenied: User: arn:aws:iam::${own}:user/scanner is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${denied}:role/${ROLE}`,
      );
      expect(huntIds(report)).toEqual(idsOf(found));
      expect(stats.accountsUnreadable).toBe(1);
      expect(Object.keys(aws.stats.regions).some((key) => key.startsWith(denied))).toBe(false);
      // Denied once, not once per region.
      expect(aws.stats.assumeRoleDenied).toBe(1);
    });
  });

  test('"organization" pages through ListAccounts (25 accounts), skips suspended ones, and reads the rest', async () => {
    const specs: AccountSpec[] = accountSpecs(25, ['us-east-1']).map((spec, i) => (i === 7 || i === 21 ? { ...spec, status: 'SUSPENDED' } : spec));
    await withAws({ accounts: specs, organization: { managementAccount: specs[0]!.id }, roles: { name: ROLE }, ratePerSecond: EMULATOR_RATE }, async (aws) => {
      const { report, stats } = await collect('organization', FAST);

      expect(aws.stats.listAccounts).toBe(2);
      expect(stats.accountsSkipped.map((a) => [a.id, a.state])).toEqual([
        [specs[7]!.id, 'SUSPENDED'],
        [specs[21]!.id, 'SUSPENDED'],
      ]);
      const active = specs.filter((s) => s.status === undefined);
      expect(report.coverage.map((c) => [c.account, c.account_name, c.status])).toEqual(active.map((s) => [s.id, s.name, 'ok']));
      expect(report.status).toBe('clean');
      expect(aws.stats.assumeRole).toBe(active.length - 1);
    });
  });

  test('failing to list the organization is fatal, in one line', async () => {
    const specs = accountSpecs(2, ['us-east-1']);
    await withAws({ accounts: specs, organization: { managementAccount: specs[0]!.id }, roles: { name: ROLE } }, async (aws, caller) => {
      aws.denyListAccounts();
      await expect(collect('organization', FAST)).rejects.toThrow(
        new Error(
          `cannot list the accounts of the organization (organizations:ListAccounts as arn:aws:iam::${caller}:user/scanner): AccessDeniedException: You don’t have permissions to access this resource.`,
        ),
      );
      expect(aws.stats.lookupEvents).toBe(0);
    });
  });

  test('an organization with no ACTIVE account is fatal, in one line: a scan of nothing is not clean', async () => {
    const specs: AccountSpec[] = accountSpecs(3, ['us-east-1']).map((spec, i) => ({ ...spec, status: i === 2 ? 'PENDING_CLOSURE' : 'SUSPENDED' }));
    await withAws({ accounts: specs, organization: { managementAccount: specs[0]!.id }, roles: { name: ROLE } }, async (aws) => {
      expect(await scanAt(['--accounts', 'organization', '--role-name', ROLE, '--format', 'json'])).toEqual({
        status: 3,
        stdout: '',
        stderr: 'logging-tamper-guard: no accounts to read: none of the 3 organization account(s) is ACTIVE (PENDING_CLOSURE, SUSPENDED)\n',
      });
      expect(aws.stats.lookupEvents + aws.stats.describeRegions).toBe(0);
    });
  });

  test('sessions shorter than the scan are renewed on the way, and the scan completes', async () => {
    const specs = accountSpecs(2, ['us-east-1', 'eu-west-1']);
    const member = specs[1]!.id;
    // 1.5-second sessions against a scan of about 2 seconds (the client at 5 requests/s, 10 requests per
    // region; the emulator allows 5 times that, so none is throttled).
    // When renewal happens is proven on a virtual clock below; here: the scan outlives its first session.
    await withAws({ accounts: specs, roles: { name: ROLE, sessionSeconds: 1.5 }, ratePerSecond: 25 }, async (aws) => {
      const records = [...inWindow(320, 'StopLogging', member, 'us-east-1'), ...inWindow(320, 'DeleteTrail', member, 'eu-west-1')];
      aws.addRecords(member, 'us-east-1', records.slice(0, 320));
      aws.addRecords(member, 'eu-west-1', records.slice(320));

      const { report } = await collect([member], { ...FAST, requestsPerSecond: 5 });

      expect(report.coverage.map((c) => [c.region, c.status, c.error])).toEqual([
        ['eu-west-1', 'ok', undefined],
        ['us-east-1', 'ok', undefined],
      ]);
      expect(huntIds(report)).toEqual(idsOf(records));
      expect(aws.stats.assumeRoleByAccount[member]).toBeGreaterThanOrEqual(2);
    });
  });

  test('a session AWS calls expired early is replaced and the request sent again', async () => {
    const specs = accountSpecs(2, ['us-east-1']);
    const member = specs[1]!.id;
    await withAws({ accounts: specs, roles: { name: ROLE }, ratePerSecond: EMULATOR_RATE }, async (aws) => {
      const records = inWindow(3, 'StopLogging', member, 'us-east-1');
      aws.addRecords(member, 'us-east-1', records);
      const plan = await planTargets({ accounts: [member], roleName: ROLE });
      try {
        const target = plan.targets[0]!;
        // A valid one-hour session as far as the client knows; AWS then refuses it,
        // first in LookupEvents (regions named), then in DescribeRegions (all regions).
        for (const regions of [['us-east-1'], 'all'] as const) {
          if (typeof target.credentials === 'function') await target.credentials();
          aws.expireSessions(member);
          const engine = new ScanEngine(WINDOW);
          const stats = await collectLookupEvents({ regions: regions === 'all' ? 'all' : [...regions], window: WINDOW, eventNames: EVENT_NAMES, targets: plan.targets, ...FAST }, engine);
          const report = engine.finish();
          expect(report.coverage.map((c) => c.status)).toEqual(['ok']);
          expect(huntIds(report)).toEqual(idsOf(records));
          if (regions !== 'all') expect(stats.retried).toBeGreaterThan(0);
        }
        expect(aws.stats.expiredTokens).toBeGreaterThanOrEqual(2);
        expect(aws.stats.assumeRoleByAccount[member]).toBe(3);
      } finally {
        plan.close();
      }
    });
  });
});

describe('role sessions', () => {
  test('one AssumeRole serves every caller until 5 minutes before expiry, then the session is renewed', async () => {
    const specs = accountSpecs(2, ['us-east-1']);
    const member = specs[1]!.id;
    await withAws({ accounts: specs, roles: { name: ROLE } }, async (aws) => {
      let clock = Date.now();
      const sts = new STSClient({ region: 'us-east-1' });
      try {
        const provider = assumeRoleCredentials({ sts, roleArn: `arn:aws:iam::${member}:role/${ROLE}`, sessionName: 'test-session', now: () => clock });
        const first = await Promise.all([provider(), provider(), provider()]);
        expect(new Set(first.map((c) => c.accessKeyId)).size).toBe(1);
        expect(aws.stats.assumeRole).toBe(1);
        clock += 54 * 60_000; // 6 minutes left of the hour: kept
        expect((await provider()).accessKeyId).toBe(first[0]!.accessKeyId);
        clock += 2 * 60_000; // 4 minutes left: renewed
        const renewed = await provider();
        expect(renewed.accessKeyId).not.toBe(first[0]!.accessKeyId);
        expect(aws.stats.assumeRole).toBe(2);
        provider.invalidate(provider.generation());
        await provider();
        expect(aws.stats.assumeRole).toBe(3);
        // A late rejection of an older session (a request in flight before the
        // renewal) leaves the current one alone.
        provider.invalidate(provider.generation() - 1);
        await provider();
        expect(aws.stats.assumeRole).toBe(3);
      } finally {
        sts.destroy();
      }
    });
  });

  test('the external id is passed: a wrong one is denied like an untrusted caller', async () => {
    const specs = accountSpecs(2, ['us-east-1']);
    const member = specs[1]!.id;
    await withAws({ accounts: specs, roles: { name: ROLE, externalId: 'ltg-0001' }, ratePerSecond: EMULATOR_RATE }, async () => {
      const engine = new ScanEngine(WINDOW);
      await collectLookupEvents({ regions: 'all', window: WINDOW, eventNames: EVENT_NAMES, accounts: { accounts: [member], roleName: ROLE, externalId: 'ltg-0001' }, ...FAST }, engine);
      expect(engine.finish().coverage.map((c) => c.status)).toEqual(['ok']);
      const wrong = new ScanEngine(WINDOW);
      await collectLookupEvents({ regions: 'all', window: WINDOW, eventNames: EVENT_NAMES, accounts: { accounts: [member], roleName: ROLE, externalId: 'guess' }, ...FAST }, wrong);
      expect(wrong.finish().coverage).toEqual([expect.objectContaining({ account: member, region: '*', status: 'error', error: expect.stringMatching(/AccessDenied/) })]);
    });
  });
});

describe('the CLI with --accounts and --role-name', () => {
  test('exits 3 and names the account whose role was denied; the others are in the report', async () => {
    const specs = accountSpecs(3, ['us-east-1', 'eu-west-1']);
    const ids = specs.map((s) => s.id);
    await withAws({ accounts: specs, roles: { name: ROLE, deny: [ids[2]!] } }, async (aws) => {
      aws.addRecords(ids[1]!, 'eu-west-1', inWindow(1, 'StopLogging', ids[1]!, 'eu-west-1'));
      const { status, stdout, stderr } = await scanAt(['--accounts', ids.join(','), '--role-name', ROLE, '--format', 'json', '--fail-on', 'never']);
      expect(stderr).toBe('');
      expect(status).toBe(3);
      const report = JSON.parse(stdout) as Report;
      expect(report.coverage.map((c) => [c.account, c.region, c.status])).toEqual([
        [ids[0], 'eu-west-1', 'ok'],
        [ids[0], 'us-east-1', 'ok'],
        [ids[1], 'eu-west-1', 'ok'],
        [ids[1], 'us-east-1', 'ok'],
        [ids[2], '*', 'error'],
      ]);
      expect(report.hunts[0]?.rows.map((row) => row.accounts)).toEqual([[ids[1]]]);
    });
  });

  test('an organization with a suspended account: listed in the report as skipped, and still clean (exit 0)', async () => {
    const specs: AccountSpec[] = accountSpecs(3, ['us-east-1'], ['management', 'prod', 'old']).map((spec, i) => (i === 2 ? { ...spec, status: 'SUSPENDED' } : spec));
    const suspended = specs[2]!.id;
    await withAws({ accounts: specs, organization: { managementAccount: specs[0]!.id }, roles: { name: ROLE } }, async () => {
      const json = await scanAt(['--accounts', 'organization', '--role-name', ROLE, '--format', 'json']);
      expect(json.status).toBe(0);
      const report = JSON.parse(json.stdout) as Report;
      expect(report.status).toBe('clean');
      expect(report.skipped_accounts).toEqual([{ account: suspended, account_name: 'old', state: 'SUSPENDED' }]);
      expect(report.coverage.map((c) => [c.account, c.account_name])).toEqual([
        [specs[0]!.id, 'management'],
        [specs[1]!.id, 'prod'],
      ]);
    });
  });

  test('a scan that skipped nothing has no skipped_accounts field', async () => {
    const specs = accountSpecs(2, ['us-east-1']);
    await withAws({ accounts: specs, organization: { managementAccount: specs[0]!.id }, roles: { name: ROLE } }, async () => {
      const report = JSON.parse((await scanAt(['--accounts', 'organization', '--role-name', ROLE, '--format', 'json'])).stdout) as Report;
      expect(report.coverage).toHaveLength(2);
      expect(report).not.toHaveProperty('skipped_accounts');
    });
  });

  test('exits 0 when every account is read, and 1 on findings', async () => {
    const specs = accountSpecs(2, ['us-east-1']);
    const ids = specs.map((s) => s.id);
    await withAws({ accounts: specs, roles: { name: ROLE } }, async (aws) => {
      expect((await scanAt(['--accounts', ids.join('\n'), '--role-name', ROLE])).status).toBe(0);
      aws.addRecords(ids[1]!, 'us-east-1', inWindow(1, 'DeleteTrail', ids[1]!, 'us-east-1'));
      expect((await scanAt(['--accounts', ids.join(','), '--role-name', ROLE])).status).toBe(1);
    });
  });

  test('usage errors are one line, exit 2, before any AWS call where possible', async () => {
    const specs = accountSpecs(2, ['us-east-1']);
    const [own, other] = specs.map((s) => s.id) as [string, string];
    await withAws({ accounts: specs, roles: { name: ROLE } }, async (aws) => {
      const cases: [string[], string][] = [
        [['--accounts', `${own},${other}`], `--accounts: lists 2 accounts, so --role-name is needed: the role to assume in each account other than the credentials' own`],
        [['--accounts', 'organization'], '--accounts: "organization" needs --role-name: the role to assume in each member account'],
        [['--accounts', '12345'], '--accounts: "12345" is not a 12-digit AWS account id, and not "organization"'],
        [['--accounts', other, '--role-name', 'arn:aws:iam::1:role/x'], '--role-name: must be an IAM role name like LoggingTamperGuardReader (letters, digits and +=,.@_-, at most 64), not an ARN'],
        [['--external-id', 'abc'], '--external-id: is only used with --role-name (the external id of the role to assume)'],
        [['--sample', '--accounts', own], '--accounts and --role-name read AWS: they cannot be used with --input or --sample'],
      ];
      for (const [argv, message] of cases) {
        expect(await scanAt(argv)).toEqual({ status: 2, stdout: '', stderr: `logging-tamper-guard: ${message}\n` });
      }
      expect(aws.stats.getCallerIdentity).toBe(0);
      // One account that is not the caller's: known only once the caller is.
      expect(await scanAt(['--accounts', other])).toEqual({
        status: 2,
        stdout: '',
        stderr: `logging-tamper-guard: accounts: ${other} is not the account of the credentials (${own}), so role-name is needed to read it\n`,
      });
      // The caller's own account needs no role.
      expect((await scanAt(['--accounts', own])).status).toBe(0);
      expect(aws.stats.assumeRole).toBe(0);
    });
  });
});

describe('the action inputs accounts, role-name and external-id', () => {
  const inputsFrom = (values: Record<string, string>) => () => readInputs((name) => values[name] ?? '');

  test('are parsed with the same schemas as the flags, and left out when empty', () => {
    expect(inputsFrom({})()).not.toHaveProperty('accounts');
    expect(inputsFrom({ accounts: ' organization ', 'role-name': 'LoggingTamperGuardReader', 'external-id': 'ltg-0001' })()).toMatchObject({
      accounts: 'organization',
      roleName: 'LoggingTamperGuardReader',
      externalId: 'ltg-0001',
    });
    expect(inputsFrom({ accounts: '111122223333\n444455556666, 111122223333', 'role-name': 'ops/Reader' })()).toMatchObject({
      accounts: ['111122223333', '444455556666'],
      roleName: 'ops/Reader',
    });
  });

  test.each([
    [{ accounts: '111122223333,444455556666' }, `Input "accounts": lists 2 accounts, so input "role-name" is needed: the role to assume in each account other than the credentials' own`],
    [{ accounts: 'organization' }, 'Input "accounts": "organization" needs input "role-name": the role to assume in each member account'],
    [{ accounts: 'all' }, 'Input "accounts": "all" is not a 12-digit AWS account id, and not "organization"'],
    [{ 'external-id': 'x1' }, 'Input "external-id": is only used with input "role-name" (the external id of the role to assume)'],
  ])('%j is rejected with one line', (values, message) => {
    expect(inputsFrom(values)).toThrow(new Error(message));
  });
});

describe('ConcurrencyLimit', () => {
  test('never more than max holders, served in order of arrival', async () => {
    const limit = new ConcurrencyLimit(3);
    let open = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit.run(async () => {
          open += 1;
          most = Math.max(most, open);
          order.push(i);
          await new Promise((resolve) => setImmediate(resolve));
          open -= 1;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(limit.peakInUse).toBe(3);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
