import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../report/model.js';

/**
 * Writes the JSON report (DESIGN.md's contract, as the CLI's --format json)
 * into a fresh directory under RUNNER_TEMP, so two steps of one job never
 * overwrite each other's report, and returns its path for the `report` output.
 */
export async function writeReportFile(report: Report, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const base = env['RUNNER_TEMP'] || env['GITHUB_WORKSPACE'] || tmpdir();
  const directory = await mkdtemp(join(base, 'logging-tamper-guard-'));
  const path = join(directory, 'report.json');
  await writeFile(path, JSON.stringify(report, null, 2) + '\n', 'utf8');
  return path;
}
