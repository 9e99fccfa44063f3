import type { HuntRow, RuleAlert } from '../detections/detection.js';
import { huntCategories, ruleCategories } from '../report/categories.js';
import type { AccountNames } from '../report/accounts.js';
import { inlineCode, inlineCodeList } from '../report/escape.js';
import {
  accountCodeList,
  ALERT_HEADERS,
  alertCells,
  firedDetections,
  huntRowCells,
  huntRowHeaders,
  nextSteps,
  outcomeText,
  when,
} from '../report/markdown.js';
import type { HuntResult, ScanWindow } from '../report/model.js';
import { markdownTable } from '../report/table.js';
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

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

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

function overview(findings: NewFindings, names: AccountNames): string {
  const lines = huntCategories(rowsOf(findings)).map(
    (category) =>
      `- ${inlineCode(category.action)} on ${inlineCode(category.provider)}: ${outcomeText(category.outcome)}, ` +
      `${plural(category.events, 'event')} by ${inlineCodeList(category.principals, 3)} ` +
      `in account ${accountCodeList(category.accounts, names, 3)}, region ${inlineCodeList(category.regions, 3)}, ` +
      `${when(category.firstSeen)}${category.lastSeen !== category.firstSeen ? ` to ${when(category.lastSeen)}` : ''}`,
  );
  for (const category of ruleCategories(findings.alerts)) {
    lines.push(
      `- Rule **${category.name}** (severity ${category.severity}): ${plural(category.alerts, 'alert')} by ${inlineCodeList(category.principals, 3)}`,
    );
  }
  return lines.join('\n');
}

function tables(findings: NewFindings, names: AccountNames): string {
  const parts: string[] = [];
  const options = { eventIds: true, accountNames: names };
  for (const hunt of findings.hunts) {
    parts.push(`### Who, what, where, when (hunt: ${hunt.name})`);
    parts.push(markdownTable(huntRowHeaders(options), hunt.rows.map((row) => huntRowCells(row, options))));
  }
  if (findings.alerts.length > 0) {
    parts.push('### Rule alerts');
    parts.push(markdownTable(ALERT_HEADERS, findings.alerts.map((alert) => alertCells(alert, names))));
  }
  return parts.join('\n\n');
}

const namesOf = (context: IssueContext): AccountNames => context.accountNames ?? new Map();

const windowText = (window: ScanWindow): string => `${when(window.start)} and ${when(window.end)} (UTC)`;

const runLink = (context: IssueContext): string =>
  context.runUrl !== undefined ? `[this workflow run](${context.runUrl})` : 'a workflow run';

const deferredNote = (deferred: number): string =>
  deferred > 0 ? `\n\n_${plural(deferred, 'more new event')} did not fit and will be reported by the next run._` : '';

function renderBody(findings: NewFindings, context: IssueContext, deferred: number): string {
  const count = eventCount(findings);
  return [
    TRACKING_MARKER,
    `## 🚨 ${issueTitle(findings)}`,
    `CloudTrail recorded **${plural(count, 'event')}** between ${windowText(context.window)} that deleted or stopped service logging, or tried to:`,
    overview(findings, namesOf(context)),
    tables(findings, namesOf(context)) + deferredNote(deferred),
    '### Next steps',
    nextSteps(firedDetections(findings)),
    '---',
    `<sub>Opened by logging-tamper-guard from ${runLink(context)}. Later findings are added as comments. ` +
      'Events listed in this issue or in any closed tracking issue are not reported again; close this issue once investigated and the next finding opens a new one.</sub>',
    eventsMarker(keysOf(findings)),
  ].join('\n\n');
}

function renderComment(findings: NewFindings, context: IssueContext, deferred: number): string {
  return [
    `### ${plural(eventCount(findings), 'new event')} (found by ${runLink(context)})`,
    `Between ${windowText(context.window)}:`,
    overview(findings, namesOf(context)),
    tables(findings, namesOf(context)) + deferredNote(deferred),
    'The next steps in the issue description apply.',
    eventsMarker(keysOf(findings)),
  ].join('\n\n');
}

type Hunt = Omit<HuntResult, 'rows'>;
type Item = { hunt: Hunt; row: HuntRow } | { alert: RuleAlert };

/** Rows with very many events split into parts whose ids fit in one marker. */
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
  return list;
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

/**
 * Renders as many findings as one body can hold (rows first, then alerts),
 * finding the largest prefix that fits by bisection; the rest is deferred to
 * the next run, which will see those events as new.
 */
function fit(findings: NewFindings, render: (part: NewFindings, deferred: number) => string): ComposedText {
  const list = items(findings);
  const total = eventCount(findings);
  const compose = (count: number): ComposedText => {
    const reported = subset(list.slice(0, count));
    const deferred = total - eventCount(reported);
    return { body: render(reported, deferred), reported, deferredEvents: deferred };
  };
  const all = compose(list.length);
  if (all.body.length <= BODY_BUDGET) return all;
  let low = 1;
  let high = list.length - 1;
  let best = compose(1);
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const candidate = compose(middle);
    if (candidate.body.length <= BODY_BUDGET) {
      best = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

export function composeIssueBody(findings: NewFindings, context: IssueContext): ComposedText {
  return fit(findings, (part, deferred) => renderBody(part, context, deferred));
}

export function composeComment(findings: NewFindings, context: IssueContext): ComposedText {
  return fit(findings, (part, deferred) => renderComment(part, context, deferred));
}
