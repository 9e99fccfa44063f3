import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { z } from 'zod';

/** An account of the organization that can be scanned. */
interface OrganizationAccount {
  id: string;
  name?: string;
}

// Organizations is replacing `Status` with `State`; either may be present,
// and only accounts that are ACTIVE can be read.
const accountSchema = z.looseObject({
  Id: z.string().regex(/^\d{12}$/),
  Name: z.string().optional(),
  State: z.string().optional(),
  Status: z.string().optional(),
});
const pageSchema = z.looseObject({ Accounts: z.array(accountSchema).default([]), NextToken: z.string().optional() });

export interface OrganizationListing {
  active: OrganizationAccount[];
  /** Accounts left out because they are suspended, closing or not yet active, with that state. */
  inactive: { id: string; name?: string; state: string }[];
}

/**
 * Lists every account of the caller's AWS Organization (ListAccounts, paged
 * to the end). Needs `organizations:ListAccounts` in the management account
 * or a delegated administrator account.
 */
export async function listOrganizationAccounts(client: OrganizationsClient): Promise<OrganizationListing> {
  const listing: OrganizationListing = { active: [], inactive: [] };
  let nextToken: string | undefined;
  do {
    const parsed = pageSchema.safeParse(await client.send(new ListAccountsCommand({ NextToken: nextToken })));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`unexpected ListAccounts response: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is not valid'}`.trim());
    }
    const page = parsed.data;
    for (const account of page.Accounts) {
      const state = account.State ?? account.Status ?? 'ACTIVE';
      const entry = account.Name !== undefined ? { id: account.Id, name: account.Name } : { id: account.Id };
      if (state === 'ACTIVE') listing.active.push(entry);
      else listing.inactive.push({ ...entry, state });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined && nextToken !== '');
  listing.active.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return listing;
}
