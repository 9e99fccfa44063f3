import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { EventOrigin } from '../src/cloudtrail/event.js';
import { InputError } from '../src/errors.js';
import { scan } from '../src/scan.js';
import { readFileInputs } from '../src/sources/files.js';
import { CloudTrailJsonSplitter, SplitError, type ValueKind } from '../src/sources/json-splitter.js';
import type { RecordSink } from '../src/sources/sink.js';
import { ELASTIC_FIXTURES } from './helpers/paths.js';
import { rawRecord } from './helpers/records.js';

/** A sink that keeps what it is given, in order. */
class RecordingSink implements RecordSink {
  readonly records: { raw: unknown; origin: EventOrigin | undefined; foundAs: string | undefined }[] = [];
  readonly unparseableFoundAs: (string | undefined)[] = [];
  files = 0;
  add(raw: unknown, origin?: EventOrigin, foundAs?: string): void {
    this.records.push({ raw, origin, foundAs });
  }
  addUnparseable(_origin?: EventOrigin, foundAs?: string): void {
    this.unparseableFoundAs.push(foundAs);
  }
  get unparseable(): number {
    return this.unparseableFoundAs.length;
  }
  addCoverage(): void {}
  fileRead(): void {
    this.files += 1;
  }
  get ids(): unknown[] {
    return this.records.map((r) => (r.raw as { eventID?: unknown }).eventID);
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ltg-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file under the test directory (creating folders) and returns its path. */
function put(relative: string, content: string | Buffer): string {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const logFile = (...records: unknown[]): string => JSON.stringify({ Records: records });

async function read(...paths: string[]): Promise<RecordingSink> {
  const sink = new RecordingSink();
  await readFileInputs(paths, sink);
  return sink;
}

/** The InputError a read ends with (failing the test if it ends otherwise). */
async function inputErrorOf(...paths: string[]): Promise<InputError> {
  const error: unknown = await read(...paths).then(
    () => new Error('expected an InputError, the read succeeded'),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof InputError)) throw error;
  expect(error.message).not.toContain('\n');
  expect(error.message.startsWith(`${error.path}: `)).toBe(true);
  return error;
}

const fixture = (name: string): string => readFileSync(join(ELASTIC_FIXTURES, name), 'utf8');

describe('CloudTrail log files ({"Records":[...]})', () => {
  test('plain .json: every record, in order, with the file as origin', async () => {
    const path = put('a.json', logFile(rawRecord({ eventID: 'r1' }), rawRecord({ eventID: 'r2' })));
    const sink = await read(path);
    expect(sink.ids).toEqual(['r1', 'r2']);
    expect(sink.records.every((r) => r.origin?.file === path)).toBe(true);
    expect(sink.files).toBe(1);
  });

  test('.json.gz is decompressed', async () => {
    const sink = await read(put('a.json.gz', gzipSync(logFile(rawRecord({ eventID: 'gz' })))));
    expect(sink.ids).toEqual(['gz']);
  });

  test('gzip is told by content, not by name', async () => {
    const zipped = await read(put('named-plain.json', gzipSync(logFile(rawRecord({ eventID: 'z' })))));
    const plain = await read(put('named-gzip.json.gz', logFile(rawRecord({ eventID: 'p' }))));
    expect([zipped.ids, plain.ids]).toEqual([['z'], ['p']]);
  });

  test('concatenated gzip members (as `cat a.gz b.gz` makes) are all read', async () => {
    const both = Buffer.concat([gzipSync(logFile(rawRecord({ eventID: 'm1' }))), gzipSync(logFile(rawRecord({ eventID: 'm2' })))]);
    expect((await read(put('cat.json.gz', both))).ids).toEqual(['m1', 'm2']);
  });

  test('pretty-printed, with a byte order mark, and an empty Records array', async () => {
    const pretty = '\uFEFF' + JSON.stringify({ Records: [rawRecord({ eventID: 'pp' })] }, null, 4);
    expect((await read(put('pretty.json', pretty))).ids).toEqual(['pp']);
    const empty = await read(put('empty-records.json', '{"Records": []}'));
    expect([empty.records.length, empty.files]).toEqual([0, 1]);
  });

  test('other members of the document are allowed around Records', async () => {
    const text = `{"version": {"a": [1, "]"]}, "Records": [${JSON.stringify(rawRecord({ eventID: 'm' }))}], "trailer": null}`;
    expect((await read(put('members.json', text))).ids).toEqual(['m']);
  });

  test('array elements that are not records are handed on for the engine to count', async () => {
    const sink = await read(put('odd.json', '{"Records":[1, "two", null, [3], {"x": {}}]}'));
    expect(sink.records.map((r) => r.raw)).toEqual([1, 'two', null, [3], { x: {} }]);
  });

  test('a record larger than a gunzip output chunk is reassembled', async () => {
    const big = rawRecord({ eventID: 'big', requestParameters: { policy: 'x'.repeat(1_000_000) } });
    const records = [rawRecord({ eventID: 'before' }), big, rawRecord({ eventID: 'after' })];
    const sink = await read(put('big.json.gz', gzipSync(logFile(...records))));
    expect(sink.records.map((r) => r.raw)).toEqual(records);
  });

  test('the Elastic fixture records read from a log file are the records themselves', async () => {
    const names = ['elastic-delete-flow-logs.json', 'elastic-delete-resolver-query-log-config.json'];
    const records = names.map((name) => JSON.parse(fixture(name)) as unknown);
    const sink = await read(put('elastic.json.gz', gzipSync(`{"Records":[${names.map(fixture).join(',')}]}`)));
    expect(sink.records.map((r) => r.raw)).toEqual(records);
  });
});

describe('aws cloudtrail lookup-events output ({"Events":[...]})', () => {
  const lookupEvent = (record: Record<string, unknown>) => ({
    EventId: record['eventID'],
    EventName: record['eventName'],
    ReadOnly: 'false',
    EventTime: '2024-10-08T09:08:34+00:00',
    EventSource: record['eventSource'],
    Username: 'alice',
    Resources: [],
    CloudTrailEvent: JSON.stringify(record),
  });

  test('each CloudTrailEvent string is parsed to the raw record', async () => {
    const records = [rawRecord({ eventID: 'l1' }), rawRecord({ eventID: 'l2' })];
    const text = JSON.stringify({ Events: records.map(lookupEvent) }, null, 4);
    const sink = await read(put('lookup.json', text));
    expect(sink.records.map((r) => r.raw)).toEqual(records);
    expect(sink.records.map((r) => r.foundAs)).toEqual(['DeleteFlowLogs', 'DeleteFlowLogs']);
    expect(sink.unparseable).toBe(0);
  });

  test('a malformed or missing CloudTrailEvent is counted, not fatal', async () => {
    const good = lookupEvent(rawRecord({ eventID: 'ok' }));
    const events = [{ ...good, CloudTrailEvent: '{"eventName": "DeleteTrail",' }, good, { EventId: 'no-string' }, { ...good, CloudTrailEvent: 42 }, 'junk'];
    const sink = await read(put('lookup.json', JSON.stringify({ NextToken: 'abc', Events: events })));
    expect(sink.ids).toEqual(['ok']);
    // The EventName beside a broken CloudTrailEvent still says what the event was.
    expect(sink.unparseableFoundAs).toEqual(['DeleteFlowLogs', undefined, 'DeleteFlowLogs', undefined]);
  });

  test('a malformed CloudTrailEvent is counted as skipped in the report', async () => {
    const bad = { EventId: 'x', CloudTrailEvent: 'not json' };
    const report = await scan({ inputs: [put('lookup.json', JSON.stringify({ Events: [bad] }))], regions: 'all', lookbackDays: 7, now: new Date('2024-10-10T00:00:00Z') });
    expect(report.stats).toEqual(expect.objectContaining({ records_read: 1, records_skipped: 1, files_read: 1 }));
    expect(report.stats.skipped_by_reason).toEqual({ 'malformed-json': 1 });
    // Nothing says it was an event the detections need: counted only.
    expect(report.status).toBe('clean');
  });

  test('a malformed CloudTrailEvent listed as DeleteTrail makes the scan incomplete, naming the file', async () => {
    const path = put('lookup.json', JSON.stringify({ Events: [{ EventId: 'x', EventName: 'DeleteTrail', CloudTrailEvent: '{"eventName": "DeleteTrail",' }] }));
    const report = await scan({ inputs: [path], regions: 'all', lookbackDays: 7, now: new Date('2024-10-10T00:00:00Z') });
    expect(report.status).toBe('incomplete');
    expect(report.coverage).toEqual([
      { account: 'unknown', region: 'unknown', status: 'error', error: `1 DeleteTrail event could not be read (malformed CloudTrailEvent) in ${path}` },
    ]);
  });
});

describe('records the detections need that cannot be read', () => {
  const scanFiles = (...inputs: string[]) => scan({ inputs, regions: 'all', lookbackDays: 7, now: new Date('2024-10-10T00:00:00Z') });
  const deleteTrail = (overrides: Record<string, unknown>) =>
    rawRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', recipientAccountId: '444455556666', awsRegion: 'eu-west-1', ...overrides });

  test('a DeleteTrail with a bad eventTime is a coverage error of the account and region it names: never clean', async () => {
    const path = put('a.json', logFile(deleteTrail({ eventTime: 'yesterday' }), rawRecord({ eventName: 'DescribeFlowLogs' })));
    const report = await scanFiles(path);
    expect(report.status).toBe('incomplete');
    expect(report.coverage).toEqual([
      { account: '444455556666', region: 'eu-west-1', status: 'error', error: `1 DeleteTrail event could not be read (invalid eventTime) in ${path}` },
    ]);
    expect(report.stats.skipped_by_reason).toEqual({ 'bad-timestamp': 1 });
  });

  test('several places, reasons and files are grouped by (account, region); findings are still reported', async () => {
    const first = put('d/1.json', logFile(deleteTrail({ eventTime: 'yesterday' }), deleteTrail({ eventSource: undefined }), rawRecord({ eventID: 'found' })));
    put('d/2.json', logFile(deleteTrail({ eventTime: '2024-02-30T00:00:00Z', eventName: 'StopLogging' }), rawRecord({ eventTime: undefined, recipientAccountId: undefined, awsRegion: undefined })));
    const report = await scanFiles(join(dir, 'd'));
    expect(report.coverage).toEqual([
      {
        account: '444455556666',
        region: 'eu-west-1',
        status: 'error',
        error: `2 DeleteTrail events, 1 StopLogging event could not be read (invalid eventTime; missing eventTime, eventName or eventSource) in 2 files, first ${first}`,
      },
      { account: 'unknown', region: 'unknown', status: 'error', error: `1 DeleteFlowLogs event could not be read (missing eventTime, eventName or eventSource) in ${join(dir, 'd', '2.json')}` },
    ]);
    expect(report.hunts[0]!.rows.flatMap((row) => row.event_ids)).toEqual(['found']);
  });

  test('not candidates, only counted: no usable eventName, an event no detection reads, a valid time outside the window', async () => {
    const path = put('a.json', logFile(
      rawRecord({ eventName: undefined, eventTime: 'yesterday' }),
      rawRecord({ eventName: 42 }),
      rawRecord({ eventName: 'DescribeTrails', eventSource: 'cloudtrail.amazonaws.com', eventTime: 'yesterday' }),
      deleteTrail({ eventTime: '2024-09-01T00:00:00Z', eventSource: undefined }),
      'DeleteTrail',
    ));
    const report = await scanFiles(path);
    expect(report.status).toBe('clean');
    expect(report.coverage).toEqual([]);
    expect(report.stats.records_skipped).toBe(5);
  });
});

describe('JSON Lines of raw records', () => {
  test('one record per line; blank lines and CRLF are fine', async () => {
    const lines = [rawRecord({ eventID: 'j1' }), rawRecord({ eventID: 'j2' }), rawRecord({ eventID: 'j3' })].map((r) => JSON.stringify(r));
    const text = `${lines[0]}\n\n${lines[1]}\r\n   \n${lines[2]}`; // no newline at the end
    expect((await read(put('records.jsonl', text))).ids).toEqual(['j1', 'j2', 'j3']);
  });

  test('gzipped JSON Lines', async () => {
    const text = [rawRecord({ eventID: 'g1' }), rawRecord({ eventID: 'g2' })].map((r) => JSON.stringify(r)).join('\n') + '\n';
    expect((await read(put('records.jsonl.gz', gzipSync(text)))).ids).toEqual(['g1', 'g2']);
  });

  test('a file holding one pretty-printed record (like the Elastic fixtures) is that record', async () => {
    const sink = await read(join(ELASTIC_FIXTURES, 'elastic-update-trail-failure.json'));
    expect(sink.records.map((r) => r.raw)).toEqual([JSON.parse(fixture('elastic-update-trail-failure.json'))]);
  });

  test('a record line that is malformed but recognisable is handed on for the engine to count', async () => {
    const sink = await read(put('records.jsonl', '{"eventName": "DeleteTrail"}\n'));
    expect(sink.records).toHaveLength(1);
  });
});

describe('directories', () => {
  test('walked recursively, files in sorted order, other file types skipped', async () => {
    const one = (id: string) => logFile(rawRecord({ eventID: id }));
    put('AWSLogs/111122223333/CloudTrail/us-east-1/2024/10/08/b.json.gz', gzipSync(one('b')));
    put('AWSLogs/111122223333/CloudTrail/us-east-1/2024/10/08/a.json.gz', gzipSync(one('a')));
    put('AWSLogs/111122223333/CloudTrail/us-east-1/2024/10/09/c.json', one('c'));
    put('AWSLogs/111122223333/CloudTrail/eu-west-1/2024/10/08/d.jsonl', JSON.stringify(rawRecord({ eventID: 'd' })));
    put('AWSLogs/111122223333/CloudTrail/eu-west-1/notes.txt', 'not a log');
    put('AWSLogs/111122223333/vpcflowlogs/us-east-1/flow.log.gz', gzipSync('version account-id'));
    // Siblings of CloudTrail/ with other JSON in a synced bucket.
    put('AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/10/08/digest.json.gz', gzipSync('{"awsAccountId":"111122223333","logFiles":[]}'));
    put('AWSLogs/111122223333/Config/us-east-1/2024/10/8/ConfigSnapshot/snap.json.gz', gzipSync('{"fileVersion":"1.0","configurationItems":[]}'));
    const sink = await read(join(dir, 'AWSLogs'));
    expect(sink.ids).toEqual(['d', 'a', 'b', 'c']); // eu-west-1 sorts before us-east-1
    expect(sink.files).toBe(4);
    expect(sink.records[0]!.origin?.file).toBe(join(dir, 'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/10/08/d.jsonl'));
  });

  test('a named file is read whatever its name', async () => {
    expect((await read(put('export.txt', logFile(rawRecord({ eventID: 't' }))))).ids).toEqual(['t']);
  });

  test('a file named twice, or named and inside a named directory, is read once', async () => {
    const path = put('logs/a.json', logFile(rawRecord({ eventID: 'once' })));
    const sink = await read(path, join(dir, 'logs'), path);
    expect([sink.ids, sink.files]).toEqual([['once'], 1]);
  });

  test('a symbolic link loop does not recurse forever', async () => {
    put('tree/a.json', logFile(rawRecord({ eventID: 'loop' })));
    symlinkSync(join(dir, 'tree'), join(dir, 'tree', 'again'));
    expect((await read(join(dir, 'tree'))).ids).toEqual(['loop']);
  });

  test('the same event in two files reaches the engine twice and is counted once', async () => {
    const record = rawRecord({ eventID: 'redelivered', eventTime: '2024-10-08T09:00:00Z' });
    put('t/1.json', logFile(record));
    put('t/2.json', logFile(record));
    const report = await scan({ inputs: [join(dir, 't')], regions: 'all', lookbackDays: 7, now: new Date('2024-10-10T00:00:00Z') });
    expect(report.hunts[0]!.rows.map((r) => r.service_logging_delete_count)).toEqual([1]);
    expect(report.stats).toEqual(expect.objectContaining({ duplicates_dropped: 1, files_read: 2 }));
  });
});

describe('unreadable input is one InputError naming the file', () => {
  test('missing file', async () => {
    const error = await inputErrorOf(join(dir, 'nope.json.gz'));
    expect(error.message).toBe(`${join(dir, 'nope.json.gz')}: no such file or directory`);
  });

  test('a missing input is reported before any file is read', async () => {
    const good = put('good.json', logFile(rawRecord()));
    const sink = new RecordingSink();
    await expect(readFileInputs([good, join(dir, 'missing')], sink)).rejects.toThrow(InputError);
    expect(sink.files).toBe(0);
  });

  test('a directory without log files', async () => {
    put('empty/readme.txt', 'nothing here');
    const error = await inputErrorOf(join(dir, 'empty'));
    expect(error.path).toBe(join(dir, 'empty'));
    expect(error.problem).toMatch(/^no CloudTrail log files/);
  });

  test('invalid JSON, with the byte where it was found', async () => {
    const path = put('bad.json', '{"Records":[{"eventName":"DeleteTrail",}]}');
    const error = await inputErrorOf(path);
    expect(error.path).toBe(path);
    expect(error.problem).toMatch(/^invalid JSON.* at byte \d+$/);
  });

  test.each([
    ['a record broken off at the end', '{"Records":[{"eventName":"DeleteTrail"', /^unexpected end of data \(truncated JSON\) at byte 38$/],
    ['a missing comma between records', '{"Records":[{} {}]}', /^expected , or \] after a record, found "\{" at byte 15$/],
    ['a trailing comma', '{"Records":[{},]}', /^expected a value, found "\]" at byte 15$/],
    ['a bad value beside Records', '{"Records":[], "x": tru}', /^invalid JSON at byte 20$/],
    ['a bad value before Records', '{"x": [1,], "Records":[]}', /^invalid JSON before the records array at byte 0$/],
    ['text that is not JSON', 'hello', /^invalid JSON at byte 0$/],
    ['a second document cut short', '{"Records":[]}\n{"Records":[', /^unexpected end of data/],
  ])('%s', async (_name, text, problem) => {
    expect((await inputErrorOf(put('x.json', text))).problem).toMatch(problem);
  });

  test('truncated gzip', async () => {
    const whole = gzipSync(logFile(...Array.from({ length: 50 }, () => rawRecord())));
    const path = put('AWSLogs/cut.json.gz', whole.subarray(0, whole.length >> 1));
    const error = await inputErrorOf(path);
    expect(error.message).toBe(`${path}: truncated gzip data`);
  });

  test('corrupt gzip', async () => {
    const whole = gzipSync(logFile(...Array.from({ length: 50 }, () => rawRecord())));
    whole.fill(0x55, 40, 80);
    expect((await inputErrorOf(put('bad.json.gz', whole))).problem).toMatch(/^corrupt gzip data/);
  });

  test('a JSON error early in a large gzip file is reported as such, not as the aborted decompression', async () => {
    const body = `{"Records":[,${JSON.stringify(Array.from({ length: 3000 }, () => rawRecord())).slice(1)}}`;
    const error = await inputErrorOf(put('early.json.gz', gzipSync(body)));
    expect(error.problem).toBe('expected a value, found "," at byte 12 (after decompression)');
  });

  test('a JSON error inside gzip says the byte is of the decompressed data', async () => {
    expect((await inputErrorOf(put('bad.json.gz', gzipSync('{"Records":[}')))).problem).toBe(
      'expected a value, found "}" at byte 12 (after decompression)',
    );
  });

  test.each([
    ['an empty file', '', 'empty file'],
    ['white space only', ' \n\n', 'no JSON data, only white space'],
    ['a top-level array', '[{"eventName":"DeleteTrail"}]', /^not a CloudTrail log: an array where .* at byte 0$/],
    ['a bare string', '"Records"', /^not a CloudTrail log: a string/],
    ['Records that is not an array', '{"Records": {"a": 1}}', /^"Records" is not an array at byte 12$/],
    ['Events that is not an array', '{"Events": "none"}', /^"Events" is not an array/],
    ['an unrelated JSON document', '{"fileVersion": "1.0", "configurationItems": []}', /^not a CloudTrail log: an object with no "Records" or "Events" array/],
    ['a CloudTrail digest file', '{"awsAccountId":"111122223333","digestStartTime":"2024-10-08T00:00:00Z","logFiles":[]}', /^not a CloudTrail log/],
  ])('wrong shape: %s', async (_name, text, problem) => {
    expect((await inputErrorOf(put('shape.json', text))).problem).toMatch(problem);
  });

  test('the first bad file ends the read, after the good ones before it', async () => {
    put('d/1.json', logFile(rawRecord({ eventID: 'first' })));
    put('d/2.json', '{"Records":[');
    put('d/3.json', logFile(rawRecord({ eventID: 'never' })));
    const sink = new RecordingSink();
    const error = await readFileInputs([join(dir, 'd')], sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe(join(dir, 'd', '2.json'));
    expect(sink.ids).toEqual(['first']);
  });
});

describe('the streaming splitter', () => {
  type Found = [ValueKind, unknown, number];

  function split(chunks: readonly Buffer[]): Found[] {
    const found: Found[] = [];
    const splitter = new CloudTrailJsonSplitter((kind, bytes, offset) => found.push([kind, JSON.parse(bytes.toString('utf8')), offset]));
    for (const chunk of chunks) splitter.write(chunk);
    splitter.end();
    return found;
  }

  const tricky = [
    { eventID: 'brackets', requestParameters: { policy: '{"Statement":[{"Effect":"Deny"}]} ] } [ {' } },
    { eventID: 'quotes', userAgent: 'say "hi" \\" \\\\', errorMessage: 'ends with a backslash \\' },
    { eventID: 'unicode', userIdentity: { userName: 'zoë 日本 🚀 \u2028 \u0000 \u001f' } },
    { eventID: 'escapes', text: '\\u005d \\n \\" \\\\\\"' },
    { eventID: 'empty', nested: [[], {}, [[{}]]], '': '' },
    [1, -2.5e10, true, false, null, '"]'],
    '"}{][',
    -0.5,
  ];
  const document = Buffer.from(
    `{"prefix":"x\\"]","Records":[${tricky.map((v) => JSON.stringify(v)).join(' ,\n ')}], "Events": [ ] }\n` +
      `${JSON.stringify({ eventName: 'Line', s: '\\u007b' })}\n` +
      `{"Rec\\u006frds": [{"eventID": "escaped key"}]}`,
  );
  const expected = [...tricky.map((v) => ['Records', v]), ['object', { eventName: 'Line', s: '\\u007b' }], ['Records', { eventID: 'escaped key' }]];

  test('finds every value of a document with strings full of brackets, quotes, escapes and unicode', () => {
    expect(split([document]).map(([kind, value]) => [kind, value])).toEqual(expected);
  });

  test('reports where each value starts in the stream', () => {
    for (const [, value, offset] of split([document])) {
      expect(document.subarray(offset, offset + 1).toString()).toBe(JSON.stringify(value)[0]);
    }
  });

  test('the same values whatever byte the chunks are split at', () => {
    const whole = split([document]);
    for (let at = 0; at <= document.length; at += 1) {
      expect(split([document.subarray(0, at), document.subarray(at)])).toEqual(whole);
    }
  });

  test('the same values when fed one byte at a time (every escape and multi-byte character split)', () => {
    const bytes = Array.from({ length: document.length }, (_, i) => document.subarray(i, i + 1));
    expect(split(bytes)).toEqual(split([document]));
  });

  test('a backslash at the very end of a chunk escapes the first byte of the next', () => {
    const text = Buffer.from('{"Records":["a\\"],["]}');
    const at = text.indexOf('\\') + 1;
    expect(split([text.subarray(0, at), text.subarray(at)]).map(([, v]) => v)).toEqual(['a"],[']);
  });

  test('errors carry the byte offset in the whole stream, not the chunk', () => {
    const text = Buffer.from('{"Records":[{}, {}  x]}');
    const splitter = new CloudTrailJsonSplitter(() => {});
    splitter.write(text.subarray(0, 10));
    let error: unknown;
    try {
      splitter.write(text.subarray(10));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toEqual(new SplitError('expected , or ] after a record, found "x"', 20));
  });
});
