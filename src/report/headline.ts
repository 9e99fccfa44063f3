import { isWholeAccount } from './accounts.js';
import type { CoverageEntry, Report, ScanStats } from './model.js';
import { plural } from './words.js';

/**
 * The one-line verdict every renderer leads with (Markdown, text, job
 * summary). Findings and a coverage gap are independent facts: when both
 * hold, the headline says both, so neither hides the other. Only fixed text
 * and counts: safe as Markdown and as terminal text.
 */

/**
 * What happened to the records read, after "read N records": the same words in
 * every rendering. The region filter's count shows only when `--regions`
 * filtered file input.
 */
export function statsTail(stats: ScanStats): string {
  const outsideRegions = stats.records_outside_regions > 0 ? `${stats.records_outside_regions} outside the listed regions, ` : '';
  return (
    `${stats.events_matched} in scope, ${stats.records_outside_window} outside the window, ${outsideRegions}` +
    `${stats.duplicates_dropped} duplicates dropped, ${stats.records_skipped} skipped as malformed`
  );
}

/** `2 account/region pairs could not be read`; an account not read at all (region `*`) counts as an account. */
function unreadCoverageText(coverage: readonly CoverageEntry[]): string {
  const unread = coverage.filter((entry) => entry.status === 'error');
  const wholeAccounts = unread.filter(isWholeAccount).length;
  const pairs = unread.length - wholeAccounts;
  const parts: string[] = [];
  if (wholeAccounts > 0) parts.push(plural(wholeAccounts, 'account'));
  if (pairs > 0) parts.push(plural(pairs, 'account/region pair'));
  return `${parts.join(' and ')} could not be read`;
}

export type HeadlineTone = 'alarm' | 'warning' | 'ok';

interface Headline {
  tone: HeadlineTone;
  text: string;
}

export function headlineOf(report: Pick<Report, 'status' | 'coverage_complete' | 'coverage'>): Headline {
  const gap = report.coverage_complete ? undefined : unreadCoverageText(report.coverage);
  switch (report.status) {
    case 'findings':
      return {
        tone: 'alarm',
        text: `Service logging was deleted or stopped (or someone tried)${gap !== undefined ? ` — and coverage is incomplete: ${gap}` : ''}`,
      };
    case 'incomplete':
      return { tone: 'warning', text: `Coverage incomplete: ${gap ?? 'some accounts or regions could not be read'}` };
    case 'clean':
      return { tone: 'ok', text: 'No deleted or stopped service logging found' };
  }
}
