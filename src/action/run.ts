import * as core from '@actions/core';
import type { ScanConfig } from '../config.js';
import { describeError } from '../errors.js';
import { createGitHubClient, parseRepository } from '../github/client.js';
import { describeGitHubError } from '../github/errors.js';
import { MAX_POSTS_PER_RUN } from '../github/issue-text.js';
import { syncTrackingIssue, type TrackingResult } from '../github/tracking-issue.js';
import { inlineCode } from '../report/escape.js';
import { findingCount, meetsFailOn, type Report, type ScanStatus } from '../report/model.js';
import { plural } from '../report/words.js';
import { scan } from '../scan.js';
import { annotationsFor, unreadPairs } from './annotations.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { writeReportFile } from './report-file.js';
import { githubWebHost, summaryMarkdown, type IssueOutcome } from './summary.js';

/**
 * The action: inputs -> scan (CloudTrail Event history) -> JSON report file
 * and outputs -> tracking issue -> job summary -> annotations -> verdict.
 * Every expected failure (bad input, AWS, GitHub) ends as one clear line.
 */
export async function run(): Promise<void> {
  let inputs: ActionInputs;
  try {
    inputs = readInputs();
  } catch (error) {
    core.setFailed(describeError(error));
    return;
  }
  if (inputs.githubToken !== '') core.setSecret(inputs.githubToken);

  let report: Report;
  try {
    const config: ScanConfig = { inputs: [], regions: inputs.regions, lookbackDays: inputs.lookbackDays, now: new Date() };
    if (inputs.accounts !== undefined) config.accounts = inputs.accounts;
    if (inputs.roleName !== undefined) config.roleName = inputs.roleName;
    if (inputs.externalId !== undefined) config.externalId = inputs.externalId;
    report = await scan(config);
  } catch (error) {
    const message = `Could not read AWS CloudTrail: ${describeError(error)}`;
    // A scan was attempted and read nothing it can vouch for: later steps
    // that branch on these outputs must not mistake the silence for clean.
    core.setOutput('status', 'incomplete' satisfies ScanStatus);
    core.setOutput('coverage-complete', false);
    await writeJobSummary(`## logging-tamper-guard: ❌ no scan\n\n${inlineCode(message, 1000)}\n`);
    core.setFailed(message);
    return;
  }

  // The verdict first: it stands even if the report file cannot be written.
  core.setOutput('status', report.status);
  core.setOutput('coverage-complete', report.coverage_complete);
  core.setOutput('findings', findingCount(report));
  core.setOutput('alerts', report.alerts.length);
  // Nor do the tracking issue, summary and annotations: a report file that
  // cannot be written (full disk, bad RUNNER_TEMP) is only a warning.
  let reportPath = 'not written (see the warning)';
  try {
    reportPath = await writeReportFile(report);
    core.setOutput('report', reportPath);
  } catch (error) {
    core.warning(`Could not write the JSON report file: ${describeError(error)}`);
  }

  const issue = inputs.createIssue ? await keepTrackingIssue(report, inputs) : ({ action: 'disabled' } as const);
  if (issue.action === 'created' || issue.action === 'commented') core.setOutput('issue-number', issue.issue);

  await writeJobSummary(summaryMarkdown(report, issue, reportPath, githubWebHost(process.env['GITHUB_SERVER_URL'])));

  for (const annotation of annotationsFor(report, inputs.failOn)) {
    (annotation.level === 'error' ? core.error : core.warning)(annotation.message, { title: annotation.title });
  }
  decide(report, inputs, issue);
}

async function keepTrackingIssue(report: Report, inputs: ActionInputs): Promise<IssueOutcome> {
  try {
    const repository = parseRepository(process.env['GITHUB_REPOSITORY']);
    const client = createGitHubClient(inputs.githubToken);
    const runUrl = workflowRunUrl(process.env);
    const result = await syncTrackingIssue(client, repository, report, { labels: inputs.issueLabels, ...(runUrl !== undefined ? { runUrl } : {}) });
    for (const warning of trackingWarnings(result)) core.warning(warning);
    if (result.action === 'created' || result.action === 'commented') core.info(`Tracking issue #${result.issue} ${result.action}: ${result.url}`);
    return result;
  } catch (error) {
    return { action: 'failed', error: describeGitHubError(error) };
  }
}

/** What a person must know about how the tracking issue was kept: labels GitHub dropped, events left for the next run. */
export function trackingWarnings(result: TrackingResult): string[] {
  if (result.action !== 'created' && result.action !== 'commented') return [];
  const warnings: string[] = [];
  if (result.labelsMissing.length > 0) {
    warnings.push(
      `Tracking issue #${result.issue} was opened without the label(s) ${result.labelsMissing.join(', ')}; ` +
        'create them in the repository, or the next run will not find this issue.',
    );
  }
  if (result.deferredEvents > 0) {
    warnings.push(
      `Tracking issue #${result.issue}: ${plural(result.deferredEvents, 'new event')} not reported in this run, ` +
        `which writes at most ${MAX_POSTS_PER_RUN} issue bodies and comments; the next run reports them (the most important went first).`,
    );
  }
  return warnings;
}

/** Link to this run, only when the runner's variables have their usual shape. */
export function workflowRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const server = env['GITHUB_SERVER_URL'] ?? 'https://github.com';
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  const runId = env['GITHUB_RUN_ID'] ?? '';
  if (!/^https?:\/\/[A-Za-z0-9.:-]+$/.test(server) || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository) || !/^\d+$/.test(runId)) return undefined;
  return `${server}/${repository}/actions/runs/${runId}`;
}

async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    // The findings still fail the job below; a lost summary is only a warning.
    core.warning(`Could not write the job summary: ${describeError(error)}`);
  }
}

/** Fails the job for findings that meet fail-on, for a coverage gap, and for a tracking issue that could not be kept. */
function decide(report: Report, inputs: ActionInputs, issue: IssueOutcome): void {
  const rows = findingCount(report);
  const failing = meetsFailOn(report, inputs.failOn);
  if (failing) {
    core.setFailed(
      `Service logging was deleted or stopped: ${rows} hunt row(s), ${report.alerts.length} rule alert(s) meet fail-on "${inputs.failOn}" (see the job summary)`,
    );
  }
  if (!report.coverage_complete) {
    core.setFailed(`Coverage incomplete, so the scan cannot vouch for these accounts/regions: ${unreadPairs(report)}`);
  }
  if (issue.action === 'failed') core.setFailed(`Tracking issue not updated: ${issue.error}`);
  if (report.coverage_complete && !failing) {
    core.info(`Status ${report.status}: ${rows} hunt row(s), ${report.alerts.length} rule alert(s); nothing meets fail-on "${inputs.failOn}".`);
  }
}
