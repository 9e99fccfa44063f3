import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { z } from 'zod';
import { describeAwsError } from './errors.js';

const credentialsSchema = z.looseObject({
  Credentials: z.looseObject({
    AccessKeyId: z.string().min(1),
    SecretAccessKey: z.string().min(1),
    SessionToken: z.string().min(1),
    Expiration: z.date(),
  }),
});

interface AssumeRoleOptions {
  sts: STSClient;
  roleArn: string;
  sessionName: string;
  externalId?: string;
  /** Session length asked for; roles allow 1 hour by default, which is also the cap for role chaining. */
  durationSeconds?: number;
  /** Runs each AssumeRole call, e.g. under a limit on concurrent calls; directly when absent. */
  schedule?: <T>(call: () => Promise<T>) => Promise<T>;
  /** Milliseconds since the epoch; the session's expiry is compared with it. */
  now?: () => number;
}

/** A credential provider that can be told its session no longer works (AWS answered ExpiredToken). */
/**
 * The provider, plus what a caller needs when AWS rejects a session early:
 * which session is current (a count of the sessions assumed so far), and a
 * way to drop it. Dropping names the session the failed request could have
 * used, so a late rejection of an old session, from a request that was
 * already in flight, cannot throw away the fresh one.
 */
interface RoleCredentials extends AwsCredentialIdentityProvider {
  generation(): number;
  invalidate(generation: number): void;
}

/**
 * How long before its expiry a session is replaced: 5 minutes, as the SDK's
 * own cache does, or a quarter of the session's life when that is shorter.
 */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/** An AssumeRole that failed: names the role, keeps the AWS error's code and text on one line. */
class AssumeRoleError extends Error {
  override readonly name = 'AssumeRoleError';
  constructor(
    readonly roleArn: string,
    readonly awsError: unknown,
  ) {
    super(`sts:AssumeRole of ${roleArn} failed: ${describeAwsError(awsError)}`, { cause: awsError });
  }
}

/**
 * A credential provider that assumes a role, keeps the session, and assumes
 * it again shortly before it expires, so long scans of large organizations
 * keep working past the session's end. It is shared by every client of the
 * account (one AssumeRole per account, not per region), and concurrent
 * callers share one request. The identity carries `expiration`, so each SDK
 * client's cache asks again in time.
 */
export function assumeRoleCredentials(options: AssumeRoleOptions): RoleCredentials {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? ((call) => call());
  let current: { identity: AwsCredentialIdentity; refreshAtMs: number; generation: number } | undefined;
  let generation = 0;
  let pending: Promise<AwsCredentialIdentity> | undefined;

  const assume = async (): Promise<AwsCredentialIdentity> => {
    const requestedAt = now();
    let response: unknown;
    try {
      response = await schedule(() =>
        options.sts.send(
          new AssumeRoleCommand({
            RoleArn: options.roleArn,
            RoleSessionName: options.sessionName,
            ExternalId: options.externalId,
            DurationSeconds: options.durationSeconds ?? 3600,
          }),
        ),
      );
    } catch (error) {
      throw new AssumeRoleError(options.roleArn, error);
    }
    const parsed = credentialsSchema.safeParse(response);
    if (!parsed.success) throw new AssumeRoleError(options.roleArn, new Error(`unexpected response: ${parsed.error.issues[0]?.message ?? 'not valid'}`));
    const c = parsed.data.Credentials;
    const expiresAtMs = c.Expiration.getTime();
    const lifetimeMs = Math.max(0, expiresAtMs - requestedAt);
    generation += 1;
    current = {
      generation,
      identity: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
      refreshAtMs: expiresAtMs - Math.min(REFRESH_BEFORE_EXPIRY_MS, lifetimeMs / 4),
    };
    return current.identity;
  };

  const provider = (async () => {
    if (current !== undefined && now() < current.refreshAtMs) return current.identity;
    pending ??= assume().finally(() => {
      pending = undefined;
    });
    return pending;
  }) as RoleCredentials;
  provider.generation = () => generation;
  provider.invalidate = (rejected) => {
    if (current !== undefined && current.generation <= rejected) current = undefined;
  };
  return provider;
}

/** `arn:<partition>:iam::<account>:role/<name>`; a role name may carry a path (`ops/scanner`). */
export function roleArnFor(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName.replace(/^\/+/, '')}`;
}

/** The partition of an ARN (`aws`, `aws-us-gov`, `aws-cn`), from the caller identity. */
export function partitionOf(arn: string): string {
  return arn.split(':')[1] || 'aws';
}

/**
 * A role session name that identifies the run in the member account's
 * CloudTrail: GitHub run id when there is one. AWS allows [\w+=,.@-], 2..64.
 */
export function sessionNameFor(env: NodeJS.ProcessEnv = process.env): string {
  const run = env['GITHUB_RUN_ID'] !== undefined ? `gh-${env['GITHUB_RUN_ID']}-${env['GITHUB_RUN_ATTEMPT'] ?? '1'}` : `cli-${Date.now()}`;
  return `logging-tamper-guard-${run}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
