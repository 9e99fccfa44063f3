import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A GitHub REST fake for the issue endpoints the tracking issue uses, served
 * over real HTTP on 127.0.0.1 so Octokit is exercised end to end (headers,
 * pagination through Link, error bodies). State lives in memory; every
 * request is recorded so tests can assert what was (not) written.
 *
 * Behaviour copied from api.github.com:
 * - `Authorization: token X` / `Bearer X`; none -> 401 "Requires authentication",
 *   unknown -> 401 "Bad credentials"; a token without write access gets 403
 *   "Resource not accessible by integration" on writes (a GITHUB_TOKEN
 *   without `issues: write`).
 * - GET /issues: state (open default, closed, all), labels (all must match),
 *   sort created desc, per_page (default 30, max 100), page, Link header with
 *   next/last/prev/first; pull requests are listed too.
 * - POST /issues creates labels that do not exist yet (push access), or
 *   drops them silently (`createsLabels: false`).
 * - comment bodies over 65536 characters -> 422.
 * - issues and comments carry `user: {login, type}` and `author_association`:
 *   `type` is `Bot` for logins ending in `[bot]` (only apps get such logins),
 *   so the default tokens write as github-actions[bot], a Bot with
 *   association NONE, as GITHUB_TOKEN does.
 */

export interface FakeToken {
  login: string;
  write: boolean;
  /** `author_association` of the user's comments and issues. */
  association?: string;
  /** Without push access GitHub silently drops labels that do not exist yet (default: may create them). */
  createsLabels?: boolean;
}

export interface FakeLabel {
  id: number;
  name: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  login: string;
  association: string;
  created: number;
  pullRequest: boolean;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  login: string;
  association: string;
  created: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface GitHubFakeOptions {
  owner?: string;
  repo?: string;
  tokens?: Record<string, FakeToken>;
}

export const WRITE_TOKEN = 'ghs_fake_write_token';
export const READ_TOKEN = 'ghs_fake_read_only_token';
const MAX_BODY = 65_536;

export interface GitHubFake {
  /** Base URL for Octokit / GITHUB_API_URL, e.g. http://127.0.0.1:4321 */
  readonly url: string;
  readonly owner: string;
  readonly repo: string;
  readonly requests: RecordedRequest[];
  readonly issues: FakeIssue[];
  readonly comments: FakeComment[];
  readonly labels: FakeLabel[];
  /** Requests that change state (anything but GET/HEAD), whatever their status. */
  writes(): RecordedRequest[];
  commentsOn(issue: number): FakeComment[];
  /** Seeds an issue directly, bypassing HTTP and authentication. */
  seedIssue(issue: Partial<FakeIssue> & { title: string }): FakeIssue;
  seedComment(issue: number, body: string, login?: string, association?: string): FakeComment;
  close(): Promise<void>;
}

export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'infra';
  const tokens: Record<string, FakeToken> = options.tokens ?? {
    [WRITE_TOKEN]: { login: 'github-actions[bot]', write: true, association: 'NONE' },
    [READ_TOKEN]: { login: 'github-actions[bot]', write: false, association: 'NONE' },
  };
  const requests: RecordedRequest[] = [];
  const issues: FakeIssue[] = [];
  const comments: FakeComment[] = [];
  const labels: FakeLabel[] = [];
  // A logical clock: strictly increasing creation times without reading the wall clock.
  let tick = Date.parse('2026-01-01T00:00:00Z');
  const now = (): number => (tick += 1000);
  let nextId = 1000;

  const ensureLabel = (name: string): void => {
    if (!labels.some((label) => label.name.toLowerCase() === name.toLowerCase())) labels.push({ id: nextId++, name });
  };

  const seedIssue = (seed: Partial<FakeIssue> & { title: string }): FakeIssue => {
    const issue: FakeIssue = {
      number: issues.length + 1,
      body: null,
      state: 'open',
      labels: [],
      login: 'github-actions[bot]',
      association: 'NONE',
      created: now(),
      pullRequest: false,
      ...seed,
    };
    issue.labels.forEach(ensureLabel);
    issues.push(issue);
    return issue;
  };
  const seedComment = (issue: number, body: string, login = 'github-actions[bot]', association = 'NONE'): FakeComment => {
    const comment: FakeComment = { id: nextId++, issue, body, login, association, created: now() };
    comments.push(comment);
    return comment;
  };

  let baseUrl = '';
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  const issueJson = (issue: FakeIssue) => ({
    id: issue.number * 7919,
    node_id: `I_${issue.number}`,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: issue.labels.map((name) => labels.find((label) => label.name.toLowerCase() === name.toLowerCase()) ?? { id: 0, name }),
    user: { login: issue.login, type: issue.login.endsWith('[bot]') ? 'Bot' : 'User' },
    author_association: issue.association,
    comments: comments.filter((comment) => comment.issue === issue.number).length,
    created_at: iso(issue.created),
    updated_at: iso(issue.created),
    url: `${baseUrl}/repos/${owner}/${repo}/issues/${issue.number}`,
    html_url: `https://github.com/${owner}/${repo}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`,
    ...(issue.pullRequest ? { pull_request: { url: `${baseUrl}/repos/${owner}/${repo}/pulls/${issue.number}` } } : {}),
  });
  const commentJson = (comment: FakeComment) => ({
    id: comment.id,
    body: comment.body,
    user: { login: comment.login, type: comment.login.endsWith('[bot]') ? 'Bot' : 'User' },
    author_association: comment.association,
    created_at: iso(comment.created),
    updated_at: iso(comment.created),
    html_url: `https://github.com/${owner}/${repo}/issues/${comment.issue}#issuecomment-${comment.id}`,
  });

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      send(response, 500, { message: `fake failed: ${String(error)}` });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', baseUrl);
    const method = request.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 };
    requests.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      send(response, status, body, headers);
    };
    const text = await readBody(request);

    const authorization = request.headers.authorization ?? '';
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(authorization)?.[1];
    if (token === undefined) return reply(401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' });
    const user = tokens[token];
    if (user === undefined) return reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });

    const match = /^\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+))?(\/comments)?$/.exec(url.pathname);
    if (match === null || match[1] !== owner || match[2] !== repo) {
      return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    const number = match[3] !== undefined ? Number(match[3]) : undefined;
    const onComments = match[4] !== undefined;
    const isWrite = method !== 'GET' && method !== 'HEAD';
    if (isWrite && !user.write) {
      return reply(403, {
        message: 'Resource not accessible by integration',
        documentation_url: onComments
          ? 'https://docs.github.com/rest/issues/comments#create-an-issue-comment'
          : number === undefined
            ? 'https://docs.github.com/rest/issues/issues#create-an-issue'
            : 'https://docs.github.com/rest/issues/issues#update-an-issue',
        status: '403',
      });
    }
    let input: Record<string, unknown> = {};
    if (isWrite) {
      try {
        input = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        return reply(400, { message: 'Problems parsing JSON' });
      }
    }
    const association = user.association ?? 'NONE';

    if (number === undefined) {
      if (method === 'GET') {
        const state = url.searchParams.get('state') ?? 'open';
        const wanted = (url.searchParams.get('labels') ?? '').split(',').map((l) => l.trim().toLowerCase()).filter((l) => l !== '');
        const selected = issues
          .filter((issue) => state === 'all' || issue.state === state)
          .filter((issue) => wanted.every((name) => issue.labels.some((label) => label.toLowerCase() === name)))
          .sort((a, b) => b.created - a.created);
        return replyPage(url, selected.map(issueJson));
      }
      if (method === 'POST') {
        if (typeof input['title'] !== 'string' || input['title'] === '') return reply(422, validation('Issue', 'title', 'missing_field'));
        const body = typeof input['body'] === 'string' ? input['body'] : null;
        if (body !== null && body.length > MAX_BODY) return reply(422, tooLong('Issue'));
        const requested = (Array.isArray(input['labels']) ? input['labels'].filter((l): l is string => typeof l === 'string') : []).filter(
          (name) => user.createsLabels !== false || labels.some((label) => label.name.toLowerCase() === name.toLowerCase()),
        );
        const issue = seedIssue({ title: input['title'], body, labels: requested, login: user.login, association });
        return reply(201, issueJson(issue));
      }
      return reply(404, { message: 'Not Found' });
    }

    const issue = issues.find((candidate) => candidate.number === number);
    if (issue === undefined) return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    if (onComments) {
      if (method === 'GET') {
        return replyPage(url, comments.filter((comment) => comment.issue === number).sort((a, b) => a.created - b.created).map(commentJson));
      }
      if (method === 'POST') {
        if (typeof input['body'] !== 'string' || input['body'] === '') return reply(422, validation('IssueComment', 'body', 'missing_field'));
        if (input['body'].length > MAX_BODY) return reply(422, tooLong('IssueComment'));
        return reply(201, commentJson(seedComment(issue.number, input['body'], user.login, association)));
      }
      return reply(404, { message: 'Not Found' });
    }
    if (method === 'GET') return reply(200, issueJson(issue));
    if (method === 'PATCH') {
      if (input['state'] === 'open' || input['state'] === 'closed') issue.state = input['state'];
      if (typeof input['title'] === 'string') issue.title = input['title'];
      if (typeof input['body'] === 'string') {
        if (input['body'].length > MAX_BODY) return reply(422, tooLong('Issue'));
        issue.body = input['body'];
      }
      if (Array.isArray(input['labels'])) {
        issue.labels = input['labels'].filter((l): l is string => typeof l === 'string');
        issue.labels.forEach(ensureLabel);
      }
      return reply(200, issueJson(issue));
    }
    return reply(404, { message: 'Not Found' });

    function replyPage(pageUrl: URL, items: unknown[]): void {
      const perPage = Math.min(100, Math.max(1, Number(pageUrl.searchParams.get('per_page') ?? '30') || 30));
      const page = Math.max(1, Number(pageUrl.searchParams.get('page') ?? '1') || 1);
      const last = Math.max(1, Math.ceil(items.length / perPage));
      const link = (target: number, rel: string): string => {
        const next = new URL(pageUrl.toString());
        next.searchParams.set('per_page', String(perPage));
        next.searchParams.set('page', String(target));
        return `<${next.toString()}>; rel="${rel}"`;
      };
      const links: string[] = [];
      if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
      if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
      reply(200, items.slice((page - 1) * perPage, page * perPage), links.length > 0 ? { link: links.join(', ') } : {});
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    owner,
    repo,
    requests,
    issues,
    comments,
    labels,
    writes: () => requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD'),
    commentsOn: (issue) => comments.filter((comment) => comment.issue === issue),
    seedIssue,
    seedComment,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function validation(resource: string, field: string, code: string) {
  return { message: 'Validation Failed', errors: [{ resource, code, field }], documentation_url: 'https://docs.github.com/rest' };
}

function tooLong(resource: string) {
  return {
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', field: 'body', message: `body is too long (maximum is ${MAX_BODY} characters)` }],
    documentation_url: 'https://docs.github.com/rest',
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
