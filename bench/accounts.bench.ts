import { requiredEventNames } from '../src/detections/registry.js';
import { ScanEngine, windowEndingAt } from '../src/engine.js';
import { collectLookupEvents, DEFAULT_MAX_IN_FLIGHT } from '../src/sources/lookup-events.js';
import { startAwsEmulator, type AccountSpec } from '../test/emulators/aws.js';
import { recordsBetween } from '../test/emulators/records.js';
import { peakRssMiB, type BenchRow } from './table.js';

/**
 * Live collection across an AWS Organization: 50 accounts x 17 enabled
 * regions (850 paced queues), `accounts: organization` with a role assumed in
 * each member account, 100 ms a call, the API's 2 requests per second per
 * (account, region) enforced by the emulator, the default in-flight limit.
 * Few events: this measures fan-out, not paging.
 */
const ACCOUNTS = 50;
const REGIONS = [
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1',
  'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];
const LATENCY_MS = 100;
const RATE = 2;
const ROLE = 'LoggingTamperGuardReader';
const NOISE_PER_PAIR = 20;

/** A deterministic spread: most pairs a few matches (one page per event name), every 37th pair 2-3 pages of one name. */
function matchesFor(pair: number, eventNames: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  eventNames.forEach((name, i) => {
    counts[name] = (pair * 7 + i * 3) % 5;
  });
  if (pair % 37 === 0) counts[eventNames[pair % eventNames.length]!] = 60 + (pair % 60);
  return counts;
}

export async function run(): Promise<BenchRow[]> {
  const eventNames = requiredEventNames();
  const window = windowEndingAt(new Date('2024-10-09T00:00:00Z'), 7);
  const accounts: AccountSpec[] = Array.from({ length: ACCOUNTS }, (_, i) => ({ id: String(200_000_000_001 + i), name: `account-${i + 1}`, regions: REGIONS }));
  const management = accounts[0]!.id;
  const aws = await startAwsEmulator({
    accounts,
    organization: { managementAccount: management },
    roles: { name: ROLE },
    latencyMs: LATENCY_MS,
    ratePerSecond: RATE,
  });
  const saved = { ...process.env };
  Object.assign(process.env, aws.env(management));
  try {
    let minimumCalls = 0;
    let busiestPairCalls = 0;
    let expectedMatches = 0;
    let pair = 0;
    for (const account of accounts) {
      for (const region of REGIONS) {
        let pairCalls = 0;
        for (const [eventName, count] of Object.entries(matchesFor(pair, eventNames))) {
          if (count > 0) aws.addRecords(account.id, region, recordsBetween(count, window.startMs, window.endMs, { eventName, region, account: account.id }));
          pairCalls += Math.max(1, Math.ceil(count / 50));
          expectedMatches += count;
        }
        aws.addRecords(account.id, region, recordsBetween(NOISE_PER_PAIR, window.startMs, window.endMs, { eventName: 'DescribeInstances', region, account: account.id }));
        minimumCalls += pairCalls;
        busiestPairCalls = Math.max(busiestPairCalls, pairCalls);
        pair += 1;
      }
    }

    const engine = new ScanEngine(window);
    const started = performance.now();
    const stats = await collectLookupEvents({ regions: 'all', window, eventNames, accounts: { accounts: 'organization', roleName: ROLE } }, engine);
    const wallS = (performance.now() - started) / 1000;
    const report = engine.finish();
    const emulated = aws.stats;

    // Two lower bounds: the busiest pair at 2 requests/s, and every call's latency spread over the in-flight slots.
    const rateBoundS = busiestPairCalls / RATE;
    const inFlightBoundS = (minimumCalls * LATENCY_MS) / 1000 / DEFAULT_MAX_IN_FLIGHT;
    const boundS = Math.max(rateBoundS, inFlightBoundS);
    const surfacedThrottles = report.coverage.filter((c) => c.status === 'error' && /Throttl/.test(c.error ?? '')).length;
    const found = report.stats.events_matched;
    const pairs = ACCOUNTS * REGIONS.length;
    const bench = 'accounts';
    return [
      { bench, measure: `(account, region) pairs read ok (${ACCOUNTS} accounts x ${REGIONS.length} regions)`, value: `${report.coverage.filter((c) => c.status === 'ok').length}/${pairs}` },
      { bench, measure: 'matching events found (of expected)', value: String(found), reference: String(expectedMatches), ratio: found / expectedMatches },
      { bench, measure: 'LookupEvents calls (vs minimum)', value: String(stats.requests), reference: String(minimumCalls), ratio: stats.requests / minimumCalls },
      { bench, measure: 'AssumeRole / DescribeRegions / ListAccounts calls', value: `${emulated.assumeRole} / ${emulated.describeRegions} / ${emulated.listAccounts}`, reference: `${ACCOUNTS - 1} / ${ACCOUNTS} / ${Math.ceil(ACCOUNTS / 20)}` },
      {
        bench,
        measure: `wall time, s (vs bound: max(busiest pair / 2 per s, calls x ${LATENCY_MS} ms / ${DEFAULT_MAX_IN_FLIGHT} in flight))`,
        value: wallS.toFixed(2),
        reference: `${boundS.toFixed(2)} (${rateBoundS.toFixed(1)} / ${inFlightBoundS.toFixed(1)})`,
        ratio: wallS / boundS,
      },
      { bench, measure: 'requests in flight at most (client / emulator)', value: `${stats.peakInFlight} / ${emulated.maxConcurrentLookups}`, reference: String(DEFAULT_MAX_IN_FLIGHT) },
      { bench, measure: 'throttling errors surfaced to the caller', value: String(surfacedThrottles), reference: '0' },
      { bench, measure: 'throttles served by the API (absorbed by retries)', value: String(emulated.throttled) },
      { bench, measure: 'max observed requests/s in one (account, region)', value: String(emulated.maxObservedRate), reference: String(RATE) },
      { bench, measure: 'peak RSS, MiB (process incl. emulator and its events)', value: peakRssMiB().toFixed(0) },
    ];
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await aws.close();
  }
}
