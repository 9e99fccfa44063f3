import type { EventOrigin } from '../cloudtrail/event.js';
import type { CoverageEntry } from '../report/model.js';

/** What a source pushes into: the scan engine, one record at a time. */
export interface RecordSink {
  /**
   * One raw record. `foundAs`: the event name the source found it under, when
   * it has one (the name LookupEvents was queried by; the `EventName` beside
   * a lookup-events `CloudTrailEvent`), so an unreadable record is still
   * known to be one the detections need.
   */
  add(raw: unknown, origin?: EventOrigin, foundAs?: string): void;
  /** A record that arrived but is not JSON at all (e.g. a malformed `CloudTrailEvent` string), with what is known of it. */
  addUnparseable(origin?: EventOrigin, foundAs?: string): void;
  addCoverage(entry: CoverageEntry): void;
  fileRead(): void;
}
