import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/model.js';
import { CORPUS_NOW, ensureCorpus } from './cloudtrail-corpus.js';
import type { BenchRow } from './table.js';

/**
 * Offline scan of a 1,000,000-record CloudTrail log tree (gzipped S3 log
 * files, ~1,000 records of ~1 KiB each) by the built CLI, as a child
 * process, side by side with `zcat FILES | jq` applying the same filter
 * (provider and action lists, and the window) to the same files. Then the
 * CLI's peak memory on a tenth of the records, to show it does not grow with
 * the number of records.
 */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)); // from build/bench/
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const OUT = join(REPO_ROOT, 'bench', 'out');
const RECORDS = 1_000_000;
const LOOKBACK_DAYS = 7;

const PROVIDERS = ['ec2.amazonaws.com', 'route53resolver.amazonaws.com', 's3.amazonaws.com', 'cloudtrail.amazonaws.com'];
const ACTIONS = ['DeleteFlowLogs', 'DeleteResolverQueryLogConfig', 'DeleteTrail', 'StopLogging'];

interface Measured {
  seconds: number;
  /** Peak resident set size in MiB, or null where it cannot be measured. */
  peakMiB: number | null;
  stdout: string;
  status: number | null;
}

const hasTimeCommand = existsSync('/usr/bin/time');

/**
 * Runs a command and measures its wall time and peak RSS: with GNU time
 * (`/usr/bin/time -f %M`, the kernel's own maximum) when present, otherwise by
 * sampling /proc/<pid>/status VmHWM (Linux), otherwise not at all.
 */
function measure(command: string, args: string[], stdin: ChildProcess['stdout'] | 'ignore' = 'ignore', onStdout?: (chunk: Buffer) => void) {
  const scratch = mkdtempSync(join(tmpdir(), 'ltg-bench-'));
  const rssFile = join(scratch, 'rss');
  const [file, argv] = hasTimeCommand ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { stdio: [stdin ?? 'ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (onStdout ? onStdout(chunk) : (stdout += chunk.toString('utf8'))));
  let sampledKiB = 0;
  const sampler = hasTimeCommand
    ? undefined
    : setInterval(() => {
        try {
          const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (match) sampledKiB = Math.max(sampledKiB, Number(match[1]));
        } catch {
          // the process has exited, or there is no /proc
        }
      }, 20);
  const done = new Promise<Measured>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = (performance.now() - started) / 1000;
      if (sampler) clearInterval(sampler);
      let peakKiB: number | null = sampledKiB > 0 ? sampledKiB : null;
      if (hasTimeCommand) {
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        peakKiB = Number(lines[lines.length - 1]);
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ seconds, peakMiB: peakKiB === null ? null : peakKiB / 1024, stdout, status });
    });
  });
  return { child, done };
}

async function scanWithCli(directory: string): Promise<Measured & { matched: number; read: number }> {
  const run = await measure(process.execPath, [CLI, 'scan', '--input', directory, '--now', CORPUS_NOW, '--lookback-days', String(LOOKBACK_DAYS), '--format', 'json', '--fail-on', 'never']).done;
  if (run.status !== 0) throw new Error(`the CLI exited with ${run.status}`);
  const report = JSON.parse(run.stdout) as Report;
  const matched = report.hunts[0]!.rows.reduce((sum, row) => sum + row.service_logging_delete_count, 0);
  return { ...run, matched, read: report.stats.records_read };
}

/** `zcat FILES | jq -c '.Records[] | select(...)'`, each process measured; the pipeline's memory is the sum. */
async function scanWithJq(files: readonly string[]): Promise<{ seconds: number; peakMiB: number | null; zcatMiB: number | null; jqMiB: number | null; matched: number }> {
  const start = new Date(Date.parse(CORPUS_NOW) - LOOKBACK_DAYS * 86_400_000).toISOString().replace('.000Z', 'Z');
  const end = new Date(CORPUS_NOW).toISOString().replace('.000Z', 'Z');
  const list = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(', ');
  // String comparison is time order for CloudTrail's fixed-width UTC timestamps.
  const filter = `.Records[] | select((.eventSource | IN(${list(PROVIDERS)})) and (.eventName | IN(${list(ACTIONS)})) and .eventTime > "${start}" and .eventTime <= "${end}")`;
  const started = performance.now();
  const zcat = measure('zcat', [...files]);
  let newlines = 0;
  const jq = measure('jq', ['-c', filter], zcat.child.stdout, (chunk) => {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) newlines += 1;
  });
  const [z, j] = await Promise.all([zcat.done, jq.done]);
  if (z.status !== 0 || j.status !== 0) throw new Error(`zcat exited with ${z.status}, jq with ${j.status}`);
  const peakMiB = z.peakMiB === null || j.peakMiB === null ? null : z.peakMiB + j.peakMiB;
  return { seconds: (performance.now() - started) / 1000, peakMiB, zcatMiB: z.peakMiB, jqMiB: j.peakMiB, matched: newlines };
}

const mib = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)} MiB`);
const perSecond = (records: number, seconds: number) => `${Math.round(records / seconds).toLocaleString('en-US')} records/s`;

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const generating = performance.now();
  const corpus = await ensureCorpus(OUT, RECORDS);
  process.stderr.write(`corpus ready in ${((performance.now() - generating) / 1000).toFixed(1)} s: ${corpus.files.length} files\n`);
  const bench = 'offline scan, 1M records';
  const rows: BenchRow[] = [
    {
      bench,
      measure: 'input',
      value: `${corpus.records.toLocaleString('en-US')} records, ${corpus.files.length} files, ${(corpus.gzipBytes / 2 ** 20).toFixed(0)} MiB gzip, ${(corpus.jsonBytes / 2 ** 20).toFixed(0)} MiB JSON`,
    },
  ];

  const ours = await scanWithCli(corpus.root);
  if (ours.read !== corpus.records) throw new Error(`the CLI read ${ours.read} records of ${corpus.records}`);

  const jqVersion = spawnSync('jq', ['--version'], { encoding: 'utf8' });
  const theirs = jqVersion.status === 0 ? await scanWithJq(corpus.files) : null;
  const reference = theirs === null ? 'jq not installed (apt-get install jq)' : undefined;

  rows.push({
    bench,
    measure: 'throughput, higher is better (CLI vs zcat | jq)',
    value: perSecond(corpus.records, ours.seconds),
    reference: reference ?? perSecond(corpus.records, theirs!.seconds),
    ...(theirs && { ratio: theirs.seconds / ours.seconds }),
  });
  rows.push({
    bench,
    measure: 'wall time, lower is better',
    value: `${ours.seconds.toFixed(1)} s`,
    reference: reference ?? `${theirs!.seconds.toFixed(1)} s`,
    ...(theirs && { ratio: ours.seconds / theirs.seconds }),
  });
  rows.push({
    bench,
    measure: 'peak RSS, lower is better',
    value: mib(ours.peakMiB),
    reference: reference ?? `${mib(theirs!.peakMiB)} (zcat ${mib(theirs!.zcatMiB)} + ${jqVersion.stdout.trim()} ${mib(theirs!.jqMiB)})`,
    ...(theirs?.peakMiB != null && ours.peakMiB !== null && { ratio: ours.peakMiB / theirs.peakMiB }),
  });
  rows.push({
    bench,
    measure: `matching events (generated: ${corpus.matching})`,
    value: String(ours.matched),
    reference: reference ?? `${theirs!.matched} (jq)${theirs!.matched === ours.matched && ours.matched === corpus.matching ? ': equal' : ': DIFFERENT'}`,
  });

  const tenth = await scanWithCli(corpus.tenthRoot);
  rows.push({
    bench: 'offline scan memory',
    measure: 'peak RSS: 1M records vs 100k, ratio near 1 = flat',
    value: `${mib(ours.peakMiB)} (${ours.read.toLocaleString('en-US')} records)`,
    reference: `${mib(tenth.peakMiB)} (${tenth.read.toLocaleString('en-US')} records)`,
    ...(ours.peakMiB !== null && tenth.peakMiB !== null && { ratio: ours.peakMiB / tenth.peakMiB }),
  });
  return rows;
}
