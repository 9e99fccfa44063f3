import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';
import { CloudTrailJsonSplitter, SplitError } from './json-splitter.js';
import { recordsInto } from './json-records.js';
import type { RecordSink } from './sink.js';
import { systemProblem } from './system-problem.js';

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

// Large reads keep the per-chunk overhead (stream machinery, one splitter
// call) small next to the per-byte work, while staying far below a record
// count's worth of memory.
const READ_CHUNK_BYTES = 1024 * 1024;
const GUNZIP_CHUNK_BYTES = 256 * 1024;

/**
 * Reads one CloudTrail file (a log file, lookup-events output or JSON Lines;
 * gzip or not, told by its first bytes, not its name) into the sink as a
 * stream. Every problem becomes one InputError naming the file.
 */
export async function readLogFile(path: string, sink: RecordSink): Promise<void> {
  const file = await openFile(path);
  // Sequential reads, not positional ones, so a pipe (--input /dev/stdin) works too.
  const bytes = file.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
  let gzipped = false;
  // Leaving the loop early makes the stream stages fail with an AbortError
  // that pipeline() may report instead; the problem found in the data is the
  // one worth naming, so it is kept aside.
  let malformed: SplitError | undefined;
  try {
    const head = await peek(bytes);
    gzipped = head !== null && startsWith(head, GZIP_MAGIC);
    const splitter = new CloudTrailJsonSplitter(recordsInto(sink, { file: path }));
    const feed = async (source: AsyncIterable<Buffer>): Promise<void> => {
      let first = true;
      try {
        for await (const chunk of source) {
          splitter.write(first && startsWith(chunk, UTF8_BOM) ? chunk.subarray(UTF8_BOM.length) : chunk);
          first = false;
        }
        splitter.end();
      } catch (error) {
        if (error instanceof SplitError) malformed = error;
        throw error;
      }
    };
    if (gzipped) await pipeline(bytes, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), feed);
    else await pipeline(bytes, feed);
  } catch (error) {
    throw new InputError(path, problemOf(malformed ?? error, gzipped));
  } finally {
    bytes.destroy();
  }
  sink.fileRead();
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw new InputError(path, systemProblem(error));
  }
}

/** The first buffered bytes of a stream, put back so the stream still yields them; null when it is empty. */
function peek(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('readable', onReadable);
      stream.off('error', onError);
    };
    const onReadable = (): void => {
      done();
      const chunk = stream.read() as Buffer | null;
      if (chunk !== null) stream.unshift(chunk);
      resolve(chunk);
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    stream.on('readable', onReadable);
    stream.on('error', onError);
  });
}

function startsWith(bytes: Buffer, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/** One line saying what went wrong, for any error a read can end with. */
function problemOf(error: unknown, gzipped: boolean): string {
  if (error instanceof SplitError) return gzipped ? `${error.message} (after decompression)` : error.message;
  const code = (error as { code?: unknown } | null)?.code;
  // zlib: Z_BUF_ERROR is "unexpected end of file", the stream stopped mid-member.
  if (code === 'Z_BUF_ERROR') return 'truncated gzip data';
  if (code === 'Z_DATA_ERROR') return `corrupt gzip data (${(error as Error).message})`;
  return systemProblem(error);
}
