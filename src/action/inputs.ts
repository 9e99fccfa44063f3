import * as core from '@actions/core';
import { z } from 'zod';
import {
  accountsSchema,
  checkAccountsNeedRole,
  externalIdSchema,
  failOnSchema,
  lookbackDaysSchema,
  parseOption,
  regionsSchema,
  roleNameSchema,
  type Accounts,
  type FailOn,
  type Regions,
} from '../config.js';

/**
 * The action's inputs (action.yml), validated with the same schemas as the
 * CLI's flags. A bad value stops the run with one line naming the input:
 * `Input "lookback-days": must be at most 90 (...)`.
 */
export interface ActionInputs {
  regions: Regions;
  lookbackDays: number;
  failOn: FailOn;
  createIssue: boolean;
  issueLabels: string[];
  githubToken: string;
  /** Set only when the `accounts` input names accounts or `organization`; the credentials' own account otherwise. */
  accounts?: Accounts;
  roleName?: string;
  externalId?: string;
}

/** The defaults of action.yml, applied when an input is empty (e.g. run outside a workflow). */
export const INPUT_DEFAULTS = {
  regions: 'all',
  'lookback-days': '7',
  'fail-on': 'success',
  'create-issue': 'false',
  'issue-labels': 'security,logging-tamper',
} as const;

// YAML 1.2 core schema booleans, as core.getBooleanInput accepts them.
const booleanSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (['true', 'True', 'TRUE'].includes(text)) return true;
    if (['false', 'False', 'FALSE'].includes(text)) return false;
    ctx.addIssue({ code: 'custom', message: `must be true or false, not "${text.slice(0, 40)}"` });
    return z.NEVER;
  });

// GitHub label names: at most 50 characters; commas separate them here.
const labelsSchema = z
  .string()
  .transform((text) => [...new Set(text.split(/[,\n]/).map((label) => label.trim()).filter((label) => label !== ''))])
  .pipe(
    z
      .array(z.string().max(50, 'each label must be at most 50 characters'))
      .min(1, 'must name at least one label: the tracking issue is found by its labels'),
  );

export function readInputs(getInput: (name: string) => string = (name) => core.getInput(name)): ActionInputs {
  const value = (name: keyof typeof INPUT_DEFAULTS): string => {
    const given = getInput(name);
    return given.trim() === '' ? INPUT_DEFAULTS[name] : given;
  };
  const parse = <T>(schema: z.ZodType<T>, name: keyof typeof INPUT_DEFAULTS): T => parseOption(schema, `Input "${name}"`, value(name));
  const inputs: ActionInputs = {
    regions: parse(regionsSchema, 'regions'),
    lookbackDays: parse(lookbackDaysSchema, 'lookback-days'),
    failOn: parse(failOnSchema, 'fail-on'),
    createIssue: parse(booleanSchema, 'create-issue'),
    issueLabels: parse(labelsSchema, 'issue-labels'),
    githubToken: getInput('github-token').trim(),
  };
  readAccountInputs(getInput, inputs);
  if (inputs.createIssue && inputs.githubToken === '') {
    throw new Error('Input "github-token": required when create-issue is true (the default is ${{ github.token }})');
  }
  return inputs;
}

/** `accounts`, `role-name` and `external-id`: all empty by default (the credentials' own account). */
function readAccountInputs(getInput: (name: string) => string, inputs: ActionInputs): void {
  const optional = <T>(schema: z.ZodType<T>, name: string): T | undefined => {
    const given = getInput(name);
    return given.trim() === '' ? undefined : parseOption(schema, `Input "${name}"`, given);
  };
  const accounts = optional(accountsSchema, 'accounts') ?? 'current';
  const roleName = optional(roleNameSchema, 'role-name');
  const externalId = optional(externalIdSchema, 'external-id');
  checkAccountsNeedRole(accounts, roleName, externalId, { accounts: 'Input "accounts"', roleName: 'input "role-name"', externalId: 'Input "external-id"' });
  if (accounts !== 'current') inputs.accounts = accounts;
  if (roleName !== undefined) inputs.roleName = roleName;
  if (externalId !== undefined) inputs.externalId = externalId;
}
