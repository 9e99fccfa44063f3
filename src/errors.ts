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
  // Duck-typed: errors made in another realm (a VM context, a worker) are
  // not `instanceof Error` here but carry a message all the same.
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    const message = (error as { message: string }).message.split('\n')[0] ?? '';
    return message !== '' ? message : String((error as { name?: unknown }).name ?? 'Error');
  }
  return String(error);
}
