import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { annotationsFor } from '../src/action/annotations.js';
import { writeReportFile } from '../src/action/report-file.js';
import { workflowRunUrl } from '../src/action/run.js';
import { githubWebHost, issueLine, safeGitHubUrl, summaryMarkdown } from '../src/action/summary.js';
import type { TrackingResult } from '../src/github/tracking-issue.js';
import { exitCodeOf } from '../src/report/model.js';
import { markdownTable } from '../src/report/table.js';
import { rawRecord } from './helpers/records.js';
import { reportOf } from './helpers/reports.js';

const report = reportOf([
  rawRecord({ eventID: 'a', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }),
  rawRecord({ eventID: 'b', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', userIdentity: { arn: 'arn:aws:iam::1:user/bob', accountId: '1' } }),
  rawRecord({ eventID: 'c', eventTime: '2024-10-07T01:00:00Z', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }),
  rawRecord({ eventID: 'd', errorCode: 'AccessDenied', errorMessage: 'no' }),
]);

describe('annotations', () => {
  test('one per action and outcome, however many rows and principals', () => {
    const annotations = annotationsFor(report, 'success');
    expect(annotations.map((a) => [a.level, a.title])).toEqual([
      ['error', 'Service logging deleted or stopped'],
      ['warning', 'Attempt to delete or stop service logging'],
    ]);
    expect(annotations[0]?.message).toBe(
      'StopLogging (cloudtrail.amazonaws.com) succeeded: 3 events by arn:aws:iam::111122223333:user/alice, arn:aws:iam::1:user/bob ' +
        // bob's credentials are of account 1, but all three events were logged by (and logging stopped in) 111122223333.
        'in account 111122223333, region us-east-1, 2024-10-07T01:00:00.000Z to 2024-10-08T09:08:34.000Z (UTC)',
    );
  });

  test('fail-on decides the level: any makes failed attempts errors, never makes everything a warning', () => {
    expect(annotationsFor(report, 'any').map((a) => a.level)).toEqual(['error', 'error']);
    expect(annotationsFor(report, 'never').map((a) => a.level)).toEqual(['warning', 'warning']);
  });
});

describe('report file', () => {
  test('written as the JSON report under RUNNER_TEMP, a fresh directory per run', async () => {
    const temp = await mkdtemp(join(tmpdir(), 'ltg-temp-'));
    const first = await writeReportFile(report, { RUNNER_TEMP: temp });
    const second = await writeReportFile(report, { RUNNER_TEMP: temp });
    expect(dirname(dirname(first))).toBe(temp);
    expect(first).not.toBe(second);
    expect(JSON.parse(await readFile(first, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});

describe('workflow run link', () => {
  test('built from the runner variables only when they have their usual shape', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.example.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '123' };
    expect(workflowRunUrl(env)).toBe('https://github.example.com/acme/infra/actions/runs/123');
    expect(workflowRunUrl({ ...env, GITHUB_RUN_ID: '1) [x](http://evil' })).toBeUndefined();
    expect(workflowRunUrl({ ...env, GITHUB_SERVER_URL: 'javascript:alert(1)' })).toBeUndefined();
    expect(workflowRunUrl({})).toBeUndefined();
  });
});

describe('tracking issue link in the job summary', () => {
  const created = (url: string): TrackingResult => ({ action: 'created', issue: 7, url, newEvents: 2, deferredEvents: 0, labelsMissing: [] });

  test('the API\'s html_url is linked when it is an https URL on the GitHub web host', () => {
    expect(issueLine(created('https://github.com/acme/infra/issues/7'))).toBe('Tracking issue: [#7](https://github.com/acme/infra/issues/7) opened (2 new events).');
    expect(safeGitHubUrl('https://github.com/acme/infra/issues/7#issuecomment-12', 'github.com')).toBe('https://github.com/acme/infra/issues/7#issuecomment-12');
    expect(safeGitHubUrl('https://ghe.example.com/acme/infra/issues/7', githubWebHost('https://ghe.example.com'))).toBe('https://ghe.example.com/acme/infra/issues/7');
  });

  test.each([
    'https://github.com/acme/infra/issues/7) [click](https://evil.example',
    'https://github.com/acme/infra/issues/7 "title"',
    'https://github.com/acme/infra/issues/<img src=x>',
    'https://github.com/acme/infra/issues/7\n# heading',
    'http://github.com/acme/infra/issues/7',
    'javascript:alert(1)//github.com',
    'https://evil.example/acme/infra/issues/7',
    'https://github.com.evil.example/acme/infra/issues/7',
    'https://github.com@evil.example/acme/infra/issues/7',
    'not a url',
  ])('%j is shown without a link', (url) => {
    expect(safeGitHubUrl(url, 'github.com')).toBeUndefined();
    expect(issueLine(created(url))).toBe('Tracking issue: #7 opened (2 new events).');
  });

  test('a link on another host than GITHUB_SERVER_URL\'s is not followed', () => {
    expect(issueLine(created('https://github.com/acme/infra/issues/7'), githubWebHost('https://ghe.example.com'))).toBe('Tracking issue: #7 opened (2 new events).');
    expect(githubWebHost(undefined)).toBe('github.com');
    expect(githubWebHost('javascript:alert(1)')).toBe('github.com');
  });
});

describe('findings and a coverage gap together', () => {
  const deleted = rawRecord({ eventID: 'e', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' });
  const withGap = (() => {
    const base = reportOf([deleted]);
    const coverage = [
      { account: '111122223333', region: 'eu-west-1', status: 'error' as const, error: 'AccessDeniedException: denied by SCP' },
      { account: '111122223333', region: 'us-east-1', status: 'ok' as const },
      { account: '444455556666', region: '*', status: 'error' as const, error: 'AccessDenied' },
    ];
    return { ...base, coverage, coverage_complete: false };
  })();

  test('the summary headline says both', () => {
    expect(summaryMarkdown(withGap, { action: 'disabled' }, '/tmp/r.json').split('\n')[0]).toBe(
      '## logging-tamper-guard: 🚨 Service logging was deleted or stopped (or someone tried) — and coverage is incomplete: 1 account and 1 account/region pair could not be read',
    );
  });

  test('findings meeting fail-on exit 1; otherwise the gap exits 3', () => {
    expect(exitCodeOf(withGap, 'success')).toBe(1);
    expect(exitCodeOf(withGap, 'never')).toBe(3);
    expect(exitCodeOf({ ...withGap, coverage_complete: true }, 'never')).toBe(0);
  });
});

describe('tables', () => {
  test('stop at the budget and say how many rows were left out', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [String(i), 'x'.repeat(100)]);
    const table = markdownTable(['n', 'v'], rows, { maxChars: 2_000 });
    expect(table.length).toBeLessThanOrEqual(2_000);
    const shown = table.split('\n').filter((line) => /^\| \d/.test(line)).length;
    expect(shown).toBeGreaterThan(0);
    expect(table).toContain(`_${50 - shown} more rows not shown; the JSON report has all of them._`);
  });

  test('refuse a raw pipe or line break in a cell', () => {
    expect(() => markdownTable(['a'], [['x | y']])).toThrow('unescaped table cell');
    expect(() => markdownTable(['a'], [['x\ny']])).toThrow('unescaped table cell');
  });
});
