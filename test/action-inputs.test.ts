import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INPUT_DEFAULTS, readInputs } from '../src/action/inputs.js';
import { REPO_ROOT } from './helpers/paths.js';

const inputsFrom = (values: Record<string, string>) => () => readInputs((name) => values[name] ?? '');

describe('action inputs', () => {
  test('empty inputs take the documented defaults', () => {
    expect(inputsFrom({})()).toEqual({
      regions: 'all',
      lookbackDays: 7,
      failOn: 'success',
      createIssue: false,
      issueLabels: ['security', 'logging-tamper'],
      githubToken: '',
    });
  });

  test('values are parsed and normalized', () => {
    expect(
      inputsFrom({
        regions: 'us-east-1,\neu-west-1 us-east-1',
        'lookback-days': ' 90 ',
        'fail-on': 'any',
        'create-issue': 'True',
        'issue-labels': 'security, aws\nsecurity',
        'github-token': 'ghs_x',
      })(),
    ).toEqual({ regions: ['us-east-1', 'eu-west-1'], lookbackDays: 90, failOn: 'any', createIssue: true, issueLabels: ['security', 'aws'], githubToken: 'ghs_x' });
  });

  test.each([
    [{ 'lookback-days': '91' }, 'Input "lookback-days": must be at most 90 (CloudTrail Event history keeps 90 days)'],
    [{ 'lookback-days': '0' }, 'Input "lookback-days": must be at least 1'],
    [{ 'lookback-days': 'seven' }, 'Input "lookback-days": must be a whole number of days from 1 to 90'],
    [{ regions: 'us-east-1,mars' }, 'Input "regions": "mars" is not an AWS region name (like us-east-1), and not "all"'],
    [{ 'fail-on': 'sometimes' }, 'Input "fail-on": must be success, any or never'],
    [{ 'create-issue': 'yes' }, 'Input "create-issue": must be true or false, not "yes"'],
    [{ 'issue-labels': ' , ' }, 'Input "issue-labels": must name at least one label: the tracking issue is found by its labels'],
    [{ 'issue-labels': 'x'.repeat(51) }, 'Input "issue-labels": each label must be at most 50 characters'],
    [{ 'create-issue': 'true' }, 'Input "github-token": required when create-issue is true (the default is ${{ github.token }})'],
  ])('%j is rejected with one line', (values, message) => {
    expect(inputsFrom(values)).toThrow(new Error(message));
  });
});

describe('action.yml', () => {
  const yml = readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8');
  const section = (name: string): string => new RegExp(`^${name}:\\n((?:  .*\\n|\\n)*)`, 'm').exec(yml)?.[1] ?? '';
  const keys = (text: string): string[] => [...text.matchAll(/^ {2}([a-z-]+):/gm)].map((m) => m[1]!);

  test('declares exactly the inputs of the design, with the defaults the code applies', () => {
    const inputs = section('inputs');
    expect(keys(inputs)).toEqual(['regions', 'accounts', 'role-name', 'external-id', 'lookback-days', 'fail-on', 'create-issue', 'issue-labels', 'github-token']);
    const defaults = Object.fromEntries(
      [...inputs.matchAll(/^ {2}([a-z-]+):\n(?: {4}.*\n)*? {4}default: (.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^'(.*)'$/, '$1')]),
    );
    expect(defaults).toEqual({ ...INPUT_DEFAULTS, 'github-token': '${{ github.token }}' });
  });

  test('declares exactly the outputs of the design and runs dist/index.js on node24', () => {
    expect(keys(section('outputs'))).toEqual(['status', 'coverage-complete', 'findings', 'alerts', 'report', 'issue-number']);
    expect(section('runs')).toBe('  using: node24\n  main: dist/index.js\n');
  });
});
