/**
 * At most `max` holders at a time, served in order of arrival. A large
 * organization has hundreds of (account, region) queues, each allowed 2
 * requests a second; this bounds how many requests (sockets, response
 * buffers) are open at once across all of them.
 */
export class ConcurrencyLimit {
  private active = 0;
  private peak = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a concurrency limit must be a whole number of at least 1, got ${max}`);
  }

  /** Resolves with the function that gives the slot back (calling it twice is harmless). */
  async acquire(): Promise<() => void> {
    if (this.active < this.max) {
      this.active += 1;
      this.peak = Math.max(this.peak, this.active);
    } else {
      // The releasing holder hands its slot straight over, so `active` does not change.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active -= 1;
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** The most slots ever held at once. */
  get peakInUse(): number {
    return this.peak;
  }
}
