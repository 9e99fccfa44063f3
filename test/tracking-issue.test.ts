import { ScanEngine, windowEndingAt } from '../src/engine.js';
import { createGitHubClient } from '../src/github/client.js';
import { describeGitHubError } from '../src/github/errors.js';
import { eventsMarker, readEventIds, TRACKING_MARKER } from '../src/github/markers.js';
import { syncTrackingIssue } from '../src/github/tracking-issue.js';
import { READ_TOKEN, startGitHubFake, WRITE_TOKEN, type GitHubFake } from './emulators/github.js';
import { rawRecord } from './helpers/records.js';
import { reportOf } from './helpers/reports.js';

const LABELS = ['security', 'logging-tamper'];
const stopLogging = (eventID: string, eventTime = '2024-10-08T09:08:34Z') =>
  rawRecord({ eventID, eventTime, eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name: 'main' } });
const resolverDeleted = (eventID: string) =>
  rawRecord({ eventID, eventSource: 'route53resolver.amazonaws.com', eventName: 'DeleteResolverQueryLogConfig', eventTime: '2024-10-07T10:00:00Z' });
const RESOLVER_RULE = 'route53-resolver-query-log-configuration-deleted';
/** `count` failed DeleteFlowLogs by `principals` users, two minutes apart from 2024-10-02T01:00Z. */
const deniedFlowLogs = (count: number, principals: number) =>
  Array.from({ length: count }, (_, i) =>
    rawRecord({
      eventID: `flow-${String(i).padStart(5, '0')}`,
      eventTime: new Date(Date.parse('2024-10-02T01:00:00Z') + i * 120_000).toISOString(),
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DeleteFlowLogs',
      errorCode: 'Client.UnauthorizedOperation',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/u${i % principals}`, accountId: '111122223333' },
    }),
  );
/** Every key recorded on the repository, in the order written: issue bodies, then comments. */
const allKeys = () => [...github.issues.map((issue) => issue.body), ...github.comments.map((comment) => comment.body)].flatMap((body) => readEventIds(body));

let github: GitHubFake;
beforeEach(async () => {
  github = await startGitHubFake();
});
afterEach(async () => {
  await github.close();
});

const sync = (records: unknown[], token = WRITE_TOKEN) =>
  syncTrackingIssue(createGitHubClient(token, github.url), { owner: github.owner, repo: github.repo }, reportOf(records), {
    labels: LABELS,
    runUrl: 'https://github.com/acme/infra/actions/runs/42',
  });

describe('tracking issue', () => {
  test('first run opens one labelled issue naming who, what, where, when and the next steps', async () => {
    const result = await sync([stopLogging('evt-a'), resolverDeleted('evt-b')]);

    expect(result).toMatchObject({ action: 'created', issue: 1, newEvents: 2, deferredEvents: 0, labelsMissing: [] });
    expect(github.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/acme/infra/issues']);
    const issue = github.issues[0]!;
    expect(issue.labels).toEqual(LABELS);
    expect(issue.title).toBe('AWS service logging deleted or stopped: DeleteResolverQueryLogConfig, StopLogging');
    const body = issue.body ?? '';
    expect(body.startsWith(TRACKING_MARKER)).toBe(true);
    expect(body).toContain('<code>StopLogging</code> on <code>cloudtrail&#46;amazonaws&#46;com</code>');
    expect(body).toContain('**2 events**');
    expect(body).toContain('Route53 Resolver Query Log Configuration Deleted');
    expect(body).toContain('Confirm with the principal (ARN)');
    expect(body).toContain('[this workflow run](https://github.com/acme/infra/actions/runs/42)');
    // evt-b is both a hunt row and a rule alert: each has its own key.
    expect(readEventIds(body).sort()).toEqual([`alert:${RESOLVER_RULE}:evt-b`, 'evt-a', 'evt-b']);
    expect(github.labels.map((label) => label.name)).toEqual(LABELS);
  });

  test('accounts are named as in the report: the hunt rows by coverage, the alerts by where they were read', async () => {
    const engine = new ScanEngine(windowEndingAt(new Date('2024-10-09T00:00:00Z'), 7));
    engine.add(stopLogging('evt-p'), { account: '222233334444', region: 'us-east-1' });
    engine.add(resolverDeleted('evt-q'), { account: '222233334444', accountName: 'prod', region: 'us-east-1' });
    engine.addCoverage({ account: '222233334444', account_name: 'prod', region: 'us-east-1', status: 'ok' });
    await syncTrackingIssue(createGitHubClient(WRITE_TOKEN, github.url), { owner: github.owner, repo: github.repo }, engine.finish(), { labels: LABELS });

    const body = github.issues[0]?.body ?? '';
    expect(body).toContain('in account <code>222233334444</code> (<code>prod</code>), region');
    // The alert's caller (alice, of 111122223333) acted in prod: both accounts are shown.
    expect(body).toContain('| read in <code>222233334444</code> (<code>prod</code>); caller account <code>111122223333</code> |');
  });

  test('the same report again reads but writes nothing', async () => {
    await sync([stopLogging('evt-a'), resolverDeleted('evt-b')]);
    const before = github.requests.length;

    const result = await sync([stopLogging('evt-a'), resolverDeleted('evt-b')]);

    expect(result).toEqual({ action: 'unchanged', issue: 1, reportedEvents: 2 });
    expect(github.requests.length).toBeGreaterThan(before);
    expect(github.writes()).toHaveLength(1);
  });

  test('a report without findings does not contact GitHub at all', async () => {
    const result = await sync([rawRecord({ eventName: 'DescribeInstances', eventID: 'evt-x' })]);
    expect(result).toEqual({ action: 'none' });
    expect(github.requests).toHaveLength(0);
  });

  test('one more event adds exactly one comment, naming only that event', async () => {
    await sync([stopLogging('evt-a')]);

    const result = await sync([stopLogging('evt-a'), stopLogging('evt-new', '2024-10-08T11:00:00Z')]);

    expect(result).toMatchObject({ action: 'commented', issue: 1, newEvents: 1 });
    expect(github.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/acme/infra/issues', 'POST /repos/acme/infra/issues/1/comments']);
    const [comment] = github.commentsOn(1);
    expect(comment?.body).toContain('1 new event');
    expect(comment?.body).toContain('evt&#45;new');
    expect(comment?.body).not.toContain('evt&#45;a<');
    expect(readEventIds(comment?.body)).toEqual(['evt-new']);

    // And that comment is read back: a third identical run writes nothing.
    await sync([stopLogging('evt-a'), stopLogging('evt-new', '2024-10-08T11:00:00Z')]);
    expect(github.writes()).toHaveLength(2);
  });

  test('events of a closed tracking issue are not reported again; new ones open a new issue', async () => {
    await sync([stopLogging('evt-a')]);
    await sync([stopLogging('evt-a'), stopLogging('evt-b', '2024-10-08T12:00:00Z')]);
    // Close it the way a person would, through the API.
    await createGitHubClient(WRITE_TOKEN, github.url).rest.issues.update({ owner: 'acme', repo: 'infra', issue_number: 1, state: 'closed' });
    const writesBefore = github.writes().length;

    const again = await sync([stopLogging('evt-a'), stopLogging('evt-b', '2024-10-08T12:00:00Z')]);
    expect(again).toEqual({ action: 'unchanged', reportedEvents: 2 });
    expect(github.writes()).toHaveLength(writesBefore);

    const next = await sync([stopLogging('evt-a'), stopLogging('evt-b', '2024-10-08T12:00:00Z'), stopLogging('evt-c', '2024-10-08T13:00:00Z')]);
    expect(next).toMatchObject({ action: 'created', issue: 2, newEvents: 1 });
    expect(readEventIds(github.issues[1]?.body)).toEqual(['evt-c']);
  });

  test('issues without the marker, pull requests and other labels are not the tracking issue', async () => {
    github.seedIssue({ title: 'unrelated', body: 'about logging', labels: LABELS });
    github.seedIssue({ title: 'pr', body: `${TRACKING_MARKER}\n${eventsMarker(['evt-a'])}`, labels: LABELS, pullRequest: true });
    github.seedIssue({ title: 'other labels', body: `${TRACKING_MARKER}\n${eventsMarker(['evt-a'])}`, labels: ['security'] });

    const result = await sync([stopLogging('evt-a')]);

    expect(result).toMatchObject({ action: 'created', issue: 4 });
  });

  test("an outsider's labelled, marked issue is not a tracking issue: the events it lists are reported in a real one", async () => {
    // Issue templates apply labels for anyone on a public repository.
    github.seedIssue({ title: 'tracking', body: `${TRACKING_MARKER}\n${eventsMarker(['evt-a', 'evt-b'])}`, labels: LABELS, login: 'mallory', association: 'NONE' });
    github.seedIssue({ title: 'tracking', body: `${TRACKING_MARKER}\n${eventsMarker(['evt-a'])}`, labels: LABELS, login: 'ex-member', association: 'CONTRIBUTOR' });

    const result = await sync([stopLogging('evt-a'), stopLogging('evt-b', '2024-10-08T10:00:00Z')]);

    expect(result).toMatchObject({ action: 'created', issue: 3, newEvents: 2 });
    expect(readEventIds(github.issues[2]?.body).sort()).toEqual(['evt-a', 'evt-b']);
    expect(github.commentsOn(1)).toEqual([]);
  });

  test('an issue opened by a collaborator or by an app is a tracking issue', async () => {
    github.seedIssue({ title: 'by hand', body: `${TRACKING_MARKER}\n${eventsMarker(['evt-a'])}`, labels: LABELS, login: 'octo-admin', association: 'MEMBER', state: 'closed' });
    github.seedIssue({ title: 'by an app', body: `${TRACKING_MARKER}\n${eventsMarker(['evt-b'])}`, labels: LABELS, login: 'security-app[bot]', association: 'NONE' });

    const result = await sync([stopLogging('evt-a'), stopLogging('evt-b', '2024-10-08T10:00:00Z'), stopLogging('evt-c', '2024-10-08T11:00:00Z')]);

    expect(result).toMatchObject({ action: 'commented', issue: 2, newEvents: 1 });
    expect(readEventIds(github.commentsOn(2).at(-1)?.body)).toEqual(['evt-c']);
  });

  test('pages through more than 100 tracking issues and more than 100 comments', async () => {
    for (let i = 0; i < 130; i += 1) {
      github.seedIssue({ title: `old ${i}`, body: `${TRACKING_MARKER}\n${eventsMarker([`old-${i}`])}`, labels: LABELS, state: 'closed' });
    }
    const open = github.seedIssue({ title: 'open', body: `${TRACKING_MARKER}\n${eventsMarker(['evt-0'])}`, labels: LABELS });
    for (let i = 1; i <= 250; i += 1) github.seedComment(open.number, `run ${i}\n${eventsMarker([`evt-${i}`])}`);

    const records = [stopLogging('old-0'), stopLogging('old-129'), stopLogging('evt-1'), stopLogging('evt-250'), stopLogging('evt-new')];
    const result = await sync(records);

    expect(result).toMatchObject({ action: 'commented', issue: open.number, newEvents: 1 });
    expect(readEventIds(github.commentsOn(open.number).at(-1)?.body)).toEqual(['evt-new']);
    const issuePages = github.requests.filter((r) => r.method === 'GET' && r.path === '/repos/acme/infra/issues');
    expect(issuePages.map((r) => r.query['page'] ?? '1')).toEqual(['1', '2']);
    expect(issuePages[0]?.query).toMatchObject({ state: 'all', labels: 'security,logging-tamper', per_page: '100' });
    const commentPages = github.requests.filter((r) => r.method === 'GET' && r.path === `/repos/acme/infra/issues/${open.number}/comments`);
    expect(commentPages).toHaveLength(3);
  });

  test('markers in comments by outsiders are ignored; those of collaborators count', async () => {
    await sync([stopLogging('evt-a')]);
    github.seedComment(1, `${eventsMarker(['evt-forged'])}`, 'mallory', 'NONE');
    github.seedComment(1, `${eventsMarker(['evt-handled'])}`, 'octo-admin', 'MEMBER');

    const result = await sync([stopLogging('evt-a'), stopLogging('evt-forged', '2024-10-08T10:00:00Z'), stopLogging('evt-handled', '2024-10-08T10:30:00Z')]);

    expect(result).toMatchObject({ action: 'commented', newEvents: 1 });
    expect(readEventIds(github.commentsOn(1).at(-1)?.body)).toEqual(['evt-forged']);
  });

  test('labels GitHub dropped are reported, since the next run could not find the issue without them', async () => {
    await github.close();
    github = await startGitHubFake({ tokens: { [WRITE_TOKEN]: { login: 'bot', write: true, createsLabels: false } } });
    github.labels.push({ id: 1, name: 'security' });

    const result = await sync([stopLogging('evt-a')]);

    expect(result).toMatchObject({ action: 'created', labelsMissing: ['logging-tamper'] });
    expect(github.issues[0]?.labels).toEqual(['security']);
  });

  test('a token without issues: write gets one clear line', async () => {
    const error = await sync([stopLogging('evt-a')], READ_TOKEN).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeGitHubError(error)).toBe(
      'GitHub API POST /repos/acme/infra/issues failed with 403 (Resource not accessible by integration): ' +
        'the token may not write issues; add "permissions: issues: write" to the job, or set create-issue: false',
    );
    expect(github.issues).toHaveLength(0);
  });

  test('a bad token and an unknown repository are explained', async () => {
    const bad = await syncTrackingIssue(createGitHubClient('nope', github.url), { owner: 'acme', repo: 'infra' }, reportOf([stopLogging('evt-a')]), {
      labels: LABELS,
    }).catch((e: unknown) => e);
    expect(describeGitHubError(bad)).toMatch(/^GitHub API GET \/repos\/acme\/infra\/issues failed with 401 \(Bad credentials\): check the github-token input$/);
    const missing = await syncTrackingIssue(createGitHubClient(WRITE_TOKEN, github.url), { owner: 'acme', repo: 'gone' }, reportOf([stopLogging('evt-a')]), {
      labels: LABELS,
    }).catch((e: unknown) => e);
    expect(describeGitHubError(missing)).toMatch(/failed with 404 \(Not Found\): check that GITHUB_REPOSITORY exists/);
  });

  test('thousands of new events are reported in one run, in as many comments as needed, each within GitHub body limits', async () => {
    const records = Array.from({ length: 3000 }, (_, i) =>
      stopLogging(`evt-${String(i).padStart(5, '0')}`, new Date(Date.parse('2024-10-02T01:00:00Z') + i * 120_000).toISOString()),
    ).map((record, i) => ({ ...record, userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/u${i % 300}`, accountId: '111122223333' } }));

    const first = await sync(records);

    expect(first).toMatchObject({ action: 'created', issue: 1, newEvents: 3000, deferredEvents: 0 });
    const writes = github.writes().map((r) => `${r.method} ${r.path}`);
    expect(writes[0]).toBe('POST /repos/acme/infra/issues');
    expect(writes.length).toBeGreaterThan(2);
    expect(writes.length).toBeLessThanOrEqual(10);
    expect(writes.slice(1)).toEqual(writes.slice(1).map(() => 'POST /repos/acme/infra/issues/1/comments'));
    for (const body of [github.issues[0]!.body!, ...github.comments.map((c) => c.body)]) expect(body.length).toBeLessThanOrEqual(65_536);
    // Every body but the last says more follows in the next comment.
    expect(github.issues[0]!.body).toContain('_Continued in the next comment (');
    expect(github.comments.at(-1)!.body).not.toContain('Continued in the next comment');
    expect(github.comments.at(-1)!.body).not.toContain('next run');
    const all = allKeys();
    expect(new Set(all).size).toBe(3000);
    expect(all).toHaveLength(3000);
    // Newest first.
    expect(readEventIds(github.issues[0]!.body)).toContain('evt-02999');
    expect(readEventIds(github.issues[0]!.body)).not.toContain('evt-00000');

    // Nothing new: the next run reads every comment and writes nothing.
    const before = github.writes().length;
    expect(await sync(records)).toEqual({ action: 'unchanged', issue: 1, reportedEvents: 3000 });
    expect(github.writes()).toHaveLength(before);
  });

  test('more than a run may write: the most important go first, the rest are counted as deferred and follow next run', async () => {
    const success = (eventID: string, eventTime: string) => ({ ...stopLogging(eventID, eventTime), userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ops', accountId: '111122223333' } });
    const records = [
      ...deniedFlowLogs(3000, 400),
      success('stop-old', '2024-10-03T00:00:00Z'),
      resolverDeleted('res-1'),
      success('stop-new', '2024-10-08T00:00:00Z'),
    ];
    const syncAtMost = (maxPosts: number) =>
      syncTrackingIssue(createGitHubClient(WRITE_TOKEN, github.url), { owner: github.owner, repo: github.repo }, reportOf(records), { labels: LABELS, maxPosts });

    const first = await syncAtMost(2);

    expect(github.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/acme/infra/issues', 'POST /repos/acme/infra/issues/1/comments']);
    // The alert, then logging actually stopped or deleted (newest first), then the failed attempts, newest first.
    const issueKeys = readEventIds(github.issues[0]!.body);
    expect(issueKeys.slice(0, 5)).toEqual([`alert:${RESOLVER_RULE}:res-1`, 'stop-new', 'res-1', 'stop-old', 'flow-02999']);
    expect(github.issues[0]!.body!.indexOf('### Rule alerts')).toBeLessThan(github.issues[0]!.body!.indexOf('### Who, what, where, when'));
    const reported = allKeys();
    // 3,003 events; the alert and the row of res-1 are two keys of one event.
    const deferred = 3003 - (reported.length - 1);
    expect(first).toMatchObject({ action: 'created', newEvents: reported.length - 1, deferredEvents: deferred });
    expect(reported.length).toBeLessThan(3000);
    expect(github.comments.at(-1)!.body).toContain(`_${deferred} more new events did not fit and will be reported by the next run._`);

    // The next runs take up what was deferred, oldest attempts last, until each key is written once.
    for (let run = 0; run < 20 && allKeys().length < 3004; run += 1) {
      const result = await syncAtMost(2);
      expect(result.action).toBe('commented');
    }
    const all = allKeys();
    expect(all).toHaveLength(3004);
    expect(new Set(all).size).toBe(3004);
    expect(readEventIds(github.issues[0]!.body)).not.toContain('flow-00000');
  });

  test('a rule alert is reported even when its event was already reported as a hunt row', async () => {
    // As a run before alerts had their own keys left it: the row of res-1 was
    // reported under its bare event id and its alert did not fit.
    github.seedIssue({ title: 'tracking', body: `${TRACKING_MARKER}\n${eventsMarker(['res-1'])}`, labels: LABELS, login: 'github-actions[bot]', association: 'NONE' });

    const result = await sync([resolverDeleted('res-1')]);

    expect(result).toMatchObject({ action: 'commented', issue: 1, newEvents: 1, deferredEvents: 0 });
    const comment = github.commentsOn(1)[0]!.body;
    expect(readEventIds(comment)).toEqual([`alert:${RESOLVER_RULE}:res-1`]);
    expect(comment).toContain('### Rule alerts');
    expect(comment).toContain('Route53 Resolver Query Log Configuration Deleted');
    expect(comment).not.toContain('### Who, what, where, when');

    // Both its keys are now recorded: nothing more is written.
    expect(await sync([resolverDeleted('res-1')])).toEqual({ action: 'unchanged', issue: 1, reportedEvents: 1 });
    expect(github.writes()).toHaveLength(1);
  });

  test('1 alert among 3,000 failed attempts by 400 principals: the alert is in the first body and every key is written once', async () => {
    const records = [...deniedFlowLogs(3000, 400), resolverDeleted('res-1')];

    const first = await sync(records);

    expect(first.action).toBe('created');
    expect(readEventIds(github.issues[0]!.body).slice(0, 2)).toEqual([`alert:${RESOLVER_RULE}:res-1`, 'res-1']);
    for (let run = 0; run < 5 && allKeys().length < 3002; run += 1) await sync(records);
    const all = allKeys();
    expect(all).toHaveLength(3002);
    expect(new Set(all).size).toBe(3002);
  });
});
