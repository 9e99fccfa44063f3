import { EventStore } from './event-store.js';

/** Regions AWS launched after March 2019: enabled only when the account opts in. */
const OPT_IN_REGIONS = new Set([
  'af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
]);

/** A fault injected into the next calls of one region. */
interface PendingFault {
  remaining: number;
  status: number;
}

interface PendingDelay {
  remaining: number;
  ms: number;
}

/** One emulated AWS account: its regions, their events, and the faults tests inject. */
export class EmulatedAccount {
  readonly enabledRegions: Set<string>;
  /** Regions DescribeRegions lists as `not-opted-in`; LookupEvents there fails as AWS does. */
  readonly disabledRegions = new Set<string>();
  readonly deniedRegions = new Map<string, string>();
  readonly faults = new Map<string, PendingFault>();
  readonly delays = new Map<string, PendingDelay>();
  private readonly stores = new Map<string, EventStore>();
  describeRegionsDenied = false;

  constructor(
    readonly id: string,
    readonly name: string | undefined,
    regions: readonly string[],
    /** The account's state in the organization, as ListAccounts reports it. */
    readonly status: AccountStatus = 'ACTIVE',
  ) {
    this.enabledRegions = new Set(regions);
  }

  store(region: string): EventStore {
    let store = this.stores.get(region);
    if (store === undefined) {
      store = new EventStore();
      this.stores.set(region, store);
    }
    return store;
  }

  optInStatus(region: string): 'opt-in-not-required' | 'opted-in' | 'not-opted-in' {
    if (this.disabledRegions.has(region) || !this.enabledRegions.has(region)) return 'not-opted-in';
    return OPT_IN_REGIONS.has(region) ? 'opted-in' : 'opt-in-not-required';
  }

  /** Takes one pending 5xx of the region, if any. */
  takeFault(region: string): number | undefined {
    const fault = this.faults.get(region);
    if (fault === undefined || fault.remaining <= 0) return undefined;
    fault.remaining -= 1;
    return fault.status;
  }

  /** Extra latency for this call of the region, if a delay is pending. */
  takeDelay(region: string): number {
    const delay = this.delays.get(region);
    if (delay === undefined || delay.remaining <= 0) return 0;
    delay.remaining -= 1;
    return delay.ms;
  }
}

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

/** Who a signed request acts as. Kept per access key so assumed-role keys can map to other accounts. */
export interface Principal {
  accountId: string;
  arn: string;
  userId: string;
  /** Temporary keys only: the session token that must accompany the key, and when the key stops working. */
  session?: { token: string; expiresAtMs: number; roleName: string };
}

/**
 * Accounts by id and principals by access key id. Long-term keys are issued
 * per account at start; STS AssumeRole (temporary keys for another account)
 * can later be added by issuing more keys here.
 */
export class AccountRegistry {
  private readonly accounts = new Map<string, EmulatedAccount>();
  private readonly principals = new Map<string, Principal>();
  private readonly keysByAccount = new Map<string, string>();

  private sessionsIssued = 0;

  addAccount(id: string, name: string | undefined, regions: readonly string[], status?: AccountStatus): EmulatedAccount {
    if (!/^\d{12}$/.test(id)) throw new Error(`emulator: account id "${id}" is not 12 digits`);
    if (this.accounts.has(id)) throw new Error(`emulator: account ${id} declared twice`);
    const account = new EmulatedAccount(id, name, regions, status);
    this.accounts.set(id, account);
    // 20 characters, like a real long-term key id; derived so tests can read it.
    const accessKeyId = `AKIAEMU0${id}`;
    this.issueKey(accessKeyId, { accountId: id, arn: `arn:aws:iam::${id}:user/scanner`, userId: `AIDAEMU0${id}` });
    this.keysByAccount.set(id, accessKeyId);
    return account;
  }

  issueKey(accessKeyId: string, principal: Principal): void {
    this.principals.set(accessKeyId, principal);
  }

  /** Temporary keys of a role session in `accountId` (STS AssumeRole), valid until `expiresAtMs`. */
  issueSession(accountId: string, roleName: string, sessionName: string, expiresAtMs: number): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
    this.sessionsIssued += 1;
    // 20 characters like a real temporary key id (ASIA...), unique per session.
    const accessKeyId = `ASIAEMU${String(this.sessionsIssued).padStart(13, '0')}`;
    const sessionToken = `emulator-session-${this.sessionsIssued}-${accountId}`;
    const roleId = `AROAEMU0${accountId}`;
    this.issueKey(accessKeyId, {
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
      session: { token: sessionToken, expiresAtMs, roleName },
    });
    return { accessKeyId, secretAccessKey: `emulator-secret-${accessKeyId}`, sessionToken };
  }

  /** Every temporary key of the account stops working now (as if its sessions had run out). */
  expireSessions(accountId: string, nowMs: number): void {
    for (const principal of this.principals.values()) {
      if (principal.accountId === accountId && principal.session !== undefined) principal.session.expiresAtMs = Math.min(principal.session.expiresAtMs, nowMs - 1);
    }
  }

  has(id: string): boolean {
    return this.accounts.has(id);
  }

  account(id: string): EmulatedAccount {
    const account = this.accounts.get(id);
    if (account === undefined) throw new Error(`emulator: no account ${id} (declared: ${[...this.accounts.keys()].join(', ')})`);
    return account;
  }

  accessKeyOf(accountId: string): string {
    this.account(accountId);
    return this.keysByAccount.get(accountId)!;
  }

  principal(accessKeyId: string): Principal | undefined {
    return this.principals.get(accessKeyId);
  }

  all(): EmulatedAccount[] {
    return [...this.accounts.values()];
  }
}
