import { z } from 'zod';
import { isCalendarDate } from './calendar.js';
import { REGION_NAME } from './aws/region-name.js';

/**
 * The one typed configuration of a scan, shared by the action (inputs) and
 * the CLI (flags). Every external value passes through these schemas, and a
 * bad one is reported as `<where>: <what is wrong>`.
 */
export const regionsSchema = z
  .string()
  .trim()
  .transform((text, ctx): 'all' | string[] => {
    if (text === '' || text.toLowerCase() === 'all') return 'all';
    const list = [...new Set(text.split(/[\s,]+/).filter((r) => r !== ''))];
    for (const region of list) {
      if (!REGION_NAME.test(region)) {
        ctx.addIssue({ code: 'custom', message: `"${region}" is not an AWS region name (like us-east-1), and not "all"` });
        return z.NEVER;
      }
    }
    return list;
  });

export const lookbackDaysSchema = z
  .string()
  .trim()
  .regex(/^\d+$/, 'must be a whole number of days from 1 to 90')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(90, 'must be at most 90 (CloudTrail Event history keeps 90 days)'));

export const failOnSchema = z.enum(['success', 'any', 'never'], { message: 'must be success, any or never' });
export const formatSchema = z.enum(['json', 'markdown', 'text'], { message: 'must be json, markdown or text' });

export const nowSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/, 'must be an ISO 8601 date or date-time with a zone, like 2024-10-09T00:00:00Z')
  .refine(isCalendarDate, 'is not a real calendar date')
  .transform((text) => new Date(text))
  .refine((date) => !Number.isNaN(date.getTime()), 'is not a valid date');

const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * Which accounts a live scan reads: the credentials' own (empty), a list of
 * 12-digit ids, or `organization`: the ACTIVE accounts of AWS Organizations.
 */
export const accountsSchema = z
  .string()
  .trim()
  .transform((text, ctx): Accounts => {
    if (text === '') return 'current';
    if (text.toLowerCase() === 'organization') return 'organization';
    const list = [...new Set(text.split(/[\s,]+/).filter((id) => id !== ''))];
    for (const id of list) {
      if (!/^\d{12}$/.test(id)) {
        ctx.addIssue({ code: 'custom', message: `"${id.slice(0, 40)}" is not a 12-digit AWS account id, and not "organization"` });
        return z.NEVER;
      }
    }
    return list;
  });

/** An IAM role name, optionally with a path (`ops/LoggingTamperGuardReader`); the account comes from `accounts`. */
export const roleNameSchema = z
  .string()
  .trim()
  .transform((text) => text.replace(/^\/+/, ''))
  .pipe(z.string().regex(ROLE_NAME, 'must be an IAM role name like LoggingTamperGuardReader (letters, digits and +=,.@_-, at most 64), not an ARN'));

export const externalIdSchema = z
  .string()
  .trim()
  .regex(/^[\w+=,.@:\/-]{2,1224}$/, 'must be 2 to 1224 characters of letters, digits and +=,.@:/_-, as sts:AssumeRole accepts');

/**
 * Reading other accounts needs a role to assume in them, so `accounts` with
 * more than one id, or `organization`, without `role-name` is a usage error
 * found before any AWS call. A single id may be the credentials' own account;
 * that is checked once the caller is known. `names` are the flag or input
 * names to quote (`--accounts` / `Input "accounts"`).
 */
export function checkAccountsNeedRole(
  accounts: Accounts,
  roleName: string | undefined,
  externalId: string | undefined,
  names: { accounts: string; roleName: string; externalId: string },
): void {
  if (roleName === undefined && externalId !== undefined) {
    throw new OptionError(names.externalId, `is only used with ${names.roleName} (the external id of the role to assume)`);
  }
  if (roleName !== undefined) return;
  if (accounts === 'organization') {
    throw new OptionError(names.accounts, `"organization" needs ${names.roleName}: the role to assume in each member account`);
  }
  if (Array.isArray(accounts) && accounts.length > 1) {
    throw new OptionError(names.accounts, `lists ${accounts.length} accounts, so ${names.roleName} is needed: the role to assume in each account other than the credentials' own`);
  }
}

export type Accounts = 'current' | 'organization' | string[];
export type Regions = 'all' | string[];
export type FailOn = z.infer<typeof failOnSchema>;
export type Format = z.infer<typeof formatSchema>;

export interface ScanConfig {
  /** Files or directories of exported CloudTrail logs; empty = read AWS live. */
  inputs: string[];
  regions: Regions;
  lookbackDays: number;
  now: Date;
  /** Accounts to read live; the credentials' own account when absent. */
  accounts?: Accounts;
  /** Role assumed (sts:AssumeRole) in each account other than the credentials' own. */
  roleName?: string;
  /** The `sts:ExternalId` the member roles' trust policies require, if any. */
  externalId?: string;
}

/** Parses one named value, throwing a UsageError-ready message `name: problem`. */
export function parseOption<T>(schema: z.ZodType<T>, name: string, value: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new OptionError(name, issue?.message ?? 'is not valid');
}

export class OptionError extends Error {
  override readonly name = 'OptionError';
  constructor(
    readonly option: string,
    readonly problem: string,
  ) {
    super(`${option}: ${problem}`);
  }
}

const DAY_MS = 86_400_000;
/** CloudTrail Event history keeps 90 days of management events. */
export const EVENT_HISTORY_DAYS = 90;
/** Clock skew tolerated between this machine and a `--now` meant as "now". */
const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Why a live scan's window cannot be read in full, or undefined. Event
 * history holds only the last 90 days and nothing after the present, so a
 * window outside that would read as "clean" over time that was never read.
 */
export function liveWindowProblem(now: Date, lookbackDays: number, realNow: Date): string | undefined {
  if (now.getTime() > realNow.getTime() + FUTURE_SKEW_MS) {
    return `${now.toISOString()} is in the future; a live scan reads CloudTrail Event history up to the present`;
  }
  const start = now.getTime() - lookbackDays * DAY_MS;
  const oldest = realNow.getTime() - EVENT_HISTORY_DAYS * DAY_MS;
  if (start < oldest) {
    return `the window would start at ${new Date(start).toISOString()}, before the ${EVENT_HISTORY_DAYS} days CloudTrail Event history keeps (from ${new Date(oldest).toISOString()}); scan exported log files with --input instead`;
  }
  return undefined;
}

