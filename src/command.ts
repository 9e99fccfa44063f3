import { parseArgs } from 'node:util';
import {
  accountsSchema,
  checkAccountsNeedRole,
  externalIdSchema,
  roleNameSchema,
  failOnSchema,
  liveWindowProblem,
  formatSchema,
  lookbackDaysSchema,
  nowSchema,
  OptionError,
  parseOption,
  regionsSchema,
  type Format,
  type ScanConfig,
} from './config.js';
import { describeError, InputError, UsageError } from './errors.js';
import { exitCodeOf, type Report } from './report/model.js';
import { renderMarkdown } from './report/markdown.js';
import { renderText } from './report/text.js';
import { SAMPLE_NOW, sampleDirectory } from './samples.js';
import { scan } from './scan.js';

export const USAGE = `usage: logging-tamper-guard scan [--input PATH ...] [--sample] [--regions LIST] [--lookback-days N]
                            [--now ISO-8601] [--format json|markdown|text] [--fail-on success|any|never]
                            [--accounts ID,ID...|organization] [--role-name NAME] [--external-id ID]

Reads CloudTrail (exported log files with --input, the built-in sample with --sample, otherwise
AWS CloudTrail Event history with the default credential chain) and reports deleted or stopped
service logging. Exit status: 0 clean (or findings below --fail-on), 1 findings that meet
--fail-on, 2 bad usage or unreadable input, 3 incomplete coverage (an account, region or needed
event could not be read, or AWS could not be read at all) without findings that meet --fail-on.

--regions reads only the listed regions of AWS; with --input or --sample it keeps only the records
whose awsRegion is listed (the others are counted as records_outside_regions).

--accounts reads several accounts (or "organization": every ACTIVE account of AWS Organizations),
each through the role --role-name assumed with sts:AssumeRole; the credentials' own account is read
directly.`;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export function render(report: Report, format: Format): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n';
  if (format === 'markdown') return renderMarkdown(report);
  return renderText(report);
}

/** Runs the CLI on argv (without `node` and the script) and returns the exit status. */
export async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  let command: ReturnType<typeof parseCommand>;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout(USAGE + '\n');
      return 0;
    }
    return fail(io, error, 2);
  }
  const { config, format, failOn } = command;
  try {
    const report = await scan(config);
    io.stdout(render(report, format));
    return exitCodeOf(report, failOn);
  } catch (error) {
    if (isKnownError(error)) return fail(io, error, 2);
    // A live scan that could not read AWS at all (credentials not usable,
    // the organization not listable) looked at nothing: that is the
    // incomplete-coverage status, not bad usage.
    return fail(io, error, config.inputs.length === 0 ? 3 : 2);
  }
}

/** Errors that explain themselves in one line: bad usage or unreadable input. */
function isKnownError(error: unknown): boolean {
  return error instanceof UsageError || error instanceof OptionError || error instanceof InputError;
}

/** One line on stderr (the stack only when debugging) and the exit status. */
function fail(io: Io, error: unknown, status: 2 | 3): number {
  io.stderr(`logging-tamper-guard: ${describeError(error)}\n`);
  if (!isKnownError(error) && process.env['RUNNER_DEBUG'] === '1' && error instanceof Error && error.stack) io.stderr(error.stack + '\n');
  return status;
}

class HelpRequested extends Error {}

function parseCommand(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        input: { type: 'string', multiple: true },
        sample: { type: 'boolean' },
        regions: { type: 'string' },
        'lookback-days': { type: 'string' },
        now: { type: 'string' },
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        accounts: { type: 'string' },
        'role-name': { type: 'string' },
        'external-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs explains itself ("Unknown option '--x'"); keep its first line.
    throw new UsageError(`${describeError(error)} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) throw new HelpRequested();
  if (positionals[0] !== 'scan' || positionals.length > 1) {
    throw new UsageError(
      positionals.length === 0 ? 'missing command: use "scan" (see --help)' : `unexpected argument "${positionals.find((p, i) => i > 0 || p !== 'scan')}" (see --help)`,
    );
  }
  const sample = values.sample === true;
  if (sample && values.input !== undefined) throw new UsageError('--sample and --input cannot be used together');
  const inputs = sample ? [sampleDirectory()] : (values.input ?? []);
  if (inputs.some((path) => path.trim() === '')) throw new UsageError('--input: empty path');
  const config: ScanConfig = {
    inputs,
    regions: parseOption(regionsSchema, '--regions', values.regions ?? 'all'),
    lookbackDays: parseOption(lookbackDaysSchema, '--lookback-days', values['lookback-days'] ?? '7'),
    now: values.now !== undefined ? parseOption(nowSchema, '--now', values.now) : sample ? new Date(SAMPLE_NOW) : new Date(),
  };
  if (inputs.length === 0) {
    const problem = liveWindowProblem(config.now, config.lookbackDays, new Date());
    if (problem !== undefined) throw new OptionError(values.now !== undefined ? '--now' : '--lookback-days', problem);
  }
  const accounts = parseOption(accountsSchema, '--accounts', values.accounts ?? '');
  const roleName = values['role-name'] !== undefined ? parseOption(roleNameSchema, '--role-name', values['role-name']) : undefined;
  const externalId = values['external-id'] !== undefined ? parseOption(externalIdSchema, '--external-id', values['external-id']) : undefined;
  checkAccountsNeedRole(accounts, roleName, externalId, { accounts: '--accounts', roleName: '--role-name', externalId: '--external-id' });
  if (inputs.length > 0 && (accounts !== 'current' || roleName !== undefined)) {
    throw new UsageError('--accounts and --role-name read AWS: they cannot be used with --input or --sample');
  }
  if (accounts !== 'current') config.accounts = accounts;
  if (roleName !== undefined) config.roleName = roleName;
  if (externalId !== undefined) config.externalId = externalId;
  const format = parseOption(formatSchema, '--format', values.format ?? 'text');
  const failOn = parseOption(failOnSchema, '--fail-on', values['fail-on'] ?? 'success');
  return { config, format, failOn };
}
