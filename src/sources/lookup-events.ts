import type { Regions } from '../config.js';
import type { Window } from '../engine.js';
import type { RecordSink } from './sink.js';

export interface LiveOptions {
  regions: Regions;
  window: Window;
  /** CloudTrail event names to query (one LookupEvents attribute each). */
  eventNames: string[];
}

/** PLACEHOLDER (being written): reads CloudTrail Event history into the sink. */
export async function collectLookupEvents(options: LiveOptions, sink: RecordSink): Promise<void> {
  void options;
  void sink;
  throw new Error('live collection is not implemented yet');
}
