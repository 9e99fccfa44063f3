/**
 * One line for a failed GitHub API call that says what to do about it. The
 * common causes have fixed advice: a token without `issues: write` (GitHub
 * answers 403 "Resource not accessible by integration"), a bad token, a
 * repository the token cannot see, issues turned off.
 */
interface RequestFailure {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { data?: unknown };
}

function isRequestFailure(error: unknown): error is RequestFailure {
  return error instanceof Error && typeof (error as Partial<RequestFailure>).status === 'number';
}

function apiMessage(failure: RequestFailure): string {
  const data = failure.response?.data;
  if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
    return (data as { message: string }).message;
  }
  return failure.message.split('\n')[0] ?? '';
}

function endpoint(failure: RequestFailure): string {
  const method = failure.request?.method ?? 'request';
  let path = failure.request?.url ?? '';
  try {
    path = new URL(path).pathname;
  } catch {
    // not absolute: keep as it is
  }
  return `${method} ${path}`.trim();
}

export function describeGitHubError(error: unknown): string {
  if (!isRequestFailure(error)) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `GitHub API request failed: ${message}`;
  }
  const message = apiMessage(error);
  const head = `GitHub API ${endpoint(error)} failed with ${error.status} (${message})`;
  if (error.status === 403 && /not accessible by integration/i.test(message)) {
    return `${head}: the token may not write issues; add "permissions: issues: write" to the job, or set create-issue: false`;
  }
  if (error.status === 401) return `${head}: check the github-token input`;
  if (error.status === 404) return `${head}: check that GITHUB_REPOSITORY exists and the token can read its issues ("issues: read")`;
  if (error.status === 410) return `${head}: issues are turned off for this repository; enable them or set create-issue: false`;
  if (error.status === 403 && /rate limit/i.test(message)) return `${head}: the API rate limit was hit; the next run will retry`;
  return head;
}
