import { requiredEventNames } from '../src/detections/registry.js';
import { ScanEngine, windowEndingAt } from '../src/engine.js';
import { collectLookupEvents } from '../src/sources/lookup-events.js';
import { startAwsEmulator } from '../test/emulators/aws.js';
import { recordsBetween } from '../test/emulators/records.js';
import { peakRssMiB, type BenchRow } from './table.js';

/**
 * Live collection from one simulated account: 17 enabled regions, 100,000
 * noise events and a few hundred matching events per region, 100 ms a call,
 * the API's 2 requests per second per region enforced by the emulator.
 */
const ACCOUNT = '111122223333';
const REGIONS = [
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1',
  'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];
const NOISE_TOTAL = 100_000;
const NOISE_NAMES = ['DescribeInstances', 'ConsoleLogin', 'GetObject', 'AssumeRole'];
const LATENCY_MS = 100;
const RATE = 2;

/** A deterministic spread of matches: 150..450 per region over the detections' event names. */
function matchesFor(regionIndex: number, eventNames: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  eventNames.forEach((name, i) => {
    counts[name] = ((regionIndex * 37 + i * 53) % 120) + (i === 0 ? 60 : 5);
  });
  return counts;
}

export async function run(): Promise<BenchRow[]> {
  const eventNames = requiredEventNames();
  const window = windowEndingAt(new Date('2024-10-09T00:00:00Z'), 7);
  const aws = await startAwsEmulator({ accounts: [{ id: ACCOUNT, regions: REGIONS }], latencyMs: LATENCY_MS, ratePerSecond: RATE });
  const saved = { ...process.env };
  Object.assign(process.env, aws.env(ACCOUNT));
  try {
    let minimumCalls = 0;
    let busiestRegionCalls = 0;
    let expectedMatches = 0;
    REGIONS.forEach((region, r) => {
      let regionCalls = 0;
      for (const [eventName, count] of Object.entries(matchesFor(r, eventNames))) {
        aws.addRecords(ACCOUNT, region, recordsBetween(count, window.startMs, window.endMs, { eventName, region, account: ACCOUNT }));
        regionCalls += Math.max(1, Math.ceil(count / 50));
        expectedMatches += count;
      }
      minimumCalls += regionCalls;
      busiestRegionCalls = Math.max(busiestRegionCalls, regionCalls);
      const noise = Math.floor(NOISE_TOTAL / REGIONS.length) + (r < NOISE_TOTAL % REGIONS.length ? 1 : 0);
      const perName = Math.ceil(noise / NOISE_NAMES.length);
      for (const [i, eventName] of NOISE_NAMES.entries()) {
        const count = Math.min(perName, noise - i * perName);
        if (count > 0) aws.addRecords(ACCOUNT, region, recordsBetween(count, window.startMs, window.endMs, { eventName, region, account: ACCOUNT }));
      }
    });

    const engine = new ScanEngine(window);
    const started = performance.now();
    const stats = await collectLookupEvents({ regions: 'all', window, eventNames }, engine);
    const wallS = (performance.now() - started) / 1000;
    const report = engine.finish();

    const boundS = busiestRegionCalls / RATE;
    const surfacedThrottles = report.coverage.filter((c) => c.status === 'error' && /Throttl/.test(c.error ?? '')).length;
    const found = report.stats.events_matched;
    const bench = 'live';
    return [
      { bench, measure: 'regions read ok', value: `${report.coverage.filter((c) => c.status === 'ok').length}/${REGIONS.length}` },
      { bench, measure: 'matching events found (of expected)', value: String(found), reference: String(expectedMatches), ratio: found / expectedMatches },
      { bench, measure: 'LookupEvents calls (vs minimum)', value: String(stats.requests), reference: String(minimumCalls), ratio: stats.requests / minimumCalls },
      {
        bench,
        measure: 'wall time, s (vs rate-limit bound: busiest region calls / 2 per s)',
        value: wallS.toFixed(2),
        reference: `${boundS.toFixed(2)} (${busiestRegionCalls} calls)`,
        ratio: wallS / boundS,
      },
      { bench, measure: 'throttling errors surfaced to the caller', value: String(surfacedThrottles), reference: '0' },
      { bench, measure: 'throttles served by the API (absorbed by retries)', value: String(aws.stats.throttled) },
      { bench, measure: 'max observed requests/s in one region', value: String(aws.stats.maxObservedRate), reference: String(RATE) },
      { bench, measure: 'peak RSS, MiB (process incl. emulator and its 100k events)', value: peakRssMiB().toFixed(0) },
    ];
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await aws.close();
  }
}
