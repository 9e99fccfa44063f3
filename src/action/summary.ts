import { inlineCode } from '../report/escape.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../report/model.js';
import { plural } from '../report/words.js';
import type { TrackingResult } from '../github/tracking-issue.js';

/**
 * The job summary: the Markdown report (the CLI's --format markdown) plus
 * where the tracking issue and JSON report are. Tables are capped so the
 * summary stays under GitHub's 1 MiB limit per step.
 */
export type IssueOutcome = TrackingResult | { action: 'failed'; error: string } | { action: 'disabled' };

/** Where GitHub's web pages are, as the runner says (GITHUB_SERVER_URL); github.com when it does not say or says something odd. */
export function githubWebHost(serverUrl: string | undefined): string {
  if (serverUrl === undefined || !/^https?:\/\/[A-Za-z0-9.:-]+\/?$/.test(serverUrl)) return 'github.com';
  return new URL(serverUrl).host;
}

// Characters a GitHub web URL of an issue or comment is made of: none of them
// can end a Markdown link target or start markup (no spaces, parentheses,
// angle brackets, brackets, quotes, backslashes or backticks).
const LINK_SAFE = /^[A-Za-z0-9._~:/?#%&=+-]+$/;

/**
 * The API's `html_url` as a link target, or undefined when it is not an
 * https URL on GitHub's web host made of plain URL characters. It comes from
 * whatever answered the API call, so it is checked like any other input
 * before it goes into Markdown.
 */
export function safeGitHubUrl(url: string, webHost: string): string | undefined {
  if (!LINK_SAFE.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'https:' && parsed.host.toLowerCase() === webHost.toLowerCase() ? url : undefined;
}

export function issueLine(outcome: IssueOutcome, webHost = 'github.com'): string {
  switch (outcome.action) {
    case 'disabled':
      return 'Tracking issue: off (set `create-issue: true` to keep one).';
    case 'none':
      return 'Tracking issue: nothing to report.';
    case 'unchanged':
      return `Tracking issue: every finding was already reported${outcome.issue !== undefined ? ` (open issue #${outcome.issue})` : ' (in closed tracking issues)'}; nothing was written.`;
    case 'created':
    case 'commented': {
      const verb = outcome.action === 'created' ? 'opened' : 'updated';
      const deferred = outcome.deferredEvents > 0 ? ` ${plural(outcome.deferredEvents, 'more event')} will follow in the next run.` : '';
      const url = safeGitHubUrl(outcome.url, webHost);
      const issue = url !== undefined ? `[#${outcome.issue}](${url})` : `#${outcome.issue}`;
      return `Tracking issue: ${issue} ${verb} (${plural(outcome.newEvents, 'new event')}).${deferred}`;
    }
    case 'failed':
      return `Tracking issue: **not updated**: ${inlineCode(outcome.error, 400)}`;
  }
}

/** `webHost`: GitHub's web host (see githubWebHost); the issue is linked only on it. */
export function summaryMarkdown(report: Report, issue: IssueOutcome, reportPath: string, webHost = 'github.com'): string {
  const markdown = renderMarkdown(report, { headingLevel: 2, tableLimits: { maxRows: 500, maxChars: 250_000 } });
  return `${markdown}\n---\n\n${issueLine(issue, webHost)}<br>\nJSON report: ${inlineCode(reportPath, 300)} (output \`report\`).\n`;
}
