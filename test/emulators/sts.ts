import type { AccountRegistry, Principal } from './accounts.js';
import { xmlEscape } from './responses.js';

/**
 * STS AssumeRole as the emulator answers it: every declared account has one
 * role of the configured name, trusting the principals of the listed
 * accounts, optionally with an `sts:ExternalId` condition. Issued keys act in
 * the role's account until they expire.
 */
export interface RoleOptions {
  /** The role every account has, e.g. `LoggingTamperGuardReader`. */
  name: string;
  /** Accounts whose role refuses the caller (its trust policy does not name it): AccessDenied. */
  deny?: string[];
  /** Accounts whose principals the roles trust; default: every declared account. */
  trustedAccounts?: string[];
  /** The `sts:ExternalId` the trust policies require; none when absent. */
  externalId?: string;
  /** How long sessions last, whatever DurationSeconds asks (real AWS: 900 s at least); fractions allowed for refresh tests. */
  sessionSeconds?: number;
}

export type StsOutcome = { ok: true; inner: string; targetAccount: string } | { ok: false; status: number; code: string; message: string };

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
// A role's MaxSessionDuration defaults to 1 hour, which is also the cap when a role session assumes another role.
const MAX_SESSION_SECONDS = 3600;

export function assumeRole(registry: AccountRegistry, roles: RoleOptions | undefined, caller: Principal, form: URLSearchParams, nowMs: number): StsOutcome {
  const roleArn = form.get('RoleArn') ?? '';
  const sessionName = form.get('RoleSessionName') ?? '';
  const externalId = form.get('ExternalId') ?? undefined;
  const duration = Number(form.get('DurationSeconds') ?? '3600');
  if (!SESSION_NAME.test(sessionName)) {
    return validation(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  }
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    return validation(`1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]*`);
  }
  if (!Number.isInteger(duration) || duration < 900) return validation(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`);
  if (duration > MAX_SESSION_SECONDS) return validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  const denied = { ok: false as const, status: 403, code: 'AccessDenied', message: `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}` };
  const match = ROLE_ARN.exec(roleArn);
  if (match === null) return validation(`${roleArn} is invalid`);
  const [, accountId = '', roleName = ''] = match;
  if (roles === undefined || !registry.has(accountId) || roleName !== roles.name) return denied;
  if (registry.account(accountId).status !== 'ACTIVE') return denied;
  if (roles.deny?.includes(accountId)) return denied;
  if (roles.trustedAccounts !== undefined && !roles.trustedAccounts.includes(caller.accountId)) return denied;
  if (roles.externalId !== undefined && externalId !== roles.externalId) return denied;

  const expiresAtMs = nowMs + (roles.sessionSeconds ?? duration) * 1000;
  const keys = registry.issueSession(accountId, roleName, sessionName, expiresAtMs);
  const assumed = registry.principal(keys.accessKeyId)!;
  return {
    ok: true,
    targetAccount: accountId,
    inner:
      `<AssumedRoleUser><Arn>${xmlEscape(assumed.arn)}</Arn><AssumedRoleId>${xmlEscape(assumed.userId)}</AssumedRoleId></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${keys.accessKeyId}</AccessKeyId><SecretAccessKey>${keys.secretAccessKey}</SecretAccessKey>` +
      `<SessionToken>${keys.sessionToken}</SessionToken><Expiration>${new Date(expiresAtMs).toISOString()}</Expiration></Credentials>` +
      `<PackedPolicySize>0</PackedPolicySize>`,
  };
}

function validation(message: string): StsOutcome {
  return { ok: false, status: 400, code: 'ValidationError', message };
}
