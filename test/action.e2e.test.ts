import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHubClient } from '../src/github/client.js';
import { readEventIds } from '../src/github/markers.js';
import { startAwsEmulator, type AwsEmulator } from './emulators/aws.js';
import { READ_TOKEN, startGitHubFake, WRITE_TOKEN, type GitHubFake } from './emulators/github.js';
import { cloudTrailRecord } from './emulators/records.js';
import { runAction } from './helpers/action-runner.js';

/**
 * The action as the runner starts it: `node dist/index.js` (build first: CI
 * runs `npm run build` before the tests) against the loopback AWS emulator
 * and GitHub fake, over real HTTP.
 */
const ACCOUNT = '111122223333';
const REGIONS = ['eu-west-1', 'us-east-1'];
// Event times relative to the scan's own clock (the action scans up to "now").
const hoursAgo = (hours: number): string => new Date(Date.now() - hours * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
const event = (eventName: string, eventID: string, hours: number, region = 'us-east-1', extra: { errorCode?: string } = {}) =>
  cloudTrailRecord({ eventName, eventID, eventTime: hoursAgo(hours), account: ACCOUNT, region, ...extra });

describe('the action (dist/index.js) end to end', () => {
  let aws: AwsEmulator;
  let github: GitHubFake;
  const env = () => ({ ...aws.env(ACCOUNT), GITHUB_API_URL: github.url, GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '7', GITHUB_SERVER_URL: 'https://github.com' });
  const withIssue = { 'create-issue': 'true', 'github-token': WRITE_TOKEN };
  const writes = () => github.writes().map((request) => `${request.method} ${request.path}`);

  beforeAll(async () => {
    aws = await startAwsEmulator({ accounts: [{ id: ACCOUNT, regions: REGIONS }] });
    github = await startGitHubFake();
    aws.addRecords(ACCOUNT, 'us-east-1', [
      event('StopLogging', 'evt-stop', 30),
      event('DeleteResolverQueryLogConfig', 'evt-resolver', 20),
      event('DescribeInstances', 'evt-noise', 10),
    ]);
    aws.addRecords(ACCOUNT, 'eu-west-1', [event('DeleteFlowLogs', 'evt-flow-denied', 5, 'eu-west-1', { errorCode: 'AccessDenied' })]);
  });
  afterAll(async () => {
    await aws?.close();
    await github?.close();
  });

  test('findings fail the job, write the summary, outputs and report, and open one tracking issue', async () => {
    const run = await runAction(withIssue, env());

    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'findings', 'coverage-complete': 'true', findings: '3', alerts: '1', 'issue-number': '1' });
    const report = JSON.parse(await readFile(run.outputs['report']!, 'utf8')) as { status: string; coverage: unknown[]; alerts: { event_id: string }[] };
    expect(report.status).toBe('findings');
    expect(report.coverage).toEqual([
      expect.objectContaining({ account: ACCOUNT, region: 'eu-west-1', status: 'ok' }),
      expect.objectContaining({ account: ACCOUNT, region: 'us-east-1', status: 'ok' }),
    ]);
    expect(report.alerts.map((alert) => alert.event_id)).toEqual(['evt-resolver']);

    expect(run.summary).toContain('## logging-tamper-guard: 🚨 Service logging was deleted or stopped');
    expect(run.summary).toContain('| <code>111122223333</code> | 2: <code>eu&#45;west&#45;1</code>, <code>us&#45;east&#45;1</code> | — |');
    expect(run.summary).toContain('<code>StopLogging</code> on <code>cloudtrail&#46;amazonaws&#46;com</code>');
    expect(run.summary).toContain('### Next steps');
    expect(run.summary).toContain('Tracking issue: [#1](https://github.com/acme/infra/issues/1) opened (3 new events)');

    // One annotation per kind of finding; failed attempts warn under fail-on: success.
    const annotations = run.commands.filter((c) => c.command === 'error' || c.command === 'warning');
    expect(annotations.map((c) => `${c.command} ${c.properties}`.trim())).toEqual([
      'error title=Service logging deleted or stopped',
      'error title=Service logging deleted or stopped',
      'warning title=Attempt to delete or stop service logging',
      'error title=Route53 Resolver Query Log Configuration Deleted (severity medium)',
      'error',
    ]);
    expect(annotations.at(-1)?.message).toBe('Service logging was deleted or stopped: 3 hunt row(s), 1 rule alert(s) meet fail-on "success" (see the job summary)');
    expect(run.stdout).toContain(`::add-mask::${WRITE_TOKEN}`);

    expect(writes()).toEqual(['POST /repos/acme/infra/issues']);
    const issue = github.issues[0]!;
    expect(issue.labels).toEqual(['security', 'logging-tamper']);
    expect(issue.title).toBe('AWS service logging deleted or stopped: DeleteFlowLogs, DeleteResolverQueryLogConfig, StopLogging');
    expect(issue.body).toContain('[this workflow run](https://github.com/acme/infra/actions/runs/7)');
    expect(readEventIds(issue.body).sort()).toEqual(['alert:route53-resolver-query-log-configuration-deleted:evt-resolver', 'evt-flow-denied', 'evt-resolver', 'evt-stop']);
  });

  test('the same scan again opens no issue and adds no comment', async () => {
    const run = await runAction(withIssue, env());

    expect(run.code).toBe(1);
    expect(run.outputs['issue-number']).toBeUndefined();
    expect(run.summary).toContain('every finding was already reported (open issue #1); nothing was written');
    expect(writes()).toEqual(['POST /repos/acme/infra/issues']);
  });

  test('one more event adds exactly one comment, naming only it', async () => {
    aws.addRecords(ACCOUNT, 'eu-west-1', [event('DeleteTrail', 'evt-trail', 2, 'eu-west-1')]);

    const run = await runAction(withIssue, env());

    expect(run.code).toBe(1);
    expect(run.outputs['issue-number']).toBe('1');
    expect(writes()).toEqual(['POST /repos/acme/infra/issues', 'POST /repos/acme/infra/issues/1/comments']);
    const comment = github.commentsOn(1)[0]!;
    expect(readEventIds(comment.body)).toEqual(['evt-trail']);
    expect(comment.body).toContain('<code>DeleteTrail</code>');
    expect(comment.body).not.toContain('StopLogging');
    expect(comment.body).not.toContain('DeleteResolverQueryLogConfig');
  });

  test('events of a closed tracking issue are not reported again; a new event opens a new issue', async () => {
    await createGitHubClient(WRITE_TOKEN, github.url).rest.issues.update({ owner: 'acme', repo: 'infra', issue_number: 1, state: 'closed' });
    const before = writes().length;

    const again = await runAction(withIssue, env());
    expect(again.code).toBe(1);
    expect(writes()).toHaveLength(before);
    expect(again.summary).toContain('every finding was already reported (in closed tracking issues)');

    aws.addRecords(ACCOUNT, 'us-east-1', [event('StopLogging', 'evt-stop-2', 1)]);
    const next = await runAction(withIssue, env());
    expect(next.outputs['issue-number']).toBe('2');
    expect(writes().slice(before)).toEqual(['POST /repos/acme/infra/issues']);
    expect(readEventIds(github.issues[1]?.body)).toEqual(['evt-stop-2']);
  });

  test('fail-on: never passes with findings and still reports them', async () => {
    const requests = github.requests.length;
    const run = await runAction({ 'fail-on': 'never' }, env());

    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'findings', findings: '5', alerts: '1' });
    expect(run.commands.filter((c) => c.command === 'error')).toEqual([]);
    // Four kinds of hunt rows and one rule: five annotations, all warnings.
    expect(run.commands.filter((c) => c.command === 'warning')).toHaveLength(5);
    expect(run.summary).toContain('Tracking issue: off');
    expect(github.requests).toHaveLength(requests);
  });

  test('a token without issues: write: one clear line, and the findings still fail the job', async () => {
    aws.addRecords(ACCOUNT, 'us-east-1', [event('StopLogging', 'evt-stop-3', 1)]);
    const run = await runAction({ 'create-issue': 'true', 'github-token': READ_TOKEN }, env());

    expect(run.code).toBe(1);
    expect(run.outputs['issue-number']).toBeUndefined();
    const errors = run.commands.filter((c) => c.command === 'error' && c.properties === '').map((c) => c.message);
    expect(errors).toEqual([
      'Service logging was deleted or stopped: 5 hunt row(s), 1 rule alert(s) meet fail-on "success" (see the job summary)',
      'Tracking issue not updated: GitHub API POST /repos/acme/infra/issues/2/comments failed with 403 (Resource not accessible by integration): ' +
        'the token may not write issues; add "permissions: issues: write" to the job, or set create-issue: false',
    ]);
  });

  test('a report file that cannot be written is one warning; the tracking issue, summary and annotations still follow', async () => {
    // evt-stop-3 is still unreported: the token above could not write it.
    const notADirectory = join(await mkdtemp(join(tmpdir(), 'ltg-temp-')), 'a-file');
    await writeFile(notADirectory, '');
    const before = writes().length;

    const run = await runAction(withIssue, { ...env(), RUNNER_TEMP: notADirectory });

    expect(run.code).toBe(1);
    const warnings = run.commands.filter((c) => c.command === 'warning' && c.properties === '').map((c) => c.message);
    expect(warnings).toEqual([expect.stringMatching(/^Could not write the JSON report file: .*ENOTDIR/)]);
    expect(run.outputs).toMatchObject({ status: 'findings', 'coverage-complete': 'true', findings: '5', alerts: '1', 'issue-number': '2' });
    expect(run.outputs['report']).toBeUndefined();
    expect(writes().slice(before)).toEqual(['POST /repos/acme/infra/issues/2/comments']);
    expect(readEventIds(github.commentsOn(2).at(-1)?.body)).toEqual(['evt-stop-3']);
    expect(run.summary).toContain('Tracking issue: [#2](https://github.com/acme/infra/issues/2#issuecomment-');
    expect(run.summary).toContain('updated (1 new event).');
    expect(run.commands.filter((c) => c.command === 'error' && c.properties.startsWith('title='))).not.toHaveLength(0);
    expect(run.commands.filter((c) => c.command === 'error' && c.properties === '').map((c) => c.message)).toEqual([
      'Service logging was deleted or stopped: 5 hunt row(s), 1 rule alert(s) meet fail-on "success" (see the job summary)',
    ]);
  });

  test('a region that cannot be read fails the job, naming the pair; the findings of the others still say findings', async () => {
    aws.denyRegion(ACCOUNT, 'eu-west-1');
    const run = await runAction({ 'fail-on': 'never', regions: 'eu-west-1, us-east-1' }, env());

    expect(run.code).toBe(1);
    // us-east-1 holds deletions: a workflow paging on status == 'findings' must still page.
    expect(run.outputs).toMatchObject({ status: 'findings', 'coverage-complete': 'false' });
    const report = JSON.parse(await readFile(run.outputs['report']!, 'utf8')) as { status: string; coverage_complete: boolean };
    expect(report).toMatchObject({ status: 'findings', coverage_complete: false });
    const failure = run.commands.filter((c) => c.command === 'error').map((c) => c.message);
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatch(/^Coverage incomplete, so the scan cannot vouch for these accounts\/regions: 111122223333\/eu-west-1 \(.*AccessDenied/);
    expect(run.summary).toContain(
      '## logging-tamper-guard: 🚨 Service logging was deleted or stopped (or someone tried) — and coverage is incomplete: 1 account/region pair could not be read',
    );
    expect(run.summary).toMatch(/\| 1: <code>us&#45;east&#45;1<\/code> \| <code>eu&#45;west&#45;1<\/code> \(<code>.*AccessDenied/);
  });

  test('a region that cannot be read, with nothing found elsewhere: status incomplete and the job fails', async () => {
    // eu-west-1 is still denied from the test above; it is the only region asked for.
    const run = await runAction({ regions: 'eu-west-1' }, env());

    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'incomplete', 'coverage-complete': 'false', findings: '0', alerts: '0' });
    const report = JSON.parse(await readFile(run.outputs['report']!, 'utf8')) as { status: string; coverage: unknown[] };
    expect(report.status).toBe('incomplete');
    expect(report.coverage).toEqual([expect.objectContaining({ account: ACCOUNT, region: 'eu-west-1', status: 'error' })]);
    const failure = run.commands.filter((c) => c.command === 'error').map((c) => c.message);
    expect(failure).toEqual([expect.stringMatching(/^Coverage incomplete, so the scan cannot vouch for these accounts\/regions: 111122223333\/eu-west-1 /)]);
  });

  test('a bad input stops the run with one line before reading AWS', async () => {
    const calls = aws.stats.lookupEvents + aws.stats.getCallerIdentity;
    const run = await runAction({ 'lookback-days': '120' }, env());

    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toBe('::error::Input "lookback-days": must be at most 90 (CloudTrail Event history keeps 90 days)');
    expect(aws.stats.lookupEvents + aws.stats.getCallerIdentity).toBe(calls);
    // No scan was attempted: there is no verdict to report.
    expect(run.outputs).toEqual({});
  });

  test('AWS credentials that do not work: one clear line', async () => {
    const run = await runAction({}, { ...env(), AWS_ACCESS_KEY_ID: 'AKIANOTKNOWN', AWS_SECRET_ACCESS_KEY: 'x' });

    expect(run.code).toBe(1);
    const errors = run.commands.filter((c) => c.command === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^Could not read AWS CloudTrail: .*InvalidClientTokenId/);
    // The scan was attempted and vouches for nothing: later steps must not read the silence as clean.
    expect(run.outputs).toEqual({ status: 'incomplete', 'coverage-complete': 'false' });
    expect(run.summary).toContain('## logging-tamper-guard: ❌ no scan');
  });

  // Last: the emulator has no way to allow DescribeRegions again.
  test('regions that cannot be listed make the scan incomplete, with a report, not "no scan"', async () => {
    aws.denyDescribeRegions(ACCOUNT);
    const run = await runAction({ 'fail-on': 'never' }, env());

    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('incomplete');
    const report = JSON.parse(await readFile(run.outputs['report']!, 'utf8')) as { status: string; coverage: unknown[] };
    expect(report.status).toBe('incomplete');
    expect(report.coverage).toEqual([
      expect.objectContaining({ account: ACCOUNT, region: '*', status: 'error', error: expect.stringMatching(/ec2:DescribeRegions.*UnauthorizedOperation/) }),
    ]);
    expect(run.summary).not.toContain('no scan');
  });
});
