import type { CoverageEntry } from './report/model.js';
import { plural } from './report/words.js';

/** Where an unreadable candidate was found: the (account, region) it counts against, and the file when read from one. */
export interface CandidatePlace {
  account: string;
  accountName?: string;
  region: string;
  file?: string;
}

interface PlaceGroup {
  place: CandidatePlace;
  countByEventName: Map<string, number>;
  reasons: Set<string>;
  /** In the order first seen. */
  files: Set<string>;
}

/**
 * Records that a detection may have needed but that could not be read: a
 * LookupEvents answer to a query by event name, or a record that names such
 * an event, whose content is unusable. Each is a hole in what was read, so
 * the (account, region) it belongs to cannot be vouched for: the scan must
 * not say `clean` over it.
 */
export class UnreadableCandidates {
  private readonly groups = new Map<string, PlaceGroup>();

  note(place: CandidatePlace, eventName: string, reason: string): void {
    const key = JSON.stringify([place.account, place.region]);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { place, countByEventName: new Map(), reasons: new Set(), files: new Set() };
      this.groups.set(key, group);
    }
    group.countByEventName.set(eventName, (group.countByEventName.get(eventName) ?? 0) + 1);
    group.reasons.add(reason);
    if (place.file !== undefined) group.files.add(place.file);
  }

  /**
   * The coverage with every place that had unreadable candidates marked as
   * an error: its own entry when the source reported one (the error is
   * appended to any it already had), else a new entry.
   */
  appliedTo(coverage: readonly CoverageEntry[]): CoverageEntry[] {
    const result = [...coverage];
    for (const group of this.groups.values()) {
      const problem = describeGroup(group);
      const index = result.findIndex((entry) => entry.account === group.place.account && entry.region === group.place.region);
      const existing = index >= 0 ? result[index] : undefined;
      if (existing !== undefined) {
        result[index] = { ...existing, status: 'error', error: existing.error !== undefined ? `${existing.error}; ${problem}` : problem };
      } else {
        result.push({
          account: group.place.account,
          ...(group.place.accountName !== undefined ? { account_name: group.place.accountName } : {}),
          region: group.place.region,
          status: 'error',
          error: problem,
        });
      }
    }
    return result;
  }
}

/**
 * E.g. `1 DeleteTrail event, 2 StopLogging events could not be read (malformed CloudTrailEvent)`, and the
 * file(s) when known; sorted, so the text does not depend on the order the regions' queries answered in.
 */
function describeGroup(group: PlaceGroup): string {
  const counts = [...group.countByEventName]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, count]) => plural(count, `${name} event`));
  const [first] = group.files;
  const where = first === undefined ? '' : group.files.size === 1 ? ` in ${first}` : ` in ${group.files.size} files, first ${first}`;
  return `${counts.join(', ')} could not be read (${[...group.reasons].sort().join('; ')})${where}`;
}
