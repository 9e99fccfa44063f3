import { annotationsFor, unreadPairs } from '../src/action/annotations.js';
import { summaryMarkdown } from '../src/action/summary.js';
import { ScanEngine, windowEndingAt } from '../src/engine.js';
import { composeIssueBody } from '../src/github/issue-text.js';
import { selectNew } from '../src/github/new-findings.js';
import { accountNamesOf } from '../src/report/accounts.js';
import { inlineCode } from '../src/report/escape.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { Report, SkippedAccount } from '../src/report/model.js';
import { renderText } from '../src/report/text.js';
import { assumedRole, rawRecord } from './helpers/records.js';
import { reportOf } from './helpers/reports.js';

const CALLER = '111122223333'; // the default principal's account in rawRecord
const PROD = '222233334444';
const LEGACY = '333344445555';
const ASSUME_ROLE_DENIED = `sts:AssumeRole of arn:aws:iam::${LEGACY}:role/Reader failed: AccessDenied: not authorized`;

const resolverDeleted = (eventID: string, extra: Record<string, unknown> = {}) =>
  rawRecord({ eventID, eventSource: 'route53resolver.amazonaws.com', eventName: 'DeleteResolverQueryLogConfig', ...extra });

/**
 * A live scan of three accounts: `prod` read in two regions, where a user of
 * the management account stopped a trail and deleted a resolver query log
 * config (a caller from another account) and a prod role deleted another;
 * `legacy` could not be entered at all.
 */
function multiAccountReport(): Report {
  const engine = new ScanEngine(windowEndingAt(new Date('2024-10-09T00:00:00Z'), 7));
  const readInProd = { account: PROD, accountName: 'prod', region: 'us-east-1' };
  engine.add(rawRecord({ eventID: 'stop1', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }), readInProd);
  engine.add(resolverDeleted('r53cross', { eventTime: '2024-10-08T01:00:00Z' }), readInProd);
  engine.add(resolverDeleted('r53same', { eventTime: '2024-10-08T02:00:00Z', userIdentity: assumedRole(PROD, 'Admin', 'eve') }), readInProd);
  engine.addCoverage({ account: CALLER, account_name: 'management', region: 'us-east-1', status: 'ok' });
  engine.addCoverage({ account: PROD, account_name: 'prod', region: 'us-east-1', status: 'ok' });
  engine.addCoverage({ account: PROD, account_name: 'prod', region: 'eu-west-1', status: 'ok' });
  engine.addCoverage({ account: LEGACY, account_name: 'legacy', region: '*', status: 'error', error: ASSUME_ROLE_DENIED });
  return engine.finish();
}

/** The cells of the Markdown table row that contains every one of `fragments`. */
function cellsOfRowWith(markdown: string, ...fragments: string[]): string[] {
  const row = markdown.split('\n').find((line) => line.startsWith('| ') && fragments.every((fragment) => line.includes(fragment)));
  if (row === undefined) throw new Error(`no table row contains ${fragments.join(' and ')}`);
  return row.slice(2, -2).split(' | ');
}

const lineWith = (text: string, fragment: string): string | undefined => text.split('\n').find((line) => line.includes(fragment));

const ACCOUNT_CELL = 2; // of the alerts table
const HUNT_ACCOUNTS_CELL = 5;

describe('accounts in the Markdown report', () => {
  const report = multiAccountReport();
  const markdown = renderMarkdown(report);

  test('coverage names each account; an account not read at all is one "all regions" entry with its error', () => {
    expect(cellsOfRowWith(markdown, '<code>222233334444</code>')).toEqual([
      '<code>222233334444</code> (<code>prod</code>)',
      '2: <code>eu&#45;west&#45;1</code>, <code>us&#45;east&#45;1</code>',
      '—',
    ]);
    expect(cellsOfRowWith(markdown, '<code>333344445555</code>')).toEqual([
      '<code>333344445555</code> (<code>legacy</code>)',
      '0',
      `all regions: account not read (${inlineCode(ASSUME_ROLE_DENIED, 300)})`,
    ]);
    expect(markdown).not.toContain('<code>&#42;</code>');
  });

  test('hunt rows name the accounts the events were read from', () => {
    expect(cellsOfRowWith(markdown, 'StopLogging')[HUNT_ACCOUNTS_CELL]).toBe('<code>222233334444</code> (<code>prod</code>)');
  });

  test('an alert shows the account it was read in, and the caller account too when that is another one', () => {
    expect(cellsOfRowWith(markdown, '<code>r53same</code>')[ACCOUNT_CELL]).toBe('<code>222233334444</code> (<code>prod</code>)');
    expect(cellsOfRowWith(markdown, '<code>r53cross</code>')[ACCOUNT_CELL]).toBe(
      'read in <code>222233334444</code> (<code>prod</code>); caller account <code>111122223333</code> (<code>management</code>)',
    );
  });

  test('the JSON fields of alerts keep their meaning: cloud.account.id is the caller, origin.account where it was read', () => {
    const cross = report.alerts.find((alert) => alert.event_id === 'r53cross');
    expect(cross).toMatchObject({ 'cloud.account.id': CALLER, 'origin.account': PROD, 'origin.account_name': 'prod' });
  });

  test('without a live read (files), an alert shows the caller account', () => {
    const fromFiles = renderMarkdown(reportOf([resolverDeleted('r53file')]));
    expect(cellsOfRowWith(fromFiles, '<code>r53file</code>')[ACCOUNT_CELL]).toBe('<code>111122223333</code>');
  });

  test('the tracking issue names accounts like the report', () => {
    const body = composeIssueBody(selectNew(report, new Set()), { window: report.window, accountNames: accountNamesOf(report) }).body;
    expect(cellsOfRowWith(body, 'StopLogging')[HUNT_ACCOUNTS_CELL]).toBe('<code>222233334444</code> (<code>prod</code>)');
    expect(body).toContain('in account <code>222233334444</code> (<code>prod</code>), region');
    expect(cellsOfRowWith(body, '<code>r53cross</code>', '(risk 47)')[ACCOUNT_CELL]).toContain('caller account <code>111122223333</code> (<code>management</code>)');
  });
});

describe('accounts in the text report', () => {
  const text = renderText(multiAccountReport());

  test('coverage lines name the account; an account not read at all says so once', () => {
    expect(text).toContain('\ncoverage 222233334444 (prod) eu-west-1: ok\n');
    expect(text).toContain(`\ncoverage 333344445555 (legacy) all regions: account not read - ${ASSUME_ROLE_DENIED}\n`);
    expect(text).not.toContain(' *:');
  });

  test('hunt rows and alerts name their accounts', () => {
    expect(lineWith(text, 'StopLogging')).toMatch(/ in us-east-1 {2}account 222233334444 \(prod\)$/);
    expect(lineWith(text, 'event r53same')).toContain(' account 222233334444 (prod) region us-east-1 ');
    expect(lineWith(text, 'event r53cross')).toContain(' read in account 222233334444 (prod); caller account 111122223333 (management) region us-east-1 ');
    expect(lineWith(renderText(reportOf([resolverDeleted('r53file')])), 'event r53file')).toContain(' account 111122223333 region us-east-1 ');
  });
});

describe('accounts in the action', () => {
  const report = multiAccountReport();

  test('annotations name the accounts of each kind of finding', () => {
    const messages = annotationsFor(report, 'success').map((annotation) => annotation.message);
    expect(messages).toHaveLength(3); // StopLogging, DeleteResolverQueryLogConfig, the resolver rule
    for (const message of messages) expect(message).toContain(' in account 222233334444 (prod), region us-east-1, ');
  });

  test('the failure message of an incomplete scan says which account was not read at all, and why', () => {
    expect(unreadPairs(report)).toBe(`333344445555 (legacy) all regions: account not read (${ASSUME_ROLE_DENIED})`);
    const regionGap = { ...report, coverage: [{ account: PROD, account_name: 'prod', region: 'eu-west-1', status: 'error' as const, error: 'AccessDenied: SCP' }] };
    expect(unreadPairs(regionGap)).toBe('222233334444 (prod)/eu-west-1 (AccessDenied: SCP)');
  });
});

describe('organization accounts that were skipped', () => {
  const skipped: SkippedAccount[] = [
    { account: '444455556666', account_name: 'old', state: 'SUSPENDED' },
    { account: '555566667777', state: 'PENDING_CLOSURE' },
  ];
  const clean = (skippedAccounts: SkippedAccount[]): Report => {
    const report = reportOf([]);
    report.coverage.push({ account: PROD, account_name: 'prod', region: 'us-east-1', status: 'ok' });
    return { ...report, skipped_accounts: skippedAccounts };
  };

  test('are a note under coverage in Markdown and text, not a coverage gap', () => {
    const report = clean(skipped);
    expect(report.status).toBe('clean');
    const markdown = renderMarkdown(report);
    expect(markdown).toContain(
      '\n\n2 accounts skipped: not ACTIVE in AWS Organizations: <code>444455556666</code> (<code>old</code>) is <code>SUSPENDED</code>, ' +
        '<code>555566667777</code> is <code>PENDING&#95;CLOSURE</code>.\n\n',
    );
    expect(markdown).toContain('✅ No deleted or stopped service logging found');
    expect(renderText(report)).toContain('\n2 accounts skipped: not ACTIVE in AWS Organizations: 444455556666 (old) is SUSPENDED, 555566667777 is PENDING_CLOSURE\n');
  });

  test('a long list is cut in Markdown, pointing at the JSON report', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ account: String(600_000_000_000 + i), state: 'SUSPENDED' }));
    const markdown = renderMarkdown(clean(many));
    expect(markdown).toContain('25 accounts skipped: not ACTIVE in AWS Organizations: <code>600000000000</code> is');
    expect(markdown).toContain('<code>600000000019</code> is <code>SUSPENDED</code> and 5 more (the JSON report lists them all).');
    expect(markdown).not.toContain('600000000020');
  });

  test('no note when none were skipped', () => {
    expect(renderMarkdown(clean([]))).not.toContain('skipped: not ACTIVE');
    expect(renderText(clean([]))).not.toContain('skipped: not ACTIVE');
  });
});

describe('a hostile account name', () => {
  // Anyone who may rename an account chooses this; 10 kB of it.
  const HOSTILE_NAME = ('<img src=x onerror=alert(1)> @org/team | a | b |\nline\r\n#1 \u0007\u001b[2J ').repeat(200).slice(0, 10_240);

  function hostileReport(): Report {
    const engine = new ScanEngine(windowEndingAt(new Date('2024-10-09T00:00:00Z'), 7));
    const origin = { account: PROD, accountName: HOSTILE_NAME, region: 'us-east-1' };
    engine.add(rawRecord({ eventID: 'stop1', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }), origin);
    engine.add(resolverDeleted('r53cross'), origin);
    engine.addCoverage({ account: PROD, account_name: HOSTILE_NAME, region: 'us-east-1', status: 'ok' });
    engine.addCoverage({ account: LEGACY, account_name: HOSTILE_NAME, region: '*', status: 'error', error: HOSTILE_NAME });
    return { ...engine.finish(), skipped_accounts: [{ account: '444455556666', account_name: HOSTILE_NAME, state: HOSTILE_NAME }] };
  }

  test('is inert in the job summary: no HTML, mention, reference or table break, and cut short', () => {
    const summary = summaryMarkdown(hostileReport(), { action: 'disabled' }, '/tmp/report.json');
    expect(summary).not.toContain('<img');
    expect(summary).not.toMatch(/@(?!&#8205;)/);
    expect(summary).not.toMatch(/#(?!&#8205;|\d+;|#* |8205;)/);
    expect(summary).not.toMatch(/[\r\u0007\u001b]/);
    for (const line of summary.split('\n').filter((l) => l.startsWith('| '))) expect(line.endsWith(' |')).toBe(true);
    // Coverage: both accounts keep three cells; the name is cut and says so.
    for (const account of [PROD, LEGACY]) expect(cellsOfRowWith(summary, `<code>${account}</code>`)).toHaveLength(3);
    expect(summary).toContain('(truncated, 10,240 characters)');
    expect(summary.length).toBeLessThan(60_000);
  });

  test('is one line, without control characters and cut short, in text', () => {
    const text = renderText(hostileReport());
    const lines = text.split('\n');
    // headline, status, coverage complete, window, read, 2 coverage, skipped, blank, hunt header, 1 row, blank, alerts header, 1 alert, blank, totals, final newline
    expect(lines).toHaveLength(18);
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(lines[5]).toMatch(/^coverage 222233334444 \(<img src=x onerror=alert\(1\)> @org\/team \| a \| b \|\uFFFDline\uFFFD\uFFFD#1 .*… \(10240 characters\)\) us-east-1: ok$/);
    expect(text.length).toBeLessThan(30_000);
  });

  test('is one bounded line in annotations', () => {
    for (const annotation of annotationsFor(hostileReport(), 'success')) {
      expect(annotation.message).not.toMatch(/[\r\n]/);
      expect(annotation.message.length).toBeLessThan(1_000);
    }
    expect(unreadPairs(hostileReport())).not.toMatch(/[\r\n]/);
  });
});
