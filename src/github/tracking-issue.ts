import { accountNamesOf } from '../report/accounts.js';
import type { Report } from '../report/model.js';
import type { GitHubClient, Repository } from './client.js';
import { composePosts, issueTitle, MAX_POSTS_PER_RUN, type IssueContext } from './issue-text.js';
import { isTrackingBody, readEventIds } from './markers.js';
import { hasFindings } from '../report/model.js';
import { countEvents, eventCount, selectNew, type NewFindings } from './new-findings.js';

/**
 * One tracking issue per repository, its state kept on GitHub itself (as
 * actions/stale does): the issue is found by its labels and a hidden marker,
 * opened by someone with write access or by an app (see isTrustedIssueAuthor),
 * and every event it or any earlier tracking issue (open or closed) reported
 * is listed in hidden markers, so nothing is reported twice. New events go
 * into one comment on the open issue, or into a new issue when none is open;
 * when one body cannot hold them all, more comments follow in the same run
 * (most important events first), up to MAX_POSTS_PER_RUN bodies.
 */

export interface TrackingOptions {
  labels: readonly string[];
  /** Link to the workflow run, shown in what is written. */
  runUrl?: string;
  /** Bodies (issue and comments) one run may write; default MAX_POSTS_PER_RUN. New events beyond them are deferred. */
  maxPosts?: number;
}

export type TrackingResult =
  /** The report has no findings: GitHub was not contacted. */
  | { action: 'none' }
  /** Every finding was already reported: nothing was written. */
  | { action: 'unchanged'; issue?: number; reportedEvents: number }
  | {
      action: 'created' | 'commented';
      issue: number;
      /** The new issue, or the first comment written. */
      url: string;
      newEvents: number;
      /** New events not written because the run's bodies were used up; the next run reports them. */
      deferredEvents: number;
      labelsMissing: string[];
    };

interface TrackingIssue {
  number: number;
  state: string;
  body: string;
  author: string | undefined;
  comments: number;
}

// People with write access. Anyone can open an issue or comment on a public
// repository (and issue templates apply labels for them); a forged marker
// must not silence a real event.
const TRUSTED_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

interface Author {
  user?: { type?: string } | null;
  author_association?: string;
}

/**
 * Whether an issue may be a tracking issue: opened by someone with write
 * access, or by a bot. Only apps installed on the repository write as bots
 * (GITHUB_TOKEN writes as github-actions[bot], whose association is NONE);
 * nobody else can open an issue under a bot account.
 */
export function isTrustedIssueAuthor(issue: Author): boolean {
  return (issue.author_association !== undefined && TRUSTED_ASSOCIATIONS.has(issue.author_association)) || issue.user?.type === 'Bot';
}

const PER_PAGE = 100;

/** Every tracking issue of the repository, open and closed, oldest first. */
export async function findTrackingIssues(client: GitHubClient, repository: Repository, labels: readonly string[]): Promise<TrackingIssue[]> {
  const found: TrackingIssue[] = [];
  // The list endpoint (not search): exact, not rate-limited like search, and
  // paginated through Link headers. It lists pull requests too.
  for await (const page of client.paginate.iterator(client.rest.issues.listForRepo, {
    ...repository,
    state: 'all',
    labels: labels.join(','),
    per_page: PER_PAGE,
  })) {
    for (const issue of page.data) {
      if (issue.pull_request !== undefined && issue.pull_request !== null) continue;
      if (!isTrackingBody(issue.body)) continue;
      if (!isTrustedIssueAuthor(issue)) continue;
      found.push({ number: issue.number, state: issue.state, body: issue.body ?? '', author: issue.user?.login, comments: issue.comments });
    }
  }
  return found.sort((a, b) => a.number - b.number);
}

/** Event keys recorded in an issue's body and in its trusted comments: the issue author's (trusted, see findTrackingIssues) and those of people with write access. */
export async function reportedEventKeys(client: GitHubClient, repository: Repository, issue: TrackingIssue): Promise<string[]> {
  const keys = readEventIds(issue.body);
  if (issue.comments === 0) return keys;
  for await (const page of client.paginate.iterator(client.rest.issues.listComments, {
    ...repository,
    issue_number: issue.number,
    per_page: PER_PAGE,
  })) {
    for (const comment of page.data) {
      const trusted = (issue.author !== undefined && comment.user?.login === issue.author) || TRUSTED_ASSOCIATIONS.has(comment.author_association);
      if (trusted) keys.push(...readEventIds(comment.body));
    }
  }
  return keys;
}

/** Reports the report's new findings in the tracking issue; writes nothing when there are none. */
export async function syncTrackingIssue(
  client: GitHubClient,
  repository: Repository,
  report: Pick<Report, 'hunts' | 'alerts' | 'window'>,
  options: TrackingOptions,
): Promise<TrackingResult> {
  if (!hasFindings(report)) return { action: 'none' };
  const issues = await findTrackingIssues(client, repository, options.labels);
  const reported = new Set<string>();
  for (const issue of issues) for (const key of await reportedEventKeys(client, repository, issue)) reported.add(key);

  const open = issues.find((issue) => issue.state === 'open');
  const findings: NewFindings = selectNew(report, reported);
  if (!hasFindings(findings)) return { action: 'unchanged', ...(open !== undefined ? { issue: open.number } : {}), reportedEvents: countEvents(reported) };

  const context: IssueContext = {
    window: report.window,
    accountNames: accountNamesOf(report),
    ...(options.runUrl !== undefined ? { runUrl: options.runUrl } : {}),
  };
  const composed = composePosts(findings, context, {
    newIssue: open === undefined,
    maxPosts: options.maxPosts ?? MAX_POSTS_PER_RUN,
  });
  const [first, ...more] = composed.posts;
  if (first === undefined) throw new Error('no tracking issue text was composed for new findings');
  const result = {
    newEvents: eventCount(composed.reported),
    deferredEvents: composed.deferredEvents,
  };

  if (open !== undefined) {
    let url: string | undefined;
    for (const post of composed.posts) {
      const { data } = await client.rest.issues.createComment({ ...repository, issue_number: open.number, body: post.body });
      url ??= data.html_url;
    }
    return { action: 'commented', issue: open.number, url: url ?? '', ...result, labelsMissing: [] };
  }

  const { data } = await client.rest.issues.create({
    ...repository,
    title: issueTitle(composed.reported),
    body: first.body,
    labels: [...options.labels],
  });
  for (const post of more) await client.rest.issues.createComment({ ...repository, issue_number: data.number, body: post.body });
  // GitHub creates missing labels only for tokens with push access and drops
  // them silently otherwise; without them the next run cannot find the issue.
  const applied = new Set(data.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? '')).toLowerCase()));
  return {
    action: 'created',
    issue: data.number,
    url: data.html_url,
    ...result,
    labelsMissing: options.labels.filter((label) => !applied.has(label.toLowerCase())),
  };
}
