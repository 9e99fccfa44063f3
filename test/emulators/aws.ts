import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AccountRegistry, type AccountStatus, type EmulatedAccount, type Principal } from './accounts.js';
import type { StoredEvent } from './event-store.js';
import { lookupEvents } from './lookup-events.js';
import { listAccounts, type OrganizationOptions } from './organizations.js';
import { assumeRole, type RoleOptions } from './sts.js';
import { RateWindow } from './rate-window.js';
import { sendEc2, sendEc2Error, sendJson, sendJsonError, sendQuery, sendQueryError, xmlEscape } from './responses.js';
import { signedScopeOf } from './sigv4.js';

/**
 * A loopback AWS for tests and benchmarks: CloudTrail LookupEvents (JSON
 * 1.1), EC2 DescribeRegions, STS GetCallerIdentity and AssumeRole (query
 * protocol, XML) and Organizations ListAccounts (JSON 1.1), on one HTTP
 * server at 127.0.0.1. The caller's account and region come from the SigV4
 * credential scope (temporary keys act in the account of their role);
 * LookupEvents is limited per (account, region) like the real API, and
 * faults can be injected per region.
 */
export interface AccountSpec {
  id: string;
  name?: string;
  /** Enabled regions; DescribeRegions lists them, LookupEvents answers in them. */
  regions: string[];
  /** State in the organization (ListAccounts); only ACTIVE accounts' roles can be assumed. Default ACTIVE. */
  status?: AccountStatus;
}

export type { OrganizationOptions, RoleOptions };

export interface AwsEmulatorOptions {
  accounts: AccountSpec[];
  /** The accounts form an AWS Organization with this management account (ListAccounts answers). */
  organization?: OrganizationOptions;
  /** Every account has this role for STS AssumeRole; without it AssumeRole is always denied. */
  roles?: RoleOptions;
  /** Added to every call before it is answered (after the rate check, which sees arrival time). */
  latencyMs?: number;
  /** LookupEvents requests per second per (account, region); the real API allows 2. */
  ratePerSecond?: number;
}

/** A raw CloudTrail record (as in a log file's `Records`); needs eventTime and eventName. */
export type CloudTrailRecord = Record<string, unknown>;

export interface RegionStats {
  calls: number;
  throttled: number;
  /** The most LookupEvents arrivals (throttled included) seen in any one-second window. */
  maxObservedRate: number;
}

export interface AwsEmulatorStats {
  /** LookupEvents calls, all regions. */
  lookupEvents: number;
  /** Keyed `account/region`. */
  regions: Record<string, RegionStats>;
  /** Distinct EventName attribute values asked for, sorted; `(none)` for a lookup without attribute. */
  eventNamesRequested: string[];
  throttled: number;
  faultsServed: number;
  maxObservedRate: number;
  describeRegions: number;
  getCallerIdentity: number;
  /** Successful AssumeRole calls, and those keyed by the account of the role. */
  assumeRole: number;
  assumeRoleByAccount: Record<string, number>;
  assumeRoleDenied: number;
  /** ListAccounts calls (pages). */
  listAccounts: number;
  /** Calls refused because their temporary key had expired. */
  expiredTokens: number;
  /** The most LookupEvents requests being answered at the same moment, all accounts and regions. */
  maxConcurrentLookups: number;
}

export interface AwsEmulator {
  readonly url: string;
  /** Environment for the SDK's default chain, acting as the account's long-term key. */
  env(accountId: string): Record<string, string>;
  addRecords(accountId: string, region: string, records: readonly CloudTrailRecord[]): void;
  /** An event whose CloudTrailEvent string is not valid JSON. */
  addMalformed(accountId: string, region: string, event: { eventName: string; eventTime: string; eventId?: string; text?: string }): void;
  /** LookupEvents in the region answers with this error code (default AccessDeniedException). */
  denyRegion(accountId: string, region: string, code?: string): void;
  /** The region is listed as not-opted-in and LookupEvents there fails as AWS does for a disabled region. */
  disableRegion(accountId: string, region: string): void;
  /** The next `count` LookupEvents calls of the region answer with HTTP `status` (5xx). */
  failNext(accountId: string, region: string, count: number, status?: number): void;
  /** The next `count` LookupEvents calls of the region take `ms` longer (to trigger client timeouts). */
  delayNext(accountId: string, region: string, count: number, ms: number): void;
  /** ec2:DescribeRegions answers UnauthorizedOperation for the account. */
  denyDescribeRegions(accountId: string): void;
  /** organizations:ListAccounts answers AccessDeniedException. */
  denyListAccounts(): void;
  /** Every temporary key of the account expires now (its next call answers ExpiredToken). */
  expireSessions(accountId: string): void;
  setLatency(ms: number): void;
  readonly stats: AwsEmulatorStats;
  resetStats(): void;
  close(): Promise<void>;
}

const ACCESS_DENIED_MESSAGES: Record<string, (arn: string, region: string) => string> = {
  AccessDeniedException: (arn, region) =>
    `User: ${arn} is not authorized to perform: cloudtrail:LookupEvents on resource: arn:aws:cloudtrail:${region}:*:* with an explicit deny in a service control policy`,
  UnrecognizedClientException: () => 'The security token included in the request is invalid.',
};

class StatsRecorder {
  lookupEvents = 0;
  throttled = 0;
  faultsServed = 0;
  describeRegions = 0;
  getCallerIdentity = 0;
  assumeRole = 0;
  readonly assumeRoleByAccount = new Map<string, number>();
  assumeRoleDenied = 0;
  listAccounts = 0;
  expiredTokens = 0;
  concurrentLookups = 0;
  maxConcurrentLookups = 0;
  readonly eventNames = new Set<string>();
  readonly regions = new Map<string, { calls: number; throttled: number; window: RateWindow }>();

  constructor(private readonly ratePerSecond: number) {}

  region(key: string) {
    let entry = this.regions.get(key);
    if (entry === undefined) {
      entry = { calls: 0, throttled: 0, window: new RateWindow(this.ratePerSecond) };
      this.regions.set(key, entry);
    }
    return entry;
  }

  snapshot(): AwsEmulatorStats {
    const regions: Record<string, RegionStats> = {};
    for (const [key, entry] of [...this.regions].sort(([a], [b]) => (a < b ? -1 : 1))) {
      regions[key] = { calls: entry.calls, throttled: entry.throttled, maxObservedRate: entry.window.maxObservedRate };
    }
    return {
      lookupEvents: this.lookupEvents,
      regions,
      eventNamesRequested: [...this.eventNames].sort(),
      throttled: this.throttled,
      faultsServed: this.faultsServed,
      maxObservedRate: Math.max(0, ...Object.values(regions).map((r) => r.maxObservedRate)),
      describeRegions: this.describeRegions,
      getCallerIdentity: this.getCallerIdentity,
      assumeRole: this.assumeRole,
      assumeRoleByAccount: Object.fromEntries([...this.assumeRoleByAccount].sort(([a], [b]) => (a < b ? -1 : 1))),
      assumeRoleDenied: this.assumeRoleDenied,
      listAccounts: this.listAccounts,
      expiredTokens: this.expiredTokens,
      maxConcurrentLookups: this.maxConcurrentLookups,
    };
  }
}

export async function startAwsEmulator(options: AwsEmulatorOptions): Promise<AwsEmulator> {
  const registry = new AccountRegistry();
  for (const spec of options.accounts) registry.addAccount(spec.id, spec.name, spec.regions, spec.status);
  const ratePerSecond = options.ratePerSecond ?? 2;
  let latencyMs = options.latencyMs ?? 0;
  let stats = new StatsRecorder(ratePerSecond);
  let listAccountsDenied = false;

  /**
   * The principal of a signed request, or why it is refused: an unknown key,
   * a temporary key without its session token, or one whose session ran out.
   */
  function authenticate(req: IncomingMessage, accessKeyId: string | undefined): Principal | 'invalid' | 'expired' {
    const principal = accessKeyId === undefined ? undefined : registry.principal(accessKeyId);
    if (principal === undefined) return 'invalid';
    if (principal.session === undefined) return principal;
    if (req.headers['x-amz-security-token'] !== principal.session.token) return 'invalid';
    if (Date.now() >= principal.session.expiresAtMs) {
      stats.expiredTokens += 1;
      return 'expired';
    }
    return principal;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Stamped before the body is read: the limit counts arrivals, and reading
    // the body takes a varying number of event-loop turns.
    const arrivedAt = performance.now();
    const body = await readBody(req);
    const scope = signedScopeOf(req.headers.authorization);
    const target = String(req.headers['x-amz-target'] ?? '');
    const form = new URLSearchParams(req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? body : '');
    const service = scope?.service ?? (target !== '' ? 'cloudtrail' : ['GetCallerIdentity', 'AssumeRole'].includes(form.get('Action') ?? '') ? 'sts' : 'ec2');
    const auth = authenticate(req, scope?.accessKeyId);
    const principal = typeof auth === 'string' ? undefined : auth;

    if (service === 'cloudtrail') {
      if (!target.endsWith('CloudTrail_20131101.LookupEvents')) {
        return sendJsonError(res, 400, 'UnknownOperationException', `The emulator does not implement ${target || 'this operation'}`);
      }
      if (principal === undefined || scope === undefined) {
        await sleep(latencyMs);
        if (auth === 'expired') return sendJsonError(res, 400, 'ExpiredTokenException', 'The security token included in the request is expired');
        return sendJsonError(res, 400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      }
      return handleLookupEvents(registry.account(principal.accountId), principal.arn, scope.region, body, res, arrivedAt);
    }
    await sleep(latencyMs);
    if (service === 'organizations') {
      stats.listAccounts += 1;
      if (!target.endsWith('AWSOrganizationsV20161128.ListAccounts')) {
        return sendJsonError(res, 400, 'UnknownOperationException', `The emulator does not implement ${target || 'this operation'}`);
      }
      if (auth === 'expired') return sendJsonError(res, 400, 'ExpiredTokenException', 'The security token included in the request is expired');
      if (principal === undefined) return sendJsonError(res, 400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      if (listAccountsDenied) return sendJsonError(res, 400, 'AccessDeniedException', 'You don’t have permissions to access this resource.');
      const outcome = listAccounts(registry, options.organization, principal, body);
      return outcome.ok ? sendJson(res, outcome.body) : sendJsonError(res, 400, outcome.code, outcome.message);
    }
    if (service === 'sts') {
      const action = form.get('Action');
      if (action !== 'GetCallerIdentity' && action !== 'AssumeRole') return sendQueryError(res, 400, 'InvalidAction', `The emulator does not implement ${action ?? 'this action'}`);
      if (action === 'GetCallerIdentity') stats.getCallerIdentity += 1;
      if (auth === 'expired') return sendQueryError(res, 400, 'ExpiredToken', 'The security token included in the request is expired');
      if (principal === undefined) return sendQueryError(res, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      if (action === 'AssumeRole') {
        const outcome = assumeRole(registry, options.roles, principal, form, Date.now());
        if (!outcome.ok) {
          if (outcome.code === 'AccessDenied') stats.assumeRoleDenied += 1;
          return sendQueryError(res, outcome.status, outcome.code, outcome.message);
        }
        stats.assumeRole += 1;
        stats.assumeRoleByAccount.set(outcome.targetAccount, (stats.assumeRoleByAccount.get(outcome.targetAccount) ?? 0) + 1);
        return sendQuery(res, 'AssumeRole', outcome.inner);
      }
      return sendQuery(
        res,
        'GetCallerIdentity',
        `<Arn>${xmlEscape(principal.arn)}</Arn><UserId>${xmlEscape(principal.userId)}</UserId><Account>${principal.accountId}</Account>`,
      );
    }
    if (service === 'ec2') {
      stats.describeRegions += 1;
      if (form.get('Action') !== 'DescribeRegions') return sendEc2Error(res, 400, 'InvalidAction', `The emulator does not implement ${form.get('Action') ?? 'this action'}`);
      if (auth === 'expired') return sendEc2Error(res, 400, 'RequestExpired', 'Request has expired.');
      if (principal === undefined) return sendEc2Error(res, 401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
      const account = registry.account(principal.accountId);
      if (account.describeRegionsDenied) return sendEc2Error(res, 403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.');
      const all = form.get('AllRegions') === 'true';
      const names = [...new Set([...account.enabledRegions, ...account.disabledRegions])].sort();
      const items = names
        .filter((name) => all || account.optInStatus(name) !== 'not-opted-in')
        .map((name) => `<item><regionName>${name}</regionName><regionEndpoint>ec2.${name}.amazonaws.com</regionEndpoint><optInStatus>${account.optInStatus(name)}</optInStatus></item>`)
        .join('');
      return sendEc2(res, 'DescribeRegions', `<regionInfo>${items}</regionInfo>`);
    }
    return sendJsonError(res, 400, 'UnknownOperationException', `The emulator does not implement service ${service}`);
  }

  async function handleLookupEvents(account: EmulatedAccount, arn: string, region: string, body: string, res: ServerResponse, arrivedAt: number): Promise<void> {
    const key = `${account.id}/${region}`;
    const regionStats = stats.region(key);
    stats.lookupEvents += 1;
    regionStats.calls += 1;
    // Decided on arrival, like the real limit; the answer leaves after the latency.
    const admitted = regionStats.window.admit(arrivedAt);
    const fault = admitted ? account.takeFault(region) : undefined;
    const recorder = stats;
    recorder.concurrentLookups += 1;
    recorder.maxConcurrentLookups = Math.max(recorder.maxConcurrentLookups, recorder.concurrentLookups);
    try {
      await sleep(latencyMs + account.takeDelay(region));
    } finally {
      // Counted down before the answer leaves, so the client can never see fewer in flight than this.
      recorder.concurrentLookups -= 1;
    }

    if (account.optInStatus(region) === 'not-opted-in') {
      return sendJsonError(res, 400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const denied = account.deniedRegions.get(region);
    if (denied !== undefined) {
      const message = (ACCESS_DENIED_MESSAGES[denied] ?? (() => `Access denied (${denied})`))(arn, region);
      return sendJsonError(res, 400, denied, message);
    }
    if (!admitted) {
      stats.throttled += 1;
      regionStats.throttled += 1;
      return sendJsonError(res, 400, 'ThrottlingException', 'Rate exceeded');
    }
    if (fault !== undefined) {
      stats.faultsServed += 1;
      return sendJsonError(res, fault, fault === 503 ? 'ServiceUnavailableException' : 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.');
    }
    const outcome = lookupEvents(account.store(region), body, Date.now());
    if (!outcome.ok) return sendJsonError(res, 400, outcome.code, outcome.message);
    stats.eventNames.add(outcome.eventName ?? '(none)');
    return sendJson(res, outcome.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJsonError(res, 500, 'InternalFailure', `emulator bug: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    env(accountId) {
      const account = registry.account(accountId);
      return {
        AWS_ACCESS_KEY_ID: registry.accessKeyOf(accountId),
        AWS_SECRET_ACCESS_KEY: `emulator-secret-${accountId}`,
        AWS_REGION: [...account.enabledRegions][0] ?? 'us-east-1',
        AWS_ENDPOINT_URL_CLOUDTRAIL: url,
        AWS_ENDPOINT_URL_EC2: url,
        AWS_ENDPOINT_URL_STS: url,
        AWS_ENDPOINT_URL_ORGANIZATIONS: url,
        AWS_EC2_METADATA_DISABLED: 'true',
      };
    },
    addRecords(accountId, region, records) {
      const store = registry.account(accountId).store(region);
      for (const record of records) store.add(storedEventOf(record));
    },
    addMalformed(accountId, region, event) {
      registry.account(accountId).store(region).add({
        eventId: event.eventId ?? randomUUID(),
        eventName: event.eventName,
        eventSource: 'unknown.amazonaws.com',
        eventTimeMs: Date.parse(event.eventTime),
        username: undefined,
        accessKeyId: undefined,
        readOnly: undefined,
        cloudTrailEvent: event.text ?? '{"eventVersion":"1.08","userIdentity":{"type":',
      });
    },
    denyRegion(accountId, region, code = 'AccessDeniedException') {
      registry.account(accountId).deniedRegions.set(region, code);
    },
    disableRegion(accountId, region) {
      registry.account(accountId).disabledRegions.add(region);
    },
    failNext(accountId, region, count, status = 500) {
      registry.account(accountId).faults.set(region, { remaining: count, status });
    },
    delayNext(accountId, region, count, ms) {
      registry.account(accountId).delays.set(region, { remaining: count, ms });
    },
    denyDescribeRegions(accountId) {
      registry.account(accountId).describeRegionsDenied = true;
    },
    denyListAccounts() {
      listAccountsDenied = true;
    },
    expireSessions(accountId) {
      registry.expireSessions(accountId, Date.now());
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    get stats() {
      return stats.snapshot();
    },
    resetStats() {
      stats = new StatsRecorder(ratePerSecond);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function storedEventOf(record: CloudTrailRecord): StoredEvent {
  const text = (key: string): string | undefined => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
  const eventName = text('eventName');
  const eventTime = text('eventTime');
  const eventTimeMs = eventTime === undefined ? NaN : Date.parse(eventTime);
  if (eventName === undefined || Number.isNaN(eventTimeMs)) throw new Error('emulator: a record needs eventName and an ISO eventTime');
  const identity = typeof record['userIdentity'] === 'object' && record['userIdentity'] !== null ? (record['userIdentity'] as Record<string, unknown>) : {};
  return {
    eventId: text('eventID') ?? randomUUID(),
    eventName,
    eventSource: text('eventSource') ?? 'unknown.amazonaws.com',
    eventTimeMs,
    username: typeof identity['userName'] === 'string' ? identity['userName'] : undefined,
    accessKeyId: typeof identity['accessKeyId'] === 'string' ? identity['accessKeyId'] : undefined,
    readOnly: typeof record['readOnly'] === 'boolean' ? record['readOnly'] : undefined,
    cloudTrailEvent: JSON.stringify(record),
  };
}
