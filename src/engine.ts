import { z } from 'zod';
import type { CloudTrailEvent, EventOrigin } from './cloudtrail/event.js';
import { normalizeRecord, parseEventTime, type SkipReason } from './cloudtrail/normalize.js';
import { compareBy } from './detections/compare.js';
import type { Detection, RuleAlert } from './detections/detection.js';
import { DETECTIONS } from './detections/registry.js';
import { isCoverageComplete, statusOf, type CoverageEntry, type Report, type ScanStats, type ScanWindow } from './report/model.js';
import { UnreadableCandidates, type CandidatePlace } from './unreadable-candidates.js';

const DAY_MS = 86_400_000;

/** The scan window (start, end]: `@timestamp > now - N days`, strictly, as in the hunt. */
export interface Window {
  startMs: number;
  endMs: number;
}

export function windowEndingAt(now: Date, lookbackDays: number): Window {
  return { startMs: now.getTime() - lookbackDays * DAY_MS, endMs: now.getTime() };
}

function windowToReport(window: Window): ScanWindow {
  return { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() };
}

// The fields every record needs before it can be placed in time at all;
// checked for every record so malformed ones are counted, while the full
// record schema runs only on the few that a detection could match.
const envelopeSchema = z.object({ eventTime: z.string().min(1), eventName: z.string().min(1), eventSource: z.string().min(1) });

/** Why a record a detection may need could not be read, as a coverage error says it. */
const UNREADABLE_BECAUSE: Record<SkipReason, string> = {
  'not-an-object': 'not a JSON object',
  'missing-envelope': 'missing eventTime, eventName or eventSource',
  'bad-timestamp': 'invalid eventTime',
  'malformed-json': 'malformed CloudTrailEvent',
};

type RawObject = Record<string, unknown>;

const isRawObject = (raw: unknown): raw is RawObject => typeof raw === 'object' && raw !== null && !Array.isArray(raw);

/** A record's string field, or undefined when it is absent, empty or not a string. */
function textField(record: RawObject, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The origin an event is attributed to. A record read from a file carries no
 * account of its own reading: it belongs to the account whose trail logged it
 * (`recipientAccountId`; for an organization trail, the member account), not
 * to the caller's, which `cloud.account.id` keeps as Elastic defines it.
 */
function attributedOrigin(origin: EventOrigin, record: RawObject): EventOrigin {
  if (origin.account !== undefined) return origin;
  const recipient = textField(record, 'recipientAccountId');
  return recipient === undefined ? origin : { ...origin, account: recipient };
}

/** The (account, region) an unreadable record counts against: where it was read, else what it says, else `unknown`. */
function placeOf(record: RawObject, origin: EventOrigin): CandidatePlace {
  return {
    account: origin.account ?? textField(record, 'recipientAccountId') ?? 'unknown',
    ...(origin.accountName !== undefined ? { accountName: origin.accountName } : {}),
    region: origin.region ?? textField(record, 'awsRegion') ?? 'unknown',
    ...(origin.file !== undefined ? { file: origin.file } : {}),
  };
}

interface EngineOptions {
  /**
   * Only records whose `awsRegion` is one of these are scanned; the rest are
   * counted in `records_outside_regions`. For file input, where a `regions`
   * choice cannot narrow what is read; a live read asks each region itself.
   */
  regions?: readonly string[];
}

/**
 * Streaming scan: sources push raw records one at a time; only events a
 * detection could match are kept, so memory grows with matches, not with the
 * number of records read. Detections run once, at the end, as pure functions.
 */
export class ScanEngine {
  private readonly wanted: ReadonlySet<string>;
  private readonly kept: CloudTrailEvent[] = [];
  private readonly seenIds = new Set<string>();
  private readonly coverage: CoverageEntry[] = [];
  private readonly unreadable = new UnreadableCandidates();
  private readonly regionFilter: ReadonlySet<string> | undefined;
  private readonly stats: ScanStats = {
    records_read: 0,
    records_skipped: 0,
    skipped_by_reason: {},
    records_outside_window: 0,
    records_outside_regions: 0,
    events_matched: 0,
    duplicates_dropped: 0,
    files_read: 0,
  };

  constructor(
    readonly window: Window,
    readonly detections: readonly Detection[] = DETECTIONS,
    options: EngineOptions = {},
  ) {
    this.wanted = new Set(detections.flatMap((d) => d.eventNames));
    this.regionFilter = options.regions !== undefined ? new Set(options.regions) : undefined;
  }

  /**
   * Feeds one raw record (anything JSON can hold); never throws on bad data.
   * `foundAs` is the event name the source found the record under, when it
   * has one (the name LookupEvents was queried by, the `EventName` beside a
   * lookup-events `CloudTrailEvent`): a record that then cannot be read is
   * still known to be one the detections need.
   */
  add(raw: unknown, origin: EventOrigin = {}, foundAs?: string): void {
    this.stats.records_read += 1;
    if (!isRawObject(raw)) return this.skipUnreadable('not-an-object', {}, origin, foundAs);
    if (this.outsideRegions(raw)) {
      this.stats.records_outside_regions += 1;
      return;
    }
    const envelope = envelopeSchema.safeParse(raw);
    if (!envelope.success) return this.skipUnreadable('missing-envelope', raw, origin, foundAs);
    const timeMs = parseEventTime(envelope.data.eventTime);
    if (Number.isNaN(timeMs)) return this.skipUnreadable('bad-timestamp', raw, origin, foundAs);
    if (!this.inWindow(timeMs)) {
      this.stats.records_outside_window += 1;
      return;
    }
    if (!this.wanted.has(envelope.data.eventName)) return;

    // normalizeRecord fails only for a non-object, a missing, empty or
    // non-string eventTime, eventName or eventSource (its schema catches every
    // other field), or an invalid eventTime: exactly what was checked above.
    // A failure here is a bug (the checks have drifted apart), not bad data.
    const normalized = normalizeRecord(raw, attributedOrigin(origin, raw));
    if (!normalized.ok) throw new Error(`a record that passed the envelope checks failed to normalize (${normalized.reason})`);
    const event = normalized.event;
    if (!this.detections.some((d) => d.matches(event))) return;
    const id = event['event.id'];
    if (id !== null) {
      if (this.seenIds.has(id)) {
        this.stats.duplicates_dropped += 1;
        return;
      }
      this.seenIds.add(id);
    }
    this.stats.events_matched += 1;
    this.kept.push(event);
  }

  /**
   * Counts a record that arrived but could not be parsed at all (a missing or
   * malformed `CloudTrailEvent` string), as `malformed-json`. With the event
   * name it was found under, when the detections need that name, it is also a
   * hole in the coverage of the origin's (account, region).
   */
  addUnparseable(origin: EventOrigin = {}, foundAs?: string): void {
    this.stats.records_read += 1;
    this.skip('malformed-json');
    if (foundAs !== undefined && this.wanted.has(foundAs)) this.unreadable.note(placeOf({}, origin), foundAs, UNREADABLE_BECAUSE['malformed-json']);
  }

  addCoverage(entry: CoverageEntry): void {
    this.coverage.push(entry);
  }

  fileRead(): void {
    this.stats.files_read += 1;
  }

  private skip(reason: SkipReason): void {
    this.stats.records_skipped += 1;
    this.stats.skipped_by_reason[reason] = (this.stats.skipped_by_reason[reason] ?? 0) + 1;
  }

  /**
   * Skips a record that could not be read and, when it is one a detection may
   * need (by the name it was found under, or the name it carries) and is not
   * plainly outside the window, notes it against its (account, region). A
   * record with no usable event name cannot be told apart from noise and is
   * only counted.
   */
  private skipUnreadable(reason: SkipReason, record: RawObject, origin: EventOrigin, foundAs: string | undefined): void {
    this.skip(reason);
    const eventName = [foundAs, textField(record, 'eventName')].find((name) => name !== undefined && this.wanted.has(name));
    if (eventName === undefined || this.plainlyOutsideWindow(record)) return;
    this.unreadable.note(placeOf(record, origin), eventName, UNREADABLE_BECAUSE[reason]);
  }

  private inWindow(timeMs: number): boolean {
    return timeMs > this.window.startMs && timeMs <= this.window.endMs;
  }

  /** Whether the record's own eventTime is valid and outside the window: then it could not have matched, read or not. */
  private plainlyOutsideWindow(record: RawObject): boolean {
    const eventTime = textField(record, 'eventTime');
    const timeMs = eventTime === undefined ? Number.NaN : parseEventTime(eventTime);
    return !Number.isNaN(timeMs) && !this.inWindow(timeMs);
  }

  /** Whether a region filter is set and the record names a region outside it (a record naming none is kept: it cannot be shown to be outside). */
  private outsideRegions(record: RawObject): boolean {
    if (this.regionFilter === undefined) return false;
    const region = textField(record, 'awsRegion');
    return region !== undefined && !this.regionFilter.has(region);
  }

  finish(): Report {
    const hunts = [];
    const alerts = [];
    for (const detection of this.detections) {
      if (detection.kind === 'hunt') hunts.push({ id: detection.id, name: detection.name, rows: detection.run(this.kept) });
      else alerts.push(...detection.run(this.kept));
    }
    alerts.sort(compareBy<RuleAlert>([(a) => a['@timestamp']]));
    const coverage = this.unreadable.appliedTo(this.coverage).sort(compareBy<CoverageEntry>([(c) => c.account, (c) => c.region]));
    return {
      window: windowToReport(this.window),
      status: statusOf(coverage, hunts, alerts),
      coverage_complete: isCoverageComplete(coverage),
      coverage,
      hunts,
      alerts,
      stats: { ...this.stats, skipped_by_reason: { ...this.stats.skipped_by_reason } },
    };
  }
}
