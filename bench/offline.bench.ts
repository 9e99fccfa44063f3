import { spawn, spawnSync } from 'node:child_process';
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
const CAPPED_HEAP_MIB = 16;

const PROVIDERS = ['ec2.amazonaws.com', 'route53resolver.amazonaws.com', 's3.amazonaws.com', 'cloudtrail.amazonaws.com'];
const ACTIONS = ['DeleteFlowLogs', 'DeleteResolverQueryLogConfig', 'DeleteTrail', 'StopLogging'];

interface Measured {
  seconds: number;
  /** Peak resident set size in MiB, or null where it cannot be measured. */
  peakMiB: number | null;
  status: number | null;
}

const hasTimeCommand = existsSync('/usr/bin/time');

/** Peak RSS in KiB that `/usr/bin/time -f %M -o FILE` wrote, or null. */
function readTimeOutput(file: string): number | null {
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const kib = Number(lines[lines.length - 1]);
  return Number.isFinite(kib) && kib > 0 ? kib : null;
}

/**
 * Runs a command, feeding its stdout to `onStdout`, and measures wall time
 * and peak RSS: with GNU time (`-f %M`, the kernel's own maximum) when
 * present, otherwise by sampling /proc/<pid>/status VmHWM (Linux), otherwise
 * not at all.
 */
function measure(command: string, args: string[], onStdout: (chunk: Buffer) => void): Promise<Measured> {
  const scratch = mkdtempSync(join(tmpdir(), 'ltg-bench-'));
  const rssFile = join(scratch, 'rss');
  const [file, argv] = hasTimeCommand ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', onStdout);
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
  return new Promise<Measured>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = (performance.now() - started) / 1000;
      if (sampler) clearInterval(sampler);
      const peakKiB = hasTimeCommand ? readTimeOutput(rssFile) : sampledKiB > 0 ? sampledKiB : null;
      rmSync(scratch, { recursive: true, force: true });
      resolve({ seconds, peakMiB: peakKiB === null ? null : peakKiB / 1024, status });
    });
  });
}

async function scanWithCli(directory: string, nodeFlags: string[] = []): Promise<Measured & { matched: number; read: number }> {
  const chunks: Buffer[] = [];
  const args = [...nodeFlags, CLI, 'scan', '--input', directory, '--now', CORPUS_NOW, '--lookback-days', String(LOOKBACK_DAYS), '--format', 'json', '--fail-on', 'never'];
  const run = await measure(process.execPath, args, (chunk) => chunks.push(chunk));
  if (run.status !== 0) throw new Error(`the CLI exited with ${run.status}`);
  const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Report;
  const matched = report.hunts[0]!.rows.reduce((sum, row) => sum + row.service_logging_delete_count, 0);
  return { ...run, matched, read: report.stats.records_read };
}

/**
 * `zcat FILES | jq -c '.Records[] | select(...)'` in a shell pipeline, each
 * side under its own GNU time, so the pipeline's memory is the sum of both
 * peaks (n/a without GNU time).
 */
async function scanWithJq(files: readonly string[]): Promise<{ seconds: number; peakMiB: number | null; zcatMiB: number | null; jqMiB: number | null; matched: number }> {
  const start = new Date(Date.parse(CORPUS_NOW) - LOOKBACK_DAYS * 86_400_000).toISOString().replace('.000Z', 'Z');
  const end = new Date(CORPUS_NOW).toISOString().replace('.000Z', 'Z');
  const list = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(', ');
  // String comparison is time order for CloudTrail's fixed-width UTC timestamps.
  const filter = `.Records[] | select((.eventSource | IN(${list(PROVIDERS)})) and (.eventName | IN(${list(ACTIONS)})) and .eventTime > "${start}" and .eventTime <= "${end}")`;
  const scratch = mkdtempSync(join(tmpdir(), 'ltg-bench-jq-'));
  const [zcatRss, jqRss] = [join(scratch, 'zcat'), join(scratch, 'jq')];
  const timed = (out: string) => (hasTimeCommand ? `/usr/bin/time -f %M -o ${out} ` : '');
  // Files come as arguments after the script: no quoting of paths in the command line.
  const script = `${timed(zcatRss)}zcat "$@" | ${timed(jqRss)}jq -c "$JQ_FILTER"`;
  const started = performance.now();
  let newlines = 0;
  const status = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script, 'sh', ...files], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, JQ_FILTER: filter } });
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) newlines += 1;
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const seconds = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`zcat | jq exited with ${status}`);
  const [zcatKiB, jqKiB] = [readTimeOutput(zcatRss), readTimeOutput(jqRss)];
  rmSync(scratch, { recursive: true, force: true });
  const toMiB = (kib: number | null) => (kib === null ? null : kib / 1024);
  return {
    seconds,
    peakMiB: zcatKiB === null || jqKiB === null ? null : (zcatKiB + jqKiB) / 1024,
    zcatMiB: toMiB(zcatKiB),
    jqMiB: toMiB(jqKiB),
    matched: newlines,
  };
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
    measure: 'throughput, higher is better (CLI vs zcat+jq)',
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
  // What the process takes before reading anything (Node and the bundled SDKs): the floor both scans sit on.
  const startup = await measure(process.execPath, [CLI, '--help'], () => {});
  rows.push({
    bench: 'offline scan memory',
    measure: 'peak RSS: 1M records vs 100k, ratio near 1 = flat',
    value: `${mib(ours.peakMiB)} (${ours.read.toLocaleString('en-US')} records)`,
    reference: `${mib(tenth.peakMiB)} (${tenth.read.toLocaleString('en-US')} records)`,
    ...(ours.peakMiB !== null && tenth.peakMiB !== null && { ratio: ours.peakMiB / tenth.peakMiB }),
  });
  rows.push({ bench: 'offline scan memory', measure: 'peak RSS of the CLI reading nothing (--help)', value: mib(startup.peakMiB) });
  // The proof that live memory does not grow with records: the whole corpus
  // still scans with V8's old generation capped far below its size. (Slower:
  // the collector runs often; this row is about memory only.)
  const capped = await scanWithCli(corpus.root, [`--max-old-space-size=${CAPPED_HEAP_MIB}`]);
  rows.push({
    bench: 'offline scan memory',
    measure: `1M records with the V8 old space capped at ${CAPPED_HEAP_MIB} MiB`,
    value: `completes, ${capped.matched} matching, peak RSS ${mib(capped.peakMiB)}`,
  });
  return rows;
}
