import type { FailOn } from '../config.js';
import { ACCOUNT_NAME_MAX_LENGTH, accountNamesOf, isWholeAccount, named, withName, type AccountNames, type NamedAccount } from '../report/accounts.js';
import { huntCategories, ruleCategories } from '../report/categories.js';
import { sanitize } from '../report/escape.js';
import type { CoverageEntry, Report } from '../report/model.js';
import { plural } from '../report/words.js';

/**
 * One annotation per kind of finding (action and outcome, or rule), not per
 * event: a burst of deletions reads as one line with counts. What fails the
 * job under `fail-on` is an error; the rest is a warning.
 */
interface Annotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
}

// Annotations are plain text, but still bounded and kept on one line.
const plain = (value: string, maxLength = 120): string => {
  const shortened = sanitize(value, maxLength);
  return shortened.truncatedFrom === undefined ? shortened.text : `${shortened.text}…`;
};

/** Up to `max` values, each made plain by `show`. */
const list = (values: readonly string[], max = 3, show: (value: string) => string = (value) => plain(value)): string => {
  if (values.length === 0) return 'unknown';
  const shown = values.slice(0, max).map(show).join(', ');
  return values.length > max ? `${shown} and ${values.length - max} more` : shown;
};

/** `123456789012 (prod)`; names are cut shorter than other values (AWS allows 50 characters). */
const accountLabel = (account: NamedAccount): string =>
  account.name !== undefined ? `${plain(account.id)} (${plain(account.name, ACCOUNT_NAME_MAX_LENGTH)})` : plain(account.id);

const accountList = (ids: readonly string[], names: AccountNames): string => list(ids, 3, (id) => accountLabel(named(id, names)));

const span = (first: string, last: string): string => (first === last ? plain(first) : `${plain(first)} to ${plain(last)}`);

export function annotationsFor(report: Report, failOn: FailOn): Annotation[] {
  const annotations: Annotation[] = [];
  const names = accountNamesOf(report);
  for (const category of huntCategories(report.hunts.flatMap((hunt) => hunt.rows))) {
    const fails = failOn === 'any' || (failOn === 'success' && category.outcome === 'success');
    const what = category.outcome === 'success' ? 'succeeded' : 'was attempted and failed';
    annotations.push({
      level: fails ? 'error' : 'warning',
      title: category.outcome === 'success' ? 'Service logging deleted or stopped' : 'Attempt to delete or stop service logging',
      message:
        `${plain(category.action)} (${plain(category.provider)}) ${what}: ${plural(category.events, 'event')} by ${list(category.principals)}` +
        ` in account ${accountList(category.accounts, names)}, region ${list(category.regions)}, ${span(category.firstSeen, category.lastSeen)} (UTC)`,
    });
  }
  for (const category of ruleCategories(report.alerts)) {
    annotations.push({
      level: failOn === 'never' ? 'warning' : 'error',
      title: `${category.name} (severity ${category.severity})`,
      message:
        `${plural(category.alerts, 'alert')} by ${list(category.principals)} in account ${accountList(category.accounts, names)}, ` +
        `region ${list(category.regions)}, ${span(category.firstSeen, category.lastSeen)} (UTC)`,
    });
  }
  return annotations;
}

/** The account/region pairs that could not be read, for the failure message of an incomplete scan. */
export function unreadPairs(report: Report, max = 10): string {
  const unread = report.coverage.filter((entry) => entry.status === 'error');
  const shown = unread.slice(0, max).map(unreadPair);
  return shown.join('; ') + (unread.length > max ? `; and ${unread.length - max} more` : '');
}

/** `111122223333 (prod)/us-east-1 (error)`, or for an account not read at all `111122223333 (prod) all regions: account not read (error)`. */
function unreadPair(entry: CoverageEntry): string {
  const account = accountLabel(withName(entry.account, entry.account_name));
  const where = isWholeAccount(entry) ? `${account} all regions: account not read` : `${account}/${plain(entry.region)}`;
  return entry.error !== undefined ? `${where} (${plain(entry.error, 300)})` : where;
}
