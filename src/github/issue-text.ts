import type { HuntRow, RuleAlert } from '../detections/detection.js';
import { huntCategories, ruleCategories } from '../report/categories.js';
import type { AccountNames } from '../report/accounts.js';
import { inlineCode, inlineCodeList } from '../report/escape.js';
import { accountCodeList, alertsTable, firedDetections, huntRowsTable, nextSteps, outcomeText, when } from '../report/markdown.js';
import type { HuntResult, ScanWindow } from '../report/model.js';
import { plural } from '../report/words.js';
import { eventsMarker, TRACKING_MARKER } from './markers.js';
import { eventCount, keysOf, rowsOf, type NewFindings } from './new-findings.js';

/**
 * The tracking issue's title, body and follow-up comments: readable first
 * (who, what, where, when, outcome, counts, next steps), with the hidden
 * markers that let the next run find the issue and skip what it reported.
 */

/** GitHub rejects issue and comment bodies longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;
// Head room below the limit for anything GitHub counts differently.
const BODY_BUDGET = GITHUB_BODY_LIMIT - 1_024;
// A row's ids go into the hidden marker; a row of thousands of events is
// split so each part fits in one body.
const MAX_IDS_PER_ROW = 400;
/** Bodies one run may write (the issue's and comments); new events beyond them wait for the next run. */
export const MAX_POSTS_PER_RUN = 10;

export interface IssueContext {
  window: ScanWindow;
  /** Link to the workflow run, when known. */
  runUrl?: string;
  /** Names shown next to account ids (from the report's coverage; alerts carry their own). */
  accountNames?: AccountNames;
}

export interface ComposedText {
  body: string;
  /** The findings this text reports; its event keys are in the body's marker. */
  reported: NewFindings;
  /** New events left for the next run because one body cannot hold them all. */
  deferredEvents: number;
}

export interface ComposedPost {
  body: string;
  /** The findings this body reports; its event keys are in the body's marker. */
  reported: NewFindings;
}

export interface ComposedPosts {
  /** Bodies in the order to write them: the new issue's (when opening one), then comments. */
  posts: ComposedPost[];
  /** Everything the posts report together. */
  reported: NewFindings;
  /** New events (with a finding) in no post, left for the next run: more than `maxPosts` bodies would be needed. */
  deferredEvents: number;
}

/** Action names come from the detections' fixed lists; anything else is dropped from the title. */
const titleWord = (value: string): string => value.replace(/[^A-Za-z0-9]/g, '');

export function issueTitle(findings: NewFindings): string {
  const actions = [...new Set([...rowsOf(findings).map((row) => row['event.action']), ...findings.alerts.map((alert) => alert['event.action'])])]
    .map(titleWord)
    .filter((word) => word !== '')
    .sort();
  const deleted = findings.alerts.length > 0 || rowsOf(findings).some((row) => row['event.outcome'] === 'success');
  const head = deleted ? 'AWS service logging deleted or stopped' : 'Attempts to delete or stop AWS service logging';
  return `${head}: ${actions.join(', ')}`.slice(0, 200);
}

// Rule alerts first, then logging actually deleted or stopped, then failed attempts.
function overview(findings: NewFindings, names: AccountNames): string {
  const lines = ruleCategories(findings.alerts).map(
    (category) =>
      `- Rule **${category.name}** (severity ${category.severity}): ${plural(category.alerts, 'alert')} by ${inlineCodeList(category.principals, 3)}`,
  );
  // huntCategories already puts actual deletions before failed attempts.
  for (const category of huntCategories(rowsOf(findings))) {
    lines.push(
      `- ${inlineCode(category.action)} on ${inlineCode(category.provider)}: ${outcomeText(category.outcome)}, ` +
        `${plural(category.events, 'event')} by ${inlineCodeList(category.principals, 3)} ` +
        `in account ${accountCodeList(category.accounts, names, 3)}, region ${inlineCodeList(category.regions, 3)}, ` +
        `${when(category.firstSeen)}${category.lastSeen !== category.firstSeen ? ` to ${when(category.lastSeen)}` : ''}`,
    );
  }
  return lines.join('\n');
}

function tables(findings: NewFindings, names: AccountNames): string {
  const parts: string[] = [];
  if (findings.alerts.length > 0) {
    parts.push('### Rule alerts');
    parts.push(alertsTable(findings.alerts, {}, names));
  }
  const options = { eventIds: true, accountNames: names };
  for (const hunt of findings.hunts) {
    parts.push(`### Who, what, where, when (hunt: ${hunt.name})`);
    parts.push(huntRowsTable(hunt.rows, {}, options));
  }
  return parts.join('\n\n');
}

const namesOf = (context: IssueContext): AccountNames => context.accountNames ?? new Map();

const windowText = (window: ScanWindow): string => `${when(window.start)} and ${when(window.end)} (UTC)`;

const runLink = (context: IssueContext): string =>
  context.runUrl !== undefined ? `[this workflow run](${context.runUrl})` : 'a workflow run';

/**
 * What follows a body's tables when events remain: a later comment of this
 * run, or the next run. The second is the longer text: bodies are fitted with
 * it, so swapping in the first never makes a body too long.
 */
const deferredNote = (remaining: number): string =>
  remaining > 0 ? `\n\n_${plural(remaining, 'more new event')} did not fit and will be reported by the next run._` : '';
const continuedNote = (remaining: number): string => `\n\n_Continued in the next comment (${plural(remaining, 'more new event')})._`;

function renderBody(findings: NewFindings, context: IssueContext, note: string): string {
  const count = eventCount(findings);
  return [
    TRACKING_MARKER,
    `## 🚨 ${issueTitle(findings)}`,
    `CloudTrail recorded **${plural(count, 'event')}** between ${windowText(context.window)} that deleted or stopped service logging, or tried to:`,
    overview(findings, namesOf(context)),
    tables(findings, namesOf(context)) + note,
    '### Next steps',
    nextSteps(firedDetections(findings)),
    '---',
    `<sub>Opened by logging-tamper-guard from ${runLink(context)}. Later findings are added as comments. ` +
      'Events listed in this issue or in any closed tracking issue are not reported again; close this issue once investigated and the next finding opens a new one.</sub>',
    eventsMarker(keysOf(findings)),
  ].join('\n\n');
}

function renderComment(findings: NewFindings, context: IssueContext, note: string): string {
  return [
    `### ${plural(eventCount(findings), 'new event')} (found by ${runLink(context)})`,
    `Between ${windowText(context.window)}:`,
    overview(findings, namesOf(context)),
    tables(findings, namesOf(context)) + note,
    'The next steps in the issue description apply.',
    eventsMarker(keysOf(findings)),
  ].join('\n\n');
}

type Hunt = Omit<HuntResult, 'rows'>;
type Item = { hunt: Hunt; row: HuntRow } | { alert: RuleAlert };

// Rule alerts, then hunt rows whose logging was actually deleted or stopped,
// then failed attempts; newest first within each.
const rank = (item: Item): number => ('alert' in item ? 0 : item.row['event.outcome'] === 'success' ? 1 : 2);
const timeOf = (item: Item): string => ('alert' in item ? item.alert['@timestamp'] : item.row.last_seen);
const byImportance = (a: Item, b: Item): number => rank(a) - rank(b) || (timeOf(a) < timeOf(b) ? 1 : timeOf(a) > timeOf(b) ? -1 : 0);

/** The findings as items, most important first; rows with very many events split into parts whose ids fit in one marker. */
function items(findings: NewFindings): Item[] {
  const list: Item[] = [];
  for (const { rows, ...hunt } of findings.hunts) {
    for (const row of rows) {
      const idless = row.service_logging_delete_count - row.event_ids.length;
      if (row.event_ids.length <= MAX_IDS_PER_ROW) {
        list.push({ hunt, row });
        continue;
      }
      for (let start = 0; start < row.event_ids.length; start += MAX_IDS_PER_ROW) {
        const ids = row.event_ids.slice(start, start + MAX_IDS_PER_ROW);
        const last = start + MAX_IDS_PER_ROW >= row.event_ids.length;
        list.push({ hunt, row: { ...row, event_ids: ids, service_logging_delete_count: ids.length + (last ? idless : 0) } });
      }
    }
  }
  for (const alert of findings.alerts) list.push({ alert });
  return list.sort(byImportance);
}

function subset(list: readonly Item[]): NewFindings {
  const hunts = new Map<string, HuntResult>();
  const alerts: RuleAlert[] = [];
  for (const item of list) {
    if ('alert' in item) {
      alerts.push(item.alert);
      continue;
    }
    const hunt = hunts.get(item.hunt.id) ?? { ...item.hunt, rows: [] };
    hunt.rows.push(item.row);
    hunts.set(item.hunt.id, hunt);
  }
  return { hunts: [...hunts.values()], alerts };
}

type Render = (part: NewFindings, note: string) => string;

/**
 * How many of the first items one body holds (at least one), found by
 * bisection; the body is measured with the note naming what is left.
 */
function fitCount(list: readonly Item[], render: Render): number {
  const fits = (count: number): boolean =>
    render(subset(list.slice(0, count)), deferredNote(eventCount(subset(list.slice(count))))).length <= BODY_BUDGET;
  if (fits(list.length)) return list.length;
  let low = 2;
  let high = list.length - 1;
  let best = 1;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) {
      best = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

export interface ComposeOptions {
  /** The first body opens the tracking issue; the others are comments on it. */
  newIssue: boolean;
  /** At most this many bodies (default MAX_POSTS_PER_RUN). */
  maxPosts?: number;
}

/**
 * The bodies that report `findings`, most important first (see byImportance):
 * as many as needed, each within GitHub's limit, up to `maxPosts`; what is
 * left after those is deferred to the next run, which sees it as new.
 */
export function composePosts(findings: NewFindings, context: IssueContext, options: ComposeOptions): ComposedPosts {
  const maxPosts = Math.max(1, options.maxPosts ?? MAX_POSTS_PER_RUN);
  const renderer = (index: number): Render =>
    index === 0 && options.newIssue ? (part, note) => renderBody(part, context, note) : (part, note) => renderComment(part, context, note);
  const parts: Item[][] = [];
  let rest = items(findings);
  while (rest.length > 0 && parts.length < maxPosts) {
    const count = fitCount(rest, renderer(parts.length));
    parts.push(rest.slice(0, count));
    rest = rest.slice(count);
  }
  const posts = parts.map((part, index): ComposedPost => {
    const reported = subset(part);
    const remaining = eventCount(subset([...parts.slice(index + 1).flat(), ...rest]));
    const note = remaining === 0 ? '' : index < parts.length - 1 ? continuedNote(remaining) : deferredNote(remaining);
    return { body: renderer(index)(reported, note), reported };
  });
  return { posts, reported: subset(parts.flat()), deferredEvents: eventCount(subset(rest)) };
}

function single(findings: NewFindings, context: IssueContext, newIssue: boolean): ComposedText {
  const composed = composePosts(findings, context, { newIssue, maxPosts: 1 });
  const post = composed.posts[0] ?? { body: '', reported: { hunts: [], alerts: [] } };
  return { ...post, deferredEvents: composed.deferredEvents };
}

/** One issue body: as many findings as it holds, most important first. */
export function composeIssueBody(findings: NewFindings, context: IssueContext): ComposedText {
  return single(findings, context, true);
}

/** One comment: as many findings as it holds, most important first. */
export function composeComment(findings: NewFindings, context: IssueContext): ComposedText {
  return single(findings, context, false);
}
