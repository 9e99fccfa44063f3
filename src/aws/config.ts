import type { STSClient } from '@aws-sdk/client-sts';

/**
 * A source of AWS credentials as the SDK clients take it (a provider
 * function, resolved lazily and refreshed by the SDK when it expires).
 */
export type CredentialsProvider = STSClient['config']['credentials'];

/**
 * The region for account-wide calls (STS, EC2 DescribeRegions): the one the
 * environment names, as the AWS CLI reads it, else us-east-1, which every
 * account has.
 */
export function homeRegion(env: NodeJS.ProcessEnv = process.env): string {
  const named = env['AWS_REGION']?.trim() || env['AWS_DEFAULT_REGION']?.trim();
  return named || 'us-east-1';
}
