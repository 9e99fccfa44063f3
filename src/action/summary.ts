import { inlineCode } from '../report/escape.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../report/model.js';
import type { TrackingResult } from '../github/tracking-issue.js';

/**
 * The job summary: the Markdown report (the CLI's --format markdown) plus
 * where the tracking issue and JSON report are. Tables are capped so the
 * summary stays under GitHub's 1 MiB limit per step.
 */
export type IssueOutcome = TrackingResult | { action: 'failed'; error: string } | { action: 'disabled' };

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

export function issueLine(outcome: IssueOutcome): string {
  switch (outcome.action) {
    case 'disabled':
      return 'Tracking issue: off (set `create-issue: true` to keep one).';
    case 'none':
      return 'Tracking issue: nothing to report.';
    case 'unchanged':
      return `Tracking issue: every finding was already reported${outcome.issue !== undefined ? ` (open issue #${outcome.issue})` : ' (in closed tracking issues)'}; nothing was written.`;
    case 'created':
    case 'commented': {
      const verb = outcome.action === 'created' ? 'opened' : 'updated with a comment';
      const deferred = outcome.deferredEvents > 0 ? ` ${plural(outcome.deferredEvents, 'more event')} will follow in the next run.` : '';
      return `Tracking issue: [#${outcome.issue}](${outcome.url}) ${verb} (${plural(outcome.newEvents, 'new event')}).${deferred}`;
    }
    case 'failed':
      return `Tracking issue: **not updated**: ${inlineCode(outcome.error, 400)}`;
  }
}

export function summaryMarkdown(report: Report, issue: IssueOutcome, reportPath: string): string {
  const markdown = renderMarkdown(report, { headingLevel: 2, tableLimits: { maxRows: 500, maxChars: 250_000 } });
  return `${markdown}\n---\n\n${issueLine(issue)}<br>\nJSON report: ${inlineCode(reportPath, 300)} (output \`report\`).\n`;
}
