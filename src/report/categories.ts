import type { HuntRow, RuleAlert } from '../detections/detection.js';
import { DETECTIONS } from '../detections/registry.js';
import { alertAccountId } from './accounts.js';

/**
 * Findings grouped into what a person acts on: one category per action and
 * outcome for hunt rows (all principals, days and regions together), one per
 * rule for alerts. Annotations and the overview list categories, so a
 * burst of events yields a few lines, not one per event.
 */
interface HuntCategory {
  kind: 'hunt';
  action: string;
  provider: string;
  outcome: 'success' | 'failure';
  events: number;
  principals: string[];
  accounts: string[];
  regions: string[];
  firstSeen: string;
  lastSeen: string;
}

interface RuleCategory {
  kind: 'rule';
  rule: string;
  name: string;
  severity: RuleAlert['severity'];
  alerts: number;
  principals: string[];
  accounts: string[];
  regions: string[];
  firstSeen: string;
  lastSeen: string;
}

type Spread = Pick<HuntCategory, 'principals' | 'accounts' | 'regions' | 'firstSeen' | 'lastSeen'>;

/**
 * The distinct principals, accounts and regions of one category and its time
 * span. Values go into sets and are sorted once at the end: a burst of tens
 * of thousands of events (failed calls cost an attacker nothing) must stay
 * linear, not a list search and a sort per event.
 */
class SpreadCollector {
  private readonly principals = new Set<string>();
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();
  private firstSeen: string;
  private lastSeen: string;

  constructor(firstSeen: string, lastSeen: string) {
    this.firstSeen = firstSeen;
    this.lastSeen = lastSeen;
  }

  add(principal: string | null, accounts: readonly (string | null)[], regions: readonly (string | null)[], firstSeen: string, lastSeen: string): void {
    if (principal !== null) this.principals.add(principal);
    for (const account of accounts) if (account !== null) this.accounts.add(account);
    for (const region of regions) if (region !== null) this.regions.add(region);
    if (firstSeen < this.firstSeen) this.firstSeen = firstSeen;
    if (lastSeen > this.lastSeen) this.lastSeen = lastSeen;
  }

  spread(): Spread {
    return {
      principals: [...this.principals].sort(),
      accounts: [...this.accounts].sort(),
      regions: [...this.regions].sort(),
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
    };
  }
}

interface HuntGroup {
  first: HuntRow;
  events: number;
  collector: SpreadCollector;
}

export function huntCategories(rows: readonly HuntRow[]): HuntCategory[] {
  const groups = new Map<string, HuntGroup>();
  for (const row of rows) {
    const key = JSON.stringify([row['event.action'], row['event.provider'], row['event.outcome']]);
    let group = groups.get(key);
    if (group === undefined) {
      group = { first: row, events: 0, collector: new SpreadCollector(row.first_seen, row.last_seen) };
      groups.set(key, group);
    }
    group.events += row.service_logging_delete_count;
    group.collector.add(row['aws.cloudtrail.user_identity.arn'], row.accounts, row.regions, row.first_seen, row.last_seen);
  }
  const categories = [...groups.values()].map(
    ({ first, events, collector }): HuntCategory => ({
      kind: 'hunt',
      action: first['event.action'],
      provider: first['event.provider'],
      outcome: first['event.outcome'],
      events,
      ...collector.spread(),
    }),
  );
  // Actual deletions first, then failed attempts; by action within each.
  return categories.sort((a, b) =>
    a.outcome !== b.outcome ? (a.outcome === 'success' ? -1 : 1) : a.action < b.action ? -1 : a.action > b.action ? 1 : 0,
  );
}

export function ruleCategories(alerts: readonly RuleAlert[]): RuleCategory[] {
  const categories: RuleCategory[] = [];
  for (const detection of DETECTIONS) {
    if (detection.kind !== 'rule') continue;
    const fired = alerts.filter((alert) => alert.rule === detection.id);
    const first = fired[0];
    if (first === undefined) continue;
    const collector = new SpreadCollector(first['@timestamp'], first['@timestamp']);
    for (const alert of fired) {
      collector.add(alert['aws.cloudtrail.user_identity.arn'], [alertAccountId(alert)], [alert['cloud.region']], alert['@timestamp'], alert['@timestamp']);
    }
    categories.push({
      kind: 'rule',
      rule: detection.id,
      name: detection.name,
      severity: detection.severity,
      alerts: fired.length,
      ...collector.spread(),
    });
  }
  return categories;
}
