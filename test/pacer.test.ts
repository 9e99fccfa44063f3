import type { Clock } from '../src/sources/clock.js';
import { Pacer } from '../src/sources/pacer.js';
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from '../src/sources/retry.js';

/** A clock that jumps to the end of each sleep (after pending callbacks ran): the pacer is its only sleeper. */
function virtualClock(): Clock & { releases: number[] } {
  let now = 0;
  return {
    releases: [],
    now: () => now,
    sleep: (ms) =>
      new Promise((resolve) =>
        setImmediate(() => {
          now += ms;
          resolve();
        }),
      ),
  };
}

/** The most releases in any window (t - 1000, t]. */
function maxPerSecond(times: readonly number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u > t - 1000 && u <= t).length));
}

describe('Pacer', () => {
  test('releases concurrent callers in order, never more than the rate in any second', async () => {
    const clock = virtualClock();
    const pacer = new Pacer(2, clock);
    await Promise.all(Array.from({ length: 20 }, (_, i) => pacer.acquire().then(() => clock.releases.push(clock.now()) && i)));
    expect(clock.releases[0]).toBe(0);
    expect(maxPerSecond(clock.releases)).toBe(2);
    for (let i = 1; i < clock.releases.length; i += 1) expect(clock.releases[i]! - clock.releases[i - 1]!).toBeGreaterThanOrEqual(500);
  });

  test('a throttle pauses the whole queue and widens the spacing; successes narrow it back', async () => {
    const clock = virtualClock();
    const pacer = new Pacer(2, clock);
    await pacer.acquire();
    pacer.throttled(3000);
    await pacer.acquire();
    expect(clock.now()).toBe(3000);
    expect(pacer.currentIntervalMs).toBeCloseTo(pacer.baseIntervalMs * 1.5);
    for (let i = 0; i < 10; i += 1) pacer.succeeded();
    expect(pacer.currentIntervalMs).toBe(pacer.baseIntervalMs);
    for (let i = 0; i < 10; i += 1) pacer.throttled(0);
    expect(pacer.currentIntervalMs).toBe(pacer.baseIntervalMs * Pacer.MAX_SLOWDOWN);
  });
});

describe('backoffDelayMs', () => {
  test('doubles from the base, with jitter in the upper half, up to the cap', () => {
    const policy = DEFAULT_RETRY_POLICY;
    expect(backoffDelayMs(1, policy, () => 0)).toBe(policy.baseDelayMs / 2);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(policy.baseDelayMs);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(policy.baseDelayMs * 4);
    expect(backoffDelayMs(30, policy, () => 1)).toBe(policy.maxDelayMs);
  });
});
