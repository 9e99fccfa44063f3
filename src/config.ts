import { z } from 'zod';

/**
 * The one typed configuration of a scan, shared by the action (inputs) and
 * the CLI (flags). Every external value passes through these schemas, and a
 * bad one is reported as `<where>: <what is wrong>`.
 */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export const regionsSchema = z
  .string()
  .trim()
  .transform((text, ctx): 'all' | string[] => {
    if (text === '' || text.toLowerCase() === 'all') return 'all';
    const list = [...new Set(text.split(/[\s,]+/).filter((r) => r !== ''))];
    for (const region of list) {
      if (!REGION.test(region)) {
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
  .transform((text) => new Date(text))
  .refine((date) => !Number.isNaN(date.getTime()), 'is not a valid date');

export type Regions = 'all' | string[];
export type FailOn = z.infer<typeof failOnSchema>;
export type Format = z.infer<typeof formatSchema>;

export interface ScanConfig {
  /** Files or directories of exported CloudTrail logs; empty = read AWS live. */
  inputs: string[];
  regions: Regions;
  lookbackDays: number;
  now: Date;
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
