import { z } from 'zod';
import type { AccountRegistry, Principal } from './accounts.js';

/**
 * AWS Organizations ListAccounts (JSON 1.1) over the emulator's accounts:
 * every declared account is a member, listed in declaration order, at most
 * 20 a page like the real API, paged with an opaque NextToken.
 */
export interface OrganizationOptions {
  /** The management account: its principals (and delegated administrators') may list the accounts. */
  managementAccount: string;
  delegatedAdministrators?: string[];
}

export type OrganizationsOutcome = { ok: true; body: unknown } | { ok: false; code: string; message: string };

const MAX_PAGE = 20;
const ORGANIZATION_ID = 'o-emulator01';

const requestSchema = z.object({ NextToken: z.string().optional(), MaxResults: z.number().int().optional() });

export function listAccounts(registry: AccountRegistry, organization: OrganizationOptions | undefined, caller: Principal, rawBody: string): OrganizationsOutcome {
  if (organization === undefined) return { ok: false, code: 'AWSOrganizationsNotInUseException', message: 'Your account is not a member of an organization.' };
  const allowed = [organization.managementAccount, ...(organization.delegatedAdministrators ?? [])];
  if (!allowed.includes(caller.accountId)) {
    return { ok: false, code: 'AccessDeniedException', message: 'You don’t have permissions to access this resource.' };
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody === '' ? '{}' : rawBody);
  } catch {
    return { ok: false, code: 'SerializationException', message: 'Request body is not JSON' };
  }
  const request = requestSchema.safeParse(json);
  if (!request.success) return { ok: false, code: 'InvalidInputException', message: request.error.issues[0]?.message ?? 'invalid request' };
  const size = request.data.MaxResults ?? MAX_PAGE;
  if (size < 1 || size > MAX_PAGE) return { ok: false, code: 'InvalidInputException', message: `MaxResults must be from 1 to ${MAX_PAGE}.` };
  let offset = 0;
  if (request.data.NextToken !== undefined) {
    const decoded = Number(Buffer.from(request.data.NextToken, 'base64url').toString('utf8').replace(/^accounts:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) return { ok: false, code: 'InvalidInputException', message: 'The NextToken is not valid.' };
    offset = decoded;
  }
  const accounts = registry.all();
  const page = accounts.slice(offset, offset + size);
  const next = offset + page.length;
  return {
    ok: true,
    body: {
      Accounts: page.map((account) => ({
        Id: account.id,
        Arn: `arn:aws:organizations::${organization.managementAccount}:account/${ORGANIZATION_ID}/${account.id}`,
        Email: `aws+${account.id}@example.com`,
        ...(account.name !== undefined ? { Name: account.name } : {}),
        Status: account.status,
        State: account.status,
        JoinedMethod: account.id === organization.managementAccount ? 'INVITED' : 'CREATED',
        JoinedTimestamp: 1_600_000_000,
      })),
      ...(next < accounts.length ? { NextToken: Buffer.from(`accounts:${next}`).toString('base64url') } : {}),
    },
  };
}
