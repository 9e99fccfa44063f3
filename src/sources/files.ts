import { listInputFiles } from './input-files.js';
import { readLogFile } from './log-file.js';
import type { RecordSink } from './sink.js';

/**
 * Reads exported CloudTrail files into the sink: every named file, and every
 * log file under every named directory, one at a time in a fixed order, each
 * as a stream. The first unreadable or malformed file ends the read with an
 * InputError naming it; a scan never passes over input it could not read.
 */
export async function readFileInputs(paths: readonly string[], sink: RecordSink): Promise<void> {
  const files = await listInputFiles(paths);
  for (const file of files) await readLogFile(file, sink);
}
