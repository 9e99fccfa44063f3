/**
 * Errors that end a run with one clear line and a known exit status. Anything
 * else is a bug and is reported as such (still one line, plus the stack only
 * when debugging).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An input that cannot be read: the message names the file and the problem. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** One line for any thrown value, without a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
