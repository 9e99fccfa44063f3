import type { Regions } from '../config.js';
import type { Window } from '../engine.js';
import { describeError } from '../errors.js';
import { isExpiredCredentials } from '../aws/errors.js';
import { enabledRegions } from '../aws/regions.js';
import { planTargets, type AccountSelection, type AccountTarget } from '../aws/targets.js';
import type { CoverageEntry } from '../report/model.js';
import { systemClock, type Clock } from './clock.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { readRegion, type RegionReadSettings } from './region-reader.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { sharedAgents } from './shared-agents.js';
import type { RecordSink } from './sink.js';

export interface LiveOptions {
  regions: Regions;
  window: Window;
  /** CloudTrail event names to query (one LookupEvents attribute each). */
  eventNames: string[];
  /** LookupEvents requests per second per (account, region); the API allows 2. */
  requestsPerSecond?: number;
  retry?: Partial<RetryPolicy>;
  /** Per-attempt limit of one LookupEvents request (connection and response). */
  requestTimeoutMs?: number;
  /** Which accounts to read and the role to read them through; the credentials' own account when absent. */
  accounts?: AccountSelection;
  /** The accounts to read, ready made (tests); replaces `accounts`. */
  targets?: AccountTarget[];
  /** LookupEvents requests open at once across every account and region. */
  maxInFlight?: number;
  /** AssumeRole calls open at once, and separately DescribeRegions calls. */
  maxAccountCalls?: number;
  clock?: Clock;
}

const DEFAULT_REQUESTS_PER_SECOND = 2;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * 64 requests in flight keep 32 (account, region) queues at the API's full
 * 2 per second even at a second of latency each, with a bounded number of
 * sockets and response buffers (a LookupEvents page of 50 events is up to a
 * few hundred KB) however large the organization.
 */
export const DEFAULT_MAX_IN_FLIGHT = 64;
const DEFAULT_MAX_ACCOUNT_CALLS = 8;

/** Totals of one live collection, for benchmarks and logs (coverage goes to the sink). */
export interface LiveCollectionStats {
  accounts: number;
  /** Accounts not read at all (role not assumable, regions not listable or none enabled): one `*` coverage error each. */
  accountsUnreadable: number;
  /** Organization accounts left out because they are not ACTIVE. */
  accountsSkipped: { id: string; name?: string; state: string }[];
  regionsRead: number;
  requests: number;
  /** Throttling answers the API gave and the retry loop absorbed. */
  throttled: number;
  retried: number;
  /** The most LookupEvents requests that were open at once. */
  peakInFlight: number;
}

/**
 * Reads CloudTrail Event history into the sink: for every target account,
 * every enabled region (or the listed ones), every event name the detections
 * need. Each (account, region) is its own paced queue; the queues run in
 * parallel under one global limit of requests in flight. Regions that cannot
 * be read are coverage errors; so is an account that cannot be entered (its
 * role), whose regions cannot be listed, or that has no enabled region, the
 * credentials' own account included: the report still shows what was read.
 * Fatal, in one line: no usable credentials, the organization not listable,
 * and no account to read at all.
 */
export async function collectLookupEvents(options: LiveOptions, sink: RecordSink): Promise<LiveCollectionStats> {
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const assumeRoleCalls = new ConcurrencyLimit(options.maxAccountCalls ?? DEFAULT_MAX_ACCOUNT_CALLS);
  const describeRegionsCalls = new ConcurrencyLimit(options.maxAccountCalls ?? DEFAULT_MAX_ACCOUNT_CALLS);
  const plan =
    options.targets !== undefined
      ? { targets: options.targets, skipped: [], close: () => {} }
      : await planTargets(options.accounts ?? { accounts: 'current' }, { scheduleAssumeRole: (call) => assumeRoleCalls.run(call) });
  if (plan.targets.length === 0) {
    plan.close();
    // Nothing read is not "nothing found": a scan over no account would report clean.
    throw new Error(noTargetsProblem(plan.skipped));
  }
  const agents = sharedAgents(maxInFlight);
  const settings: RegionReadSettings = {
    eventNames: [...new Set(options.eventNames)],
    // The API's StartTime is inclusive and the window is (start, end]: the
    // engine drops the boundary event, so asking from `start` loses nothing.
    startTime: new Date(options.window.startMs),
    endTime: new Date(options.window.endMs),
    ratePerSecond: options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    clock: options.clock ?? systemClock,
    inFlight: new ConcurrencyLimit(maxInFlight),
    agents,
  };
  const stats: LiveCollectionStats = {
    accounts: plan.targets.length,
    accountsUnreadable: 0,
    accountsSkipped: plan.skipped,
    regionsRead: 0,
    requests: 0,
    throttled: 0,
    retried: 0,
    peakInFlight: 0,
  };

  async function readAccount(target: AccountTarget): Promise<void> {
    let regions: string[];
    try {
      regions = await regionsToRead(target);
    } catch (error) {
      stats.accountsUnreadable += 1;
      sink.addCoverage(unreadableAccount(target, describeError(error)));
      return;
    }
    if (regions.length === 0) {
      // Reading zero regions would leave the account looking clean.
      stats.accountsUnreadable += 1;
      sink.addCoverage(unreadableAccount(target, 'no enabled regions'));
      return;
    }
    await Promise.all(
      regions.map(async (region) => {
        const result = await readRegion(target, region, settings, sink);
        // Reported as each region ends, so a long scan shows progress in order of completion.
        sink.addCoverage(result.coverage);
        stats.regionsRead += 1;
        stats.requests += result.coverage.requests ?? 0;
        stats.throttled += result.throttled;
        stats.retried += result.retried;
      }),
    );
  }

  async function regionsToRead(target: AccountTarget): Promise<string[]> {
    // Entering the account first: a role that cannot be assumed fails here,
    // once, instead of once per region.
    if (target.roleArn !== undefined && typeof target.credentials === 'function') await target.credentials();
    if (options.regions !== 'all') return options.regions;
    const label = target.accountName !== undefined ? `${target.accountId} (${target.accountName})` : target.accountId;
    const list = () => describeRegionsCalls.run(() => enabledRegions(target.credentials, label));
    const generation = target.credentialGeneration?.() ?? 0;
    try {
      return await list();
    } catch (error) {
      // A session that AWS calls expired is assumed again, once.
      if (target.invalidateCredentials === undefined || !isExpiredCredentials(error instanceof Error ? error.cause : undefined)) throw error;
      target.invalidateCredentials(generation);
      return await list();
    }
  }

  try {
    await Promise.all(plan.targets.map(readAccount));
  } finally {
    agents.close();
    plan.close();
  }
  stats.peakInFlight = settings.inFlight.peakInUse;
  return stats;
}

/** Why a live scan has nothing to read: an organization whose accounts are all left out by their state, or an empty list. */
function noTargetsProblem(skipped: LiveCollectionStats['accountsSkipped']): string {
  if (skipped.length === 0) return 'no accounts to read: the account list is empty';
  const states = [...new Set(skipped.map((account) => account.state))].sort().join(', ');
  return `no accounts to read: none of the ${skipped.length} organization account(s) is ACTIVE (${states})`;
}

/** The one coverage entry of an account that could not be read at all: region `*`, the whole account. */
function unreadableAccount(target: AccountTarget, error: string): CoverageEntry {
  return {
    account: target.accountId,
    ...(target.accountName !== undefined ? { account_name: target.accountName } : {}),
    region: '*',
    status: 'error',
    error,
    requests: 0,
    events: 0,
  };
}
