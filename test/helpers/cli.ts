import { runCommand } from '../../src/command.js';
import type { Report } from '../../src/report/model.js';

/** One in-process run of the CLI: its exit status and everything it printed. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export async function cli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await runCommand(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { status, stdout, stderr };
}

/** The JSON report a `--format json` run printed. */
export const reportOf = (run: CliRun): Report => JSON.parse(run.stdout) as Report;
