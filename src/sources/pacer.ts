import { systemClock, type Clock } from './clock.js';

/**
 * Spaces the requests of one API queue (one account and region of
 * LookupEvents) so that no more than `ratePerSecond` leave in any second.
 *
 * Callers wait in order of arrival and each is released at least one
 * interval after the previous release (measured from the actual release, so
 * a late timer never bunches requests together). The interval carries a small
 * margin because the API counts arrivals, and signing and the network can
 * shift a request by a few milliseconds.
 *
 * When the API throttles anyway (another client is using the same account's
 * budget), `throttled()` pauses the whole queue and widens the spacing; each
 * success narrows it back towards the configured rate.
 */
export class Pacer {
  /**
   * Fraction added to the nominal interval: 10% of 500 ms leaves 100 ms in
   * every second for requests that leave on time but arrive bunched (network
   * jitter, a busy event loop on either side), at 5% of throughput.
   */
  static readonly SAFETY_MARGIN = 0.1;
  /** The widest spacing throttling can push us to, as a multiple of the nominal interval. */
  static readonly MAX_SLOWDOWN = 4;

  readonly baseIntervalMs: number;
  private intervalMs: number;
  private nextReleaseMs = Number.NEGATIVE_INFINITY;
  private pausedUntilMs = Number.NEGATIVE_INFINITY;
  private readonly waiting: Array<() => void> = [];
  private timerRunning = false;

  constructor(
    ratePerSecond: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`requests per second must be positive, got ${ratePerSecond}`);
    this.baseIntervalMs = (1000 / ratePerSecond) * (1 + Pacer.SAFETY_MARGIN);
    this.intervalMs = this.baseIntervalMs;
  }

  /** The current spacing between releases, in milliseconds. */
  get currentIntervalMs(): number {
    return this.intervalMs;
  }

  /** Resolves when the caller may send one request. */
  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.release();
    });
  }

  /** The API answered "slow down": nobody in this queue sends before `pauseMs` from now, and the spacing widens. */
  throttled(pauseMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, this.clock.now() + pauseMs);
    this.intervalMs = Math.min(this.intervalMs * 1.5, this.baseIntervalMs * Pacer.MAX_SLOWDOWN);
  }

  /**
   * The released request actually left now (it may have waited for a global
   * in-flight slot after its release): the next one is spaced from this moment.
   */
  sent(): void {
    this.nextReleaseMs = Math.max(this.nextReleaseMs, this.clock.now() + this.intervalMs);
  }

  /** A request went through: drift back towards the configured rate. */
  succeeded(): void {
    this.intervalMs = Math.max(this.baseIntervalMs, this.intervalMs - this.baseIntervalMs * 0.1);
  }

  private release(): void {
    // One timer at a time: it wakes for the earliest allowed moment, which a
    // pause may have moved since it was set, and re-checks.
    if (this.timerRunning) return;
    while (this.waiting.length > 0) {
      const now = this.clock.now();
      const allowedAt = Math.max(this.nextReleaseMs, this.pausedUntilMs);
      if (allowedAt > now) {
        this.timerRunning = true;
        void this.clock.sleep(allowedAt - now).then(() => {
          this.timerRunning = false;
          this.release();
        });
        return;
      }
      this.nextReleaseMs = now + this.intervalMs;
      this.waiting.shift()!();
    }
  }
}
