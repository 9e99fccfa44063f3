import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { systemProblem } from './system-problem.js';

// Names a file needs to be read when found in a directory (a named file is always read).
const LOG_FILE_SUFFIXES = ['.json', '.json.gz', '.jsonl', '.jsonl.gz', '.ndjson', '.ndjson.gz'];

// In an `AWSLogs/<account-id>/` tree, siblings of `CloudTrail/` that hold
// other JSON: digest files (log file validation), Insights events (no API
// calls), AWS Config snapshots. Skipped so a whole synced bucket can be named.
const OTHER_SERVICE_DIRECTORIES = new Set(['CloudTrail-Digest', 'CloudTrail-Insight', 'Config']);
const ACCOUNT_ID = /^\d{12}$/;

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The files to read, in a fixed order: each input in the order given, and a
 * directory's log files in sorted order, depth first. A path named twice is
 * read once. A missing input, or a directory without a single log file, is an
 * InputError: naming the wrong directory must not look like a clean scan.
 */
export async function listInputFiles(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = async (path: string): Promise<void> => {
    const real = await realpath(path).catch(() => path);
    if (seen.has(real)) return;
    seen.add(real);
    files.push(path);
  };
  for (const input of inputs) {
    const info = await stat(input).catch((error: unknown) => {
      throw new InputError(input, systemProblem(error));
    });
    if (!info.isDirectory()) {
      await add(input);
      continue;
    }
    let found = 0;
    await walk(input, new Set(), async (path) => {
      found += 1;
      await add(path);
    });
    if (found === 0) {
      throw new InputError(input, `no CloudTrail log files (${LOG_FILE_SUFFIXES.join(', ')}) in this directory`);
    }
  }
  return files;
}

async function walk(directory: string, ancestors: Set<string>, add: (path: string) => Promise<void>): Promise<void> {
  // Real paths of the directories above, so a symbolic link back up the tree is not followed forever.
  const real = await realpath(directory).catch(() => directory);
  if (ancestors.has(real)) return;
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: unknown) => {
    throw new InputError(directory, systemProblem(error));
  });
  const inside = new Set(ancestors).add(real);
  const parentIsAccount = ACCOUNT_ID.test(basename(directory));
  for (const entry of entries.sort((a, b) => byCodeUnits(a.name, b.name))) {
    const path = join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => null); // a dangling link is not a log file
      isDirectory = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDirectory) {
      if (parentIsAccount && OTHER_SERVICE_DIRECTORIES.has(entry.name)) continue;
      await walk(path, inside, add);
    } else if (isFile && isLogFileName(entry.name)) {
      await add(path);
    }
  }
}

function isLogFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return LOG_FILE_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}
