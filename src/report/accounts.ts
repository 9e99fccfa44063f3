import type { RuleAlert } from '../detections/detection.js';
import type { CoverageEntry, Report } from './model.js';

/**
 * Which account ids to show, and under which names, for every renderer
 * (Markdown, text, annotations, the tracking issue). Names are whatever the
 * account's owner (or anyone allowed to rename it) typed: renderers must
 * escape them like any other value an attacker controls.
 */

/** Account id -> name, as far as the report knows them. */
export type AccountNames = ReadonlyMap<string, string>;

/**
 * The most characters of an account name any renderer shows. AWS
 * Organizations allows 50: a longer name is not one AWS would show, and is
 * cut (saying so) so that it cannot flood every line it is on.
 */
export const ACCOUNT_NAME_MAX_LENGTH = 60;

/** The coverage region of an account that was not read at all (its role not assumable, its regions not listable). */
const WHOLE_ACCOUNT = '*';

export const isWholeAccount = (entry: Pick<CoverageEntry, 'region'>): boolean => entry.region === WHOLE_ACCOUNT;

/** Names from coverage entries and alerts (the account each was read from). */
export function accountNamesOf(report: Partial<Pick<Report, 'coverage' | 'alerts'>>): Map<string, string> {
  const names = new Map<string, string>();
  const remember = (account: string | null, name: string | null | undefined): void => {
    if (account !== null && name !== undefined && name !== null && !names.has(account)) names.set(account, name);
  };
  for (const entry of report.coverage ?? []) remember(entry.account, entry.account_name);
  for (const alert of report.alerts ?? []) remember(alert['origin.account'], alert['origin.account_name']);
  return names;
}

/** An account id with its name when known; renderers format both. */
export interface NamedAccount {
  id: string;
  name?: string;
}

export const withName = (id: string, name: string | null | undefined): NamedAccount =>
  name !== undefined && name !== null ? { id, name } : { id };

export const named = (id: string, names: AccountNames): NamedAccount => withName(id, names.get(id));

/**
 * The accounts an alert is shown under. `readIn`: the account the event was
 * read from (a live read), else the caller's account (`cloud.account.id`, as
 * Elastic defines it; all that files tell). `callerAccount`: the caller's
 * account when it is known and differs from `readIn` (a principal of one
 * account acting in another), so that both are shown.
 */
interface AlertAccounts {
  readIn: NamedAccount | null;
  callerAccount: NamedAccount | null;
}

export function alertAccounts(alert: RuleAlert, names: AccountNames): AlertAccounts {
  const caller = alert['cloud.account.id'];
  const origin = originAccount(alert, names);
  if (origin === null) return { readIn: caller !== null ? named(caller, names) : null, callerAccount: null };
  return { readIn: origin, callerAccount: caller !== null && caller !== origin.id ? named(caller, names) : null };
}

function originAccount(alert: RuleAlert, names: AccountNames): NamedAccount | null {
  const id = alert['origin.account'];
  if (id === null) return null;
  // The alert's own record of the name wins: it was taken as the event was read.
  return withName(id, alert['origin.account_name'] ?? names.get(id));
}

/** The account an alert is attributed to when findings are grouped: the one it was read from, else the caller's. */
export const alertAccountId = (alert: RuleAlert): string | null => alert['origin.account'] ?? alert['cloud.account.id'];
