import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { Accounts } from '../config.js';
import { UsageError } from '../errors.js';
import { assumeRoleCredentials, partitionOf, roleArnFor, sessionNameFor } from './assume-role.js';
import { homeRegion, type CredentialsProvider } from './config.js';
import { describeAwsError } from './errors.js';
import { callerIdentity, type CallerIdentity } from './identity.js';
import { listOrganizationAccounts, type OrganizationListing } from './organization-accounts.js';

/**
 * One AWS account to read, with the credentials that read it. Collection
 * works on a list of these; how the list is made (the current account, a
 * list of accounts or an organization's, through assumed roles) is decided
 * here and nowhere else.
 */
export interface AccountTarget {
  accountId: string;
  accountName?: string;
  credentials: CredentialsProvider;
  /** The role the account is read through; absent for the credentials' own account. */
  roleArn?: string;
  /** The current session's generation, to hand back to `invalidateCredentials` when AWS rejects it. */
  credentialGeneration?: () => number;
  /** Drops the session of that generation (or an older one) that AWS called expired, so the next request assumes the role again. */
  invalidateCredentials?: (generation: number) => void;
}

/** Which accounts to read and how to get into the ones that are not the caller's. */
export interface AccountSelection {
  accounts: Accounts;
  roleName?: string;
  externalId?: string;
}

interface TargetPlan {
  caller: CallerIdentity;
  targets: AccountTarget[];
  /** Organization accounts that are not ACTIVE (suspended, closing): listed, not read. */
  skipped: OrganizationListing['inactive'];
  /** Releases the STS client the role sessions are refreshed with; call after the last request. */
  close(): void;
}

interface PlanOptions {
  /** Runs each AssumeRole call (first and refreshes), e.g. under a concurrency limit. */
  scheduleAssumeRole?: <T>(call: () => Promise<T>) => Promise<T>;
  sessionName?: string;
  now?: () => number;
}

/**
 * The accounts to read, each with its credentials. The caller's own account,
 * when selected, is read with the caller's credentials: assuming a role in
 * one's own account would need that role to exist there and trust itself,
 * for no gain. Other accounts are read through `roleName`; AssumeRole happens
 * lazily (the first request of the account), so a role that cannot be
 * assumed fails that account only. Failing to list the organization is fatal.
 */
export async function planTargets(selection: AccountSelection, options: PlanOptions = {}): Promise<TargetPlan> {
  // One STS client for the run: it identifies the caller, then assumes the
  // member roles (and renews their sessions) with the same credentials.
  const sts = new STSClient({ region: homeRegion() });
  try {
    return await planWith(sts, selection, options);
  } catch (error) {
    sts.destroy();
    throw error;
  }
}

async function planWith(sts: STSClient, selection: AccountSelection, options: PlanOptions): Promise<TargetPlan> {
  const caller = await callerIdentity(sts);
  let skipped: OrganizationListing['inactive'] = [];
  let wanted: { id: string; name?: string }[];
  if (selection.accounts === 'current') {
    wanted = [{ id: caller.accountId }];
  } else if (selection.accounts === 'organization') {
    const listing = await organizationListing(caller);
    wanted = listing.active;
    skipped = listing.inactive;
  } else {
    wanted = [...new Set(selection.accounts)].map((id) => ({ id }));
  }

  const roleName = selection.roleName;
  const foreign = wanted.find((account) => account.id !== caller.accountId);
  if (foreign !== undefined && roleName === undefined) {
    throw new UsageError(`accounts: ${foreign.id} is not the account of the credentials (${caller.accountId}), so role-name is needed to read it`);
  }
  const sessionName = options.sessionName ?? sessionNameFor();

  const targets = wanted.map((account): AccountTarget => {
    const named = account.name !== undefined ? { accountName: account.name } : {};
    if (account.id === caller.accountId || roleName === undefined) {
      return { accountId: account.id, ...named, credentials: caller.credentials };
    }
    const roleArn = roleArnFor(partitionOf(caller.arn), account.id, roleName);
    const credentials = assumeRoleCredentials({
      sts,
      roleArn,
      sessionName,
      ...(selection.externalId !== undefined ? { externalId: selection.externalId } : {}),
      ...(options.scheduleAssumeRole !== undefined ? { schedule: options.scheduleAssumeRole } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
    });
    return {
      accountId: account.id,
      ...named,
      credentials,
      roleArn,
      credentialGeneration: credentials.generation,
      invalidateCredentials: credentials.invalidate,
    };
  });
  return { caller, targets, skipped, close: () => sts.destroy() };
}

async function organizationListing(caller: CallerIdentity): Promise<OrganizationListing> {
  const client = new OrganizationsClient({ region: homeRegion(), credentials: caller.credentials });
  try {
    return await listOrganizationAccounts(client);
  } catch (error) {
    throw new Error(`cannot list the accounts of the organization (organizations:ListAccounts as ${caller.arn}): ${describeAwsError(error)}`);
  } finally {
    client.destroy();
  }
}
