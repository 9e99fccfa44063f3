import { DETECTIONS } from '../src/detections/registry.js';
import { ScanEngine, windowEndingAt } from '../src/engine.js';
import type { BenchRow } from './table.js';

/**
 * Failed DeleteFlowLogs calls cost an attacker nothing and all land in one
 * hunt row (same caller, day and outcome). Building that row must stay
 * linear in the number of events, or a flood would stall the scan: the time
 * per event should not grow with the row's size.
 */
const NOW = new Date('2026-11-20T12:00:00Z');
const SIZES = [10_000, 40_000, 160_000];

function floodRecord(index: number): Record<string, unknown> {
  return {
    eventVersion: '1.10',
    eventTime: new Date(NOW.getTime() - 3_600_000 + (index % 3_000_000)).toISOString(),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DeleteFlowLogs',
    awsRegion: 'us-east-1',
    errorCode: 'Client.UnauthorizedOperation',
    eventID: `flood-${index.toString(16).padStart(8, '0')}`,
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/attacker', accountId: '111122223333' },
  };
}

function timeScanMs(size: number): { ms: number; rows: number; count: number } {
  const engine = new ScanEngine(windowEndingAt(NOW, 7), DETECTIONS);
  const started = performance.now();
  for (let i = 0; i < size; i += 1) engine.add(floodRecord(i));
  const report = engine.finish();
  const ms = performance.now() - started;
  const rows = report.hunts[0]?.rows ?? [];
  return { ms, rows: rows.length, count: rows[0]?.service_logging_delete_count ?? 0 };
}

export async function run(): Promise<BenchRow[]> {
  timeScanMs(5_000); // warm-up: JIT and zod's compiled parsers
  const results = SIZES.map((size) => ({ size, ...timeScanMs(size) }));
  const base = results[0]!;
  return results.map((r) => ({
    bench: 'one-row flood (failed DeleteFlowLogs)',
    measure: `${r.size.toLocaleString('en-US')} events -> ${r.rows} row of ${r.count.toLocaleString('en-US')}: microseconds per event`,
    value: ((r.ms * 1000) / r.size).toFixed(1),
    reference: `${((base.ms * 1000) / base.size).toFixed(1)} at ${base.size.toLocaleString('en-US')}`,
    ratio: r.ms / r.size / (base.ms / base.size),
  }));
}
