/**
 * How often and how patiently a LookupEvents request is tried again after a
 * throttle, a 5xx or a timeout. Bounded: a region that keeps failing ends as
 * a coverage gap with the last error rather than stalling the scan.
 */
export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Ceiling of the first backoff; each later one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 20_000 };

/**
 * The wait before retry number `retry` (1 for the first retry): exponential,
 * with "equal jitter" (half fixed, half random). The fixed half guarantees a
 * real pause after a throttle; the random half keeps parallel queues from
 * retrying in lockstep.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}
