import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { z } from 'zod';
import { homeRegion, type CredentialsProvider } from './config.js';
import { describeAwsError } from './errors.js';

const callerIdentitySchema = z.object({
  Account: z.string().regex(/^\d{12}$/, 'is not a 12-digit account id'),
  Arn: z.string().startsWith('arn:', 'is not an ARN'),
});

export interface CallerIdentity {
  accountId: string;
  /** The caller's ARN: its partition is that of every role assumed from it. */
  arn: string;
  /** The credentials that were checked: the default chain's provider, memoized by the SDK. */
  credentials: CredentialsProvider;
}

/**
 * Asks STS who the credentials of `sts` belong to. No IAM permission is
 * needed, so a failure here means there are no usable credentials at all:
 * fatal, in one line.
 */
export async function callerIdentity(sts: STSClient): Promise<CallerIdentity> {
  let response: unknown;
  try {
    response = await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    throw new Error(`cannot identify the AWS account (sts:GetCallerIdentity in ${homeRegion()}): ${describeAwsError(error)}`);
  }
  const parsed = callerIdentitySchema.safeParse(response);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`unexpected sts:GetCallerIdentity response: ${String(issue?.path[0] ?? 'Account')} ${issue?.message ?? 'is missing'}`);
  }
  // The client's resolved provider is the default chain, already resolved once
  // and cached: every regional client of this account reuses it.
  return { accountId: parsed.data.Account, arn: parsed.data.Arn, credentials: sts.config.credentials };
}
