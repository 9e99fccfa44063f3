import { z } from 'zod';
import type { CloudTrailEvent, EventOrigin } from './cloudtrail/event.js';
import { normalizeRecord, parseEventTime, type SkipReason } from './cloudtrail/normalize.js';
import type { Detection } from './detections/detection.js';
import { DETECTIONS } from './detections/registry.js';
import { statusOf, type CoverageEntry, type Report, type ScanStats, type ScanWindow } from './report/model.js';

const DAY_MS = 86_400_000;

/** The scan window (start, end]: `@timestamp > now - N days`, strictly, as in the hunt. */
export interface Window {
  startMs: number;
  endMs: number;
}

export function windowEndingAt(now: Date, lookbackDays: number): Window {
  return { startMs: now.getTime() - lookbackDays * DAY_MS, endMs: now.getTime() };
}

export function windowToReport(window: Window): ScanWindow {
  return { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() };
}

// The fields every record needs before it can be placed in time at all;
// checked for every record so malformed ones are counted, while the full
// record schema runs only on the few that a detection could match.
const envelopeSchema = z.object({ eventTime: z.string().min(1), eventName: z.string().min(1), eventSource: z.string().min(1) });

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
  private readonly stats: ScanStats = {
    records_read: 0,
    records_skipped: 0,
    skipped_by_reason: {},
    records_outside_window: 0,
    events_matched: 0,
    duplicates_dropped: 0,
    files_read: 0,
  };

  constructor(
    readonly window: Window,
    readonly detections: readonly Detection[] = DETECTIONS,
  ) {
    this.wanted = new Set(detections.flatMap((d) => d.eventNames));
  }

  /** Feeds one raw record (anything JSON can hold); never throws on bad data. */
  add(raw: unknown, origin: EventOrigin = {}): void {
    this.stats.records_read += 1;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return this.skip('not-an-object');
    const envelope = envelopeSchema.safeParse(raw);
    if (!envelope.success) return this.skip('missing-envelope');
    const timeMs = parseEventTime(envelope.data.eventTime);
    if (Number.isNaN(timeMs)) return this.skip('bad-timestamp');
    if (timeMs <= this.window.startMs || timeMs > this.window.endMs) {
      this.stats.records_outside_window += 1;
      return;
    }
    if (!this.wanted.has(envelope.data.eventName)) return;

    const normalized = normalizeRecord(raw, origin);
    if (!normalized.ok) return this.skip(normalized.reason);
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

  /** Counts a record that arrived but could not be parsed at all (e.g. a malformed `CloudTrailEvent` string). */
  addUnparseable(): void {
    this.stats.records_read += 1;
    this.skip('missing-envelope');
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

  finish(): Report {
    const hunts = [];
    const alerts = [];
    for (const detection of this.detections) {
      if (detection.kind === 'hunt') hunts.push({ id: detection.id, name: detection.name, rows: detection.run(this.kept) });
      else alerts.push(...detection.run(this.kept));
    }
    alerts.sort((a, b) => (a['@timestamp'] < b['@timestamp'] ? -1 : a['@timestamp'] > b['@timestamp'] ? 1 : 0));
    const coverage = [...this.coverage].sort((a, b) =>
      a.account === b.account ? (a.region < b.region ? -1 : a.region > b.region ? 1 : 0) : a.account < b.account ? -1 : 1,
    );
    return {
      window: windowToReport(this.window),
      status: statusOf(coverage, hunts, alerts),
      coverage,
      hunts,
      alerts,
      stats: { ...this.stats, skipped_by_reason: { ...this.stats.skipped_by_reason } },
    };
  }
}
