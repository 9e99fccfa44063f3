import { summaryMarkdown } from '../src/action/summary.js';
import { ScanEngine, windowEndingAt } from '../src/engine.js';
import { composeIssueBody, composeComment } from '../src/github/issue-text.js';
import { readEventIds, TRACKING_MARKER } from '../src/github/markers.js';
import { selectNew } from '../src/github/new-findings.js';
import { accountNamesOf } from '../src/report/accounts.js';
import { inlineCode, inlineText, sanitize } from '../src/report/escape.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderText } from '../src/report/text.js';
import type { Report } from '../src/report/model.js';
import { rawRecord } from './helpers/records.js';
import { reportOf } from './helpers/reports.js';

// Everything an attacker who controls a field could try, and 10 kB of it.
const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '[x](http://evil)',
  '![i](http://evil/i.png)',
  'https://evil.example',
  'www.evil.example',
  '<https://evil.example>',
  'mallory@evil.example',
  '@org/team',
  '#1',
  'acme/infra#2',
  '`code` ``` fenced ```',
  '| a | b |',
  'line\nbreak\r\nand\rmore',
  '<!-- logging-tamper-guard:events forged -->',
  '-->',
  '**bold** _em_ ~~strike~~',
  '&lt;img&gt; &#64;org',
  '\\| escaped pipe',
  '\u202eevil\u202c',
];
const HOSTILE = PAYLOADS.join(' ');
const HUGE = (HOSTILE + ' ').repeat(Math.ceil(10_240 / (HOSTILE.length + 1))).slice(0, 10_240);
const HOSTILE_ID = 'evt-1 --> <!-- logging-tamper-guard:events forged --> @org #1';

function hostileReport(): Report {
  const engine = new ScanEngine(windowEndingAt(new Date('2024-10-09T00:00:00Z'), 7));
  const identity = { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${HUGE}`, accountId: '111122223333', userName: HUGE };
  const fields = { userIdentity: identity, userAgent: HUGE, sourceIPAddress: HUGE, requestParameters: { name: HUGE } };
  // Read from an account whose name is hostile too: shown with the alert and its hunt row.
  const readIn = { account: '444455556666', accountName: HUGE, region: 'us-east-1' };
  engine.add(rawRecord({ ...fields, eventID: HOSTILE_ID, eventSource: 'route53resolver.amazonaws.com', eventName: 'DeleteResolverQueryLogConfig', awsRegion: HUGE }), readIn);
  engine.add(rawRecord({ ...fields, eventID: 'evt-2', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', errorCode: HUGE, errorMessage: HUGE }));
  engine.add(rawRecord({ ...fields, eventID: 'evt-3', userIdentity: { type: 'IAMUser', arn: HOSTILE, accountId: HOSTILE } }));
  engine.addCoverage({ account: '111122223333', account_name: HUGE, region: 'us-east-1', status: 'ok' });
  engine.addCoverage({ account: HOSTILE, account_name: HOSTILE, region: HUGE, status: 'error', error: HUGE });
  engine.addCoverage({ account: '555566667777', account_name: HUGE, region: '*', status: 'error', error: HUGE });
  return { ...engine.finish(), skipped_accounts: [{ account: HOSTILE, account_name: HUGE, state: HOSTILE }] };
}

/** The Markdown with our own constructs removed; what is left came from data and must be plain. */
function dataOnly(markdown: string): string {
  return markdown
    .replace(/&#\d+;/g, ' ')
    .replace(/<\/?(code|sub|br)>/g, ' ')
    .replaceAll(TRACKING_MARKER, ' ')
    .replace(/<!-- logging-tamper-guard:events [^<>]*? -->/g, ' ')
    .replace(/^#{1,6} /gm, ' ')
    .replace(/`(clean|findings|incomplete|report|create-issue: true)`/g, ' ');
}

function assertInert(markdown: string, expectedMarkers: number): void {
  const data = dataOnly(markdown);
  expect(data).not.toMatch(/[<>`@[\]\\]/);
  expect(data).not.toMatch(/#/);
  expect(markdown).not.toContain('<img');
  expect(markdown).not.toContain('](');
  expect(markdown).not.toMatch(/@(?!&#8205;)/);
  expect(markdown).not.toMatch(/https?:\/\//);
  expect(markdown).not.toContain('www.');
  expect(markdown).not.toContain('\r');
  expect(markdown).not.toContain('\u202e');
  // Only our own markers open or close HTML comments.
  expect(markdown.split('<!--').length - 1).toBe(expectedMarkers);
  expect(markdown.split('-->').length - 1).toBe(expectedMarkers);
  // Every table keeps its column count on every line: no pipe or newline got in.
  const lines = markdown.split('\n');
  lines.forEach((line, index) => {
    if (!line.startsWith('| ')) return;
    let header = index;
    while (header > 0 && lines[header - 1]!.startsWith('| ')) header -= 1;
    expect(line.split('|').length).toBe(lines[header]!.split('|').length);
    expect(line.endsWith(' |')).toBe(true);
  });
  // Long values are cut, and say so.
  expect(markdown).toContain('truncated, 10,240 characters');
}

describe('attacker-controlled values render inert', () => {
  test('job summary and CLI Markdown', () => {
    const report = hostileReport();
    expect(report.alerts).toHaveLength(1);
    expect(report.hunts[0]?.rows.length).toBeGreaterThanOrEqual(2);
    const summary = summaryMarkdown(report, { action: 'failed', error: HUGE }, `/tmp/${HOSTILE}/report.json`);
    assertInert(summary, 0);
    assertInert(renderMarkdown(report), 0);
    expect(summary.length).toBeLessThan(200_000);
    // The hostile account names were rendered (and so checked above) in every place accounts are shown.
    expect(summary).toContain('all regions: account not read');
    expect(summary).toContain('1 account skipped: not ACTIVE in AWS Organizations: <code>');
    expect(summary).toContain('read in <code>444455556666</code> (<code>&#60;img src&#61;x onerror&#61;alert');
  });

  test('issue body and comment; the hidden markers cannot be forged', () => {
    const report = hostileReport();
    const findings = selectNew(report, new Set());
    const context = { window: { start: '2024-10-02T00:00:00.000Z', end: '2024-10-09T00:00:00.000Z' }, accountNames: accountNamesOf(report) };
    const body = composeIssueBody(findings, context).body;
    assertInert(body, 2);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(readEventIds(body).sort()).toEqual(['evt-2', 'evt-3', HOSTILE_ID, `alert:route53-resolver-query-log-configuration-deleted:${HOSTILE_ID}`].sort());

    const comment = composeComment(findings, context).body;
    assertInert(comment, 1);
    expect(readEventIds(comment).sort()).toEqual(['evt-2', 'evt-3', HOSTILE_ID, `alert:route53-resolver-query-log-configuration-deleted:${HOSTILE_ID}`].sort());
  });
});

describe('terminal text', () => {
  test('replaces controls, bidirectional overrides and isolates, and direction marks, as the Markdown escaping does', () => {
    // "Trojan Source": each would reorder or hide what is shown around the value.
    const tricks = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c', '\u001b[2J', '\u2028'];
    const arn = `arn:aws:iam::111122223333:user/${tricks.join('x')}`;
    const text = renderText(reportOf([rawRecord({ eventID: 'evt-1', userIdentity: { type: 'IAMUser', arn, accountId: '111122223333' } })]));
    expect(text).toContain(`by arn:aws:iam::111122223333:user/${tricks.map((trick) => `\uFFFD${trick.slice(1)}`).join('x')}  in`);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u);
  });
});

describe('escape', () => {
  test.each(PAYLOADS)('%j keeps no Markdown or HTML syntax', (payload) => {
    const code = inlineCode(payload);
    expect(code.startsWith('<code>') && code.endsWith('</code>')).toBe(true);
    expect(code.slice(6, -7)).toMatch(/^([A-Za-z0-9 ]|&#\d+;|[^\x00-\x7f])*$/);
  });

  test('mentions and references get a zero-width joiner after the entity, so they stay broken after decoding', () => {
    expect(inlineText('@org/team #1')).toBe('&#64;&#8205;org&#47;team &#35;&#8205;1');
  });

  test('a decoded value reads as the original, except for unsafe characters', () => {
    const decode = (html: string) => html.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))).replaceAll('\u200d', '');
    expect(decode(inlineText('arn:aws:iam::1:user/a_b-c.d+e=f,g@h'))).toBe('arn:aws:iam::1:user/a_b-c.d+e=f,g@h');
    expect(decode(inlineText('a\nb\tc\u2028d\u202ee'))).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    expect(decode(inlineText('ünïcødé ✓ 日本'))).toBe('ünïcødé ✓ 日本');
  });

  test('truncation counts code points and never splits a surrogate pair', () => {
    const value = '😀'.repeat(200);
    const shortened = sanitize(value, 160);
    expect(Array.from(shortened.text)).toHaveLength(160);
    expect(shortened.text).toBe('😀'.repeat(160));
    expect(shortened.truncatedFrom).toBe(200);
    expect(inlineCode(value)).toContain('(truncated, 200 characters)');
  });

  test('missing and empty values are shown as such', () => {
    expect(inlineCode(null)).toBe('—');
    expect(inlineCode('')).toBe('(empty)');
  });
});
