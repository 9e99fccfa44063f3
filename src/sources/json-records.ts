import type { EventOrigin } from '../cloudtrail/event.js';
import { lookupEventRecord } from '../cloudtrail/lookup-event.js';
import type { RecordSink } from './sink.js';
import { SplitError, type ValueHandler } from './json-splitter.js';

// A top-level object without Records/Events is taken as one raw record (JSON
// Lines, or a file holding a single record) only if it has at least one
// CloudTrail record field; anything else is some other JSON document (an AWS
// Config snapshot, a CloudTrail digest file, a template) and is reported as
// the wrong input rather than counted as thousands of malformed records.
const RECORD_FIELDS = ['eventVersion', 'eventTime', 'eventName', 'eventSource', 'eventID'] as const;

/**
 * Turns the values the splitter finds into sink calls: elements of
 * `Records` and top-level records are raw records; elements of `Events`
 * (lookup-events output) carry the raw record as the JSON string
 * `CloudTrailEvent`, and one that cannot be parsed is counted, not fatal
 * (and, when its `EventName` is one the detections need, a coverage gap).
 */
export function recordsInto(sink: RecordSink, origin: EventOrigin): ValueHandler {
  return (kind, bytes, offset) => {
    const value = parseJson(bytes, offset);
    if (kind === 'Records') {
      sink.add(value, origin);
    } else if (kind === 'Events') {
      const record = lookupEventRecord(value);
      const eventName = lookupEventName(value);
      if (record === undefined) sink.addUnparseable(origin, eventName);
      else sink.add(record, origin, eventName);
    } else if (looksLikeRecord(value)) {
      sink.add(value, origin);
    } else {
      throw new SplitError('not a CloudTrail log: an object with no "Records" or "Events" array and no CloudTrail record fields', offset);
    }
  };
}

function parseJson(bytes: Buffer, offset: number): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 names the position for some errors only; otherwise point at the value's start.
    const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
    if (position === null) throw new SplitError('invalid JSON in the value starting', offset);
    throw new SplitError('invalid JSON', offset + Buffer.byteLength(text.slice(0, Number(position[1]))));
  }
}

/** The `EventName` lookup-events lists beside the `CloudTrailEvent`, when there is one: what the element is, even if its record cannot be read. */
function lookupEventName(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const name = (event as { EventName?: unknown }).EventName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function looksLikeRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && RECORD_FIELDS.some((field) => Object.hasOwn(value, field));
}
