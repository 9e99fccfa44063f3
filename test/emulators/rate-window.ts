/**
 * Requests per trailing second of one (account, region): a sliding window of
 * accepted requests decides throttling, and a window of all arrivals
 * (throttled ones included) measures how fast the client actually sent.
 */
export class RateWindow {
  private readonly accepted: number[] = [];
  private readonly arrivals: number[] = [];
  maxObservedRate = 0;

  constructor(private readonly ratePerSecond: number) {}

  /** Records an arrival at `nowMs`; true when it fits the limit (and counts against it). */
  admit(nowMs: number): boolean {
    trim(this.arrivals, nowMs);
    this.arrivals.push(nowMs);
    this.maxObservedRate = Math.max(this.maxObservedRate, this.arrivals.length);
    trim(this.accepted, nowMs);
    if (this.accepted.length >= this.ratePerSecond) return false;
    this.accepted.push(nowMs);
    return true;
  }
}

/** Drops timestamps outside the window (nowMs - 1000, nowMs]. */
function trim(times: number[], nowMs: number): void {
  let drop = 0;
  while (drop < times.length && times[drop]! <= nowMs - 1000) drop += 1;
  if (drop > 0) times.splice(0, drop);
}
