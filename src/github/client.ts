import { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface Repository {
  owner: string;
  repo: string;
}

/**
 * Octokit for the runner's GitHub: the toolkit reads GITHUB_API_URL once,
 * when it is loaded; passing it again here keeps that true for a client
 * built after the environment changed (tests, GitHub Enterprise Server).
 */
export function createGitHubClient(token: string, apiUrl = process.env['GITHUB_API_URL']): GitHubClient {
  return getOctokit(token, apiUrl !== undefined && apiUrl !== '' ? { baseUrl: apiUrl.replace(/\/+$/, '') } : {});
}

/** `owner/name` from GITHUB_REPOSITORY. */
export function parseRepository(value: string | undefined): Repository {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value ?? '');
  if (match === null || match[1] === undefined || match[2] === undefined) {
    throw new Error(`GITHUB_REPOSITORY is ${value === undefined || value === '' ? 'not set' : `"${value}", not owner/name`}; it is needed to keep the tracking issue`);
  }
  return { owner: match[1], repo: match[2] };
}
