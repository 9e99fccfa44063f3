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

  test('any file: the read ends normally or with an InputError naming it, and reports nothing without the listed pair', async () => {
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
