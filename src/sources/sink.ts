import type { EventOrigin } from '../cloudtrail/event.js';
import type { CoverageEntry } from '../report/model.js';

/** What a source pushes into: the scan engine, one record at a time. */
export interface RecordSink {
  add(raw: unknown, origin?: EventOrigin): void;
  /** A record that arrived but is not JSON at all (e.g. a malformed `CloudTrailEvent` string). */
  addUnparseable(): void;
  addCoverage(entry: CoverageEntry): void;
  fileRead(): void;
}
