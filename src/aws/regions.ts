import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { homeRegion, type CredentialsProvider } from './config.js';
import { describeAwsError } from './errors.js';
import { REGION_NAME } from './region-name.js';

const regionsResponseSchema = z.object({
  Regions: z.array(
    z.object({
      RegionName: z.string().regex(REGION_NAME, 'is not a region name'),
      OptInStatus: z.string(),
    }),
  ),
});

// Regions launched before 2019 need no opt-in; later ones are enabled per account.
const ENABLED_STATUSES = new Set(['opt-in-not-required', 'opted-in']);

/**
 * Every region enabled for the account the credentials belong to, sorted.
 * `AllRegions` lists disabled ones too, so the filter is ours and explicit.
 * A failure throws one line naming the account: without the list, "every
 * region" cannot be claimed, so the caller reports the account as unread.
 */
export async function enabledRegions(credentials: CredentialsProvider, accountLabel: string): Promise<string[]> {
  const region = homeRegion();
  const client = new EC2Client({ region, credentials });
  try {
    let response: unknown;
    try {
      response = await client.send(new DescribeRegionsCommand({ AllRegions: true }));
    } catch (error) {
      throw new Error(`cannot list the enabled regions of account ${accountLabel} (ec2:DescribeRegions in ${region}): ${describeAwsError(error)}`, { cause: error });
    }
    const parsed = regionsResponseSchema.safeParse(response);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`unexpected ec2:DescribeRegions response: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is not valid'}`.trim());
    }
    const names = parsed.data.Regions.filter((r) => ENABLED_STATUSES.has(r.OptInStatus)).map((r) => r.RegionName);
    return [...new Set(names)].sort();
  } finally {
    client.destroy();
  }
}
