import type { RecordSink } from './sink.js';

/** PLACEHOLDER (being written): reads exported CloudTrail files into the sink. */
export async function readFileInputs(paths: readonly string[], sink: RecordSink): Promise<void> {
  void paths;
  void sink;
  throw new Error('file input is not implemented yet');
}
