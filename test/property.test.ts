import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ScanEngine, windowEndingAt } from '../src/engine.js';
import { InputError } from '../src/errors.js';
import type { Report } from '../src/report/model.js';
import { readFileInputs } from '../src/sources/files.js';
import { CloudTrailJsonSplitter } from '../src/sources/json-splitter.js';
import { assumedRole, AWS_SERVICE_IDENTITY, rawRecord } from './helpers/records.js';

const NOW = new Date('2024-10-10T12:00:00Z');
const WINDOW = windowEndingAt(NOW, 7);
const PROVIDERS = ['ec2.amazonaws.com', 'route53resolver.amazonaws.com', 's3.amazonaws.com', 'cloudtrail.amazonaws.com'];
const ACTIONS = ['DeleteFlowLogs', 'DeleteResolverQueryLogConfig', 'DeleteTrail', 'StopLogging'];

const counted = (report: Report): number =>
  report.hunts.reduce((sum, hunt) => sum + hunt.rows.reduce((rows, row) => rows + row.service_logging_delete_count, 0), 0);

/** Whether a value carries the provider/action pair the hunt looks for (anywhere the engine would read it). */
function hasListedPair(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return PROVIDERS.includes(record['eventSource'] as string) && ACTIONS.includes(record['eventName'] as string);
}

function isResolverDeletion(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return record['eventSource'] === 'route53resolver.amazonaws.com' && record['eventName'] === 'DeleteResolverQueryLogConfig';
}

function scanValues(values: readonly unknown[]): Report {
  const engine = new ScanEngine(WINDOW);
  for (const value of values) engine.add(value);
  return engine.finish();
}

const anyJson = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 });

// Records that look like CloudTrail but vary every field the detections read,
// mixing listed and unlisted providers and actions and valid, invalid and
// out-of-window times: the near misses are where a detection could go wrong.
const timeInWindow = fc.integer({ min: WINDOW.startMs + 1, max: WINDOW.endMs }).map((ms) => new Date(ms).toISOString());
const anyTime = fc.oneof(
  timeInWindow,
  fc.integer({ min: WINDOW.startMs - 86_400_000, max: WINDOW.endMs + 86_400_000 }).map((ms) => new Date(ms).toISOString()),
  fc.constantFrom(new Date(WINDOW.startMs).toISOString(), 'not a time', '', '2024-10-08'),
);
const nearMissRecord = fc
  .record(
    {
      eventTime: anyTime,
      eventSource: fc.oneof(fc.constantFrom(...PROVIDERS, 'logs.amazonaws.com', 'EC2.amazonaws.com', 'cloudtrail-data.amazonaws.com'), fc.string()),
      eventName: fc.oneof(fc.constantFrom(...ACTIONS, 'StartLogging', 'deletetrail', 'DeleteFlowLogs '), fc.string()),
      eventID: fc.uuid(),
      errorCode: fc.option(fc.constantFrom('AccessDenied', '', 'Client.UnauthorizedOperation')),
      errorMessage: fc.option(fc.string()),
      userIdentity: fc.oneof(fc.constant(AWS_SERVICE_IDENTITY), fc.constant(assumedRole('111122223333', 'Admin', 's')), anyJson),
      requestParameters: anyJson,
    },
    { requiredKeys: [] },
  )
  .map((fields) => ({ ...rawRecord(), ...fields }));

describe('properties of the scan', () => {
  test('arbitrary JSON values as records: never throws, never reports an event without the listed pair', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyJson, nearMissRecord), { maxLength: 20 }), (values) => {
        const report = scanValues(values);
        expect(counted(report)).toBeLessThanOrEqual(values.filter(hasListedPair).length);
        expect(report.alerts.length).toBeLessThanOrEqual(values.filter(isResolverDeletion).length);
        for (const row of report.hunts.flatMap((h) => h.rows)) {
          expect(PROVIDERS).toContain(row['event.provider']);
          expect(ACTIONS).toContain(row['event.action']);
        }
        expect(report.stats.records_read).toBe(values.length);
      }),
      { numRuns: 300 },
    );
  });

  test('near-miss records are counted exactly when the window, provider and action all match', () => {
    fc.assert(
      fc.property(fc.array(nearMissRecord, { maxLength: 15 }), (records) => {
        const inScope = records.filter((r) => {
          if (!hasListedPair(r) || typeof r.eventTime !== 'string' || !/T/.test(r.eventTime)) return false;
          const ms = Date.parse(r.eventTime);
          return ms > WINDOW.startMs && ms <= WINDOW.endMs;
        });
        expect(counted(scanValues(records))).toBe(inScope.length);
      }),
      { numRuns: 300 },
    );
  });

  test('a valid matching record inside the window is always exactly one counted event', () => {
    const pair = fc.constantFrom(
      ['ec2.amazonaws.com', 'DeleteFlowLogs'],
      ['route53resolver.amazonaws.com', 'DeleteResolverQueryLogConfig'],
      ['cloudtrail.amazonaws.com', 'DeleteTrail'],
      ['cloudtrail.amazonaws.com', 'StopLogging'],
    );
    fc.assert(
      fc.property(
        pair,
        timeInWindow,
        fc.option(fc.constantFrom('AccessDenied', 'ThrottlingException')),
        fc.oneof(fc.constant(AWS_SERVICE_IDENTITY), fc.constant(assumedRole('444455556666', 'Ops', 'x')), fc.constant(rawRecord().userIdentity)),
        fc.dictionary(fc.string().filter((k) => !['eventTime', 'eventSource', 'eventName', 'errorCode', 'errorMessage', 'userIdentity'].includes(k)), anyJson, { maxKeys: 5 }),
        ([eventSource, eventName], eventTime, errorCode, userIdentity, noise) => {
          const record = { ...noise, ...rawRecord({ eventSource, eventName, eventTime, userIdentity, errorCode: errorCode ?? undefined }) };
          const report = scanValues([record]);
          const rows = report.hunts.flatMap((h) => h.rows);
          expect(rows).toHaveLength(1);
          expect(rows[0]).toEqual(
            expect.objectContaining({
              service_logging_delete_count: 1,
              date: eventTime.slice(0, 10),
              'event.outcome': errorCode === null ? 'success' : 'failure',
            }),
          );
          expect(report.alerts).toHaveLength(eventName === 'DeleteResolverQueryLogConfig' && errorCode === null ? 1 : 0);
          expect(report.stats.events_matched).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('properties of file input', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ltg-property-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Whole files: documents of arbitrary values, JSON Lines, arbitrary JSON, and any of them cut short or gzipped.
  const fileText = fc.oneof(
    fc.array(anyJson, { maxLength: 8 }).map((values) => JSON.stringify({ Records: values })),
    fc.array(anyJson, { maxLength: 8 }).map((values) => JSON.stringify({ Events: values.map((v) => ({ CloudTrailEvent: JSON.stringify(v) })) })),
    fc.array(anyJson, { maxLength: 8 }).map((values) => values.map((v) => JSON.stringify(v)).join('\n')),
    anyJson.map((value) => JSON.stringify(value)),
    fc.string({ unit: 'binary' }),
  );
  const fileBytes = fc
    .tuple(fileText, fc.nat(), fc.boolean(), fc.boolean())
    .map(([text, cut, truncate, gzip]) => {
      const bytes = Buffer.from(truncate ? text.slice(0, cut % (text.length + 1)) : text);
      return gzip ? gzipSync(bytes) : bytes;
    });

  test('any file, whole, cut short or not JSON: the read ends normally or with an InputError naming it, and reports nothing without the listed pair', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fileBytes, async (bytes) => {
        const path = join(dir, `f${(run += 1)}.json`);
        writeFileSync(path, bytes);
        const engine = new ScanEngine(WINDOW);
        try {
          await readFileInputs([path], engine);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).path).toBe(path);
          expect((error as Error).message).not.toContain('\n');
        }
        const report = engine.finish();
        expect(counted(report)).toBe(0);
        expect(report.alerts).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  // Records of arbitrary field values, with provider, action and time drawn
  // from the real values and their near misses, mixed with arbitrary JSON.
  const NEAR_MISS_PROVIDERS = ['EC2.amazonaws.com', 'cloudtrail.amazonaws.com ', 's3.amazonaws.com.evil', 'logs.amazonaws.com', 'iam.amazonaws.com', ''];
  const NEAR_MISS_ACTIONS = ['deleteTrail', 'STOPLOGGING', 'StopLogging ', 'DeleteFlowLog', 'StartLogging', 'CreateTrail', ''];
  // Weighted so that a good share of the records carry a listed pair.
  const field = (listed: readonly string[], nearMisses: readonly string[]) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...listed) },
      { weight: 3, arbitrary: fc.constantFrom(...nearMisses) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: anyJson },
    );
  // The time as written, and whether it is a valid ISO 8601 time inside the window (start excluded).
  const SECOND = 1000;
  const secondsAround = fc.oneof(
    fc.constantFrom(WINDOW.startMs, WINDOW.startMs + SECOND, WINDOW.endMs, WINDOW.endMs + SECOND, WINDOW.startMs - SECOND),
    fc.integer({ min: (WINDOW.startMs - 2 * 86_400_000) / SECOND, max: (WINDOW.endMs + 2 * 86_400_000) / SECOND }).map((s) => s * SECOND),
  );
  const inWindowMs = (ms: number): boolean => ms > WINDOW.startMs && ms <= WINDOW.endMs;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const eventTime: fc.Arbitrary<{ value: unknown; inWindow: boolean }> = fc.oneof(
    { weight: 4, arbitrary: secondsAround.map((ms) => ({ value: new Date(ms).toISOString(), inWindow: inWindowMs(ms) })) },
    { weight: 4, arbitrary: secondsAround.map((ms) => ({ value: new Date(ms).toISOString().replace('.000Z', 'Z'), inWindow: inWindowMs(ms) })) },
    {
      weight: 4,
      arbitrary: fc.tuple(secondsAround, fc.integer({ min: -12 * 60, max: 14 * 60 })).map(([ms, offsetMinutes]) => {
        const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(offsetMinutes);
        return { value: `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`, inWindow: inWindowMs(ms) };
      }),
    },
    // Not ISO 8601, or not a real day: never in the window.
    secondsAround.map((ms) => ({ value: new Date(ms).toISOString().replace('T', ' '), inWindow: false })),
    secondsAround.map((ms) => ({ value: new Date(ms).toUTCString(), inWindow: false })),
    secondsAround.map((ms) => ({ value: ms, inWindow: false })),
    fc.constantFrom('2024-10-05T10:00:00', '2024-02-30T10:00:00Z', '2024-10-32T10:00:00Z', '2024-10-05T25:00:00Z').map((value) => ({ value, inWindow: false })),
    fc.string({ unit: 'binary' }).filter((text) => !/\d/.test(text)).map((value) => ({ value, inWindow: false })),
    fc.constant({ value: undefined, inWindow: false }),
  );
  const builtRecord = fc
    .record({
      eventSource: field(PROVIDERS, NEAR_MISS_PROVIDERS),
      eventName: field(ACTIONS, NEAR_MISS_ACTIONS),
      time: eventTime,
      eventID: fc.oneof(fc.constantFrom('id-1', 'id-2', 'id-3', ''), fc.constant(undefined), anyJson),
      errorCode: fc.oneof(fc.constantFrom('AccessDenied', ''), fc.constant(undefined), anyJson),
      errorMessage: fc.oneof(fc.constantFrom('denied', ''), fc.constant(undefined), anyJson),
      awsRegion: anyJson,
      recipientAccountId: anyJson,
      sourceIPAddress: anyJson,
      userAgent: anyJson,
      userIdentity: anyJson,
      requestParameters: anyJson,
    })
    .map(({ time, ...fields }) => ({ record: { ...fields, eventTime: time.value }, inWindow: time.inWindow }));
  const entry: fc.Arbitrary<{ record: unknown; inWindow: boolean | undefined }> = fc.oneof(
    { weight: 3, arbitrary: builtRecord },
    { weight: 1, arbitrary: anyJson.map((record) => ({ record, inWindow: undefined })) },
  );

  /**
   * What the scan must find, worked out from the inputs alone: an entry is
   * found when its provider and its action are each one of the listed ones
   * and its time is valid and in the window (the arbitrary JSON entries, of
   * unknown time, must hold no such pair), once per non-empty event id. The
   * rule alerts on the Route 53 Resolver deletions among them that carry no
   * error.
   */
  function expected(entries: ReadonlyArray<{ record: unknown; inWindow: boolean | undefined }>): { events: number; alerts: number } {
    let events = 0;
    let alerts = 0;
    const seen = new Set<string>();
    for (const { record, inWindow } of entries) {
      if (typeof record !== 'object' || record === null || Array.isArray(record)) continue;
      const r = record as Record<string, unknown>;
      const listed = PROVIDERS.includes(r['eventSource'] as string) && ACTIONS.includes(r['eventName'] as string);
      if (!listed) continue;
      if (inWindow === undefined) throw new Error('arbitrary JSON with the listed pair: the oracle cannot place it in time');
      if (!inWindow) continue;
      const id = r['eventID'];
      if (typeof id === 'string' && id !== '') {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      events += 1;
      const failed = [r['errorCode'], r['errorMessage']].some((value) => typeof value === 'string' && value !== '');
      if (r['eventSource'] === 'route53resolver.amazonaws.com' && r['eventName'] === 'DeleteResolverQueryLogConfig' && !failed) alerts += 1;
    }
    return { events, alerts };
  }

  test('any file of records and arbitrary JSON: exactly the listed provider/action pairs in the window are found', async () => {
    let run = 0;
    let found = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), fc.boolean(), fc.boolean(), async (entries, asLookupEvents, gzip) => {
        const records = entries.map((e) => e.record);
        const text = asLookupEvents
          ? JSON.stringify({ Events: records.map((record) => ({ CloudTrailEvent: JSON.stringify(record) })) })
          : JSON.stringify({ Records: records });
        const path = join(dir, `r${(run += 1)}.json${gzip ? '.gz' : ''}`);
        writeFileSync(path, gzip ? gzipSync(text) : text);
        const engine = new ScanEngine(WINDOW);
        await readFileInputs([path], engine);
        const report = engine.finish();
        const want = expected(entries);
        expect(counted(report)).toBe(want.events);
        expect(report.stats.events_matched).toBe(want.events);
        expect(report.alerts.length).toBe(want.alerts);
        found += want.events;
      }),
      { numRuns: 300 },
    );
    // The inputs must hold findings for the property to be able to fail (about 60 in 300 runs).
    expect(found).toBeGreaterThan(10);
  });

  test('a log document of any values, split into any chunks, yields exactly those values', () => {
    fc.assert(
      fc.property(fc.array(anyJson, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 6 }), (values, cuts) => {
        const bytes = Buffer.from(JSON.stringify({ Records: values }, null, cuts.length % 2 === 0 ? undefined : 1));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const found: unknown[] = [];
        const splitter = new CloudTrailJsonSplitter((_kind, value) => found.push(JSON.parse(value.toString('utf8'))));
        let from = 0;
        for (const point of [...points, bytes.length]) {
          splitter.write(bytes.subarray(from, point));
          from = point;
        }
        splitter.end();
        expect(found).toEqual(JSON.parse(JSON.stringify(values))); // as JSON has them (-0 is written as 0)
      }),
      { numRuns: 500 },
    );
  });
});
