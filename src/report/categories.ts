import type { HuntRow, RuleAlert } from '../detections/detection.js';
import { DETECTIONS } from '../detections/registry.js';

/**
 * Findings grouped into what a person acts on: one category per action and
 * outcome for hunt rows (all principals, days and regions together), one per
 * rule for alerts. Annotations and the overview list categories, so a
 * burst of events yields a few lines, not one per event.
 */
export interface HuntCategory {
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

export interface RuleCategory {
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

export type FindingCategory = HuntCategory | RuleCategory;

const addSorted = (list: string[], values: readonly (string | null)[]): void => {
  for (const value of values) if (value !== null && !list.includes(value)) list.push(value);
  list.sort();
};

export function huntCategories(rows: readonly HuntRow[]): HuntCategory[] {
  const categories = new Map<string, HuntCategory>();
  for (const row of rows) {
    const key = JSON.stringify([row['event.action'], row['event.provider'], row['event.outcome']]);
    let category = categories.get(key);
    if (category === undefined) {
      category = {
        kind: 'hunt',
        action: row['event.action'],
        provider: row['event.provider'],
        outcome: row['event.outcome'],
        events: 0,
        principals: [],
        accounts: [],
        regions: [],
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
      };
      categories.set(key, category);
    }
    category.events += row.service_logging_delete_count;
    addSorted(category.principals, [row['aws.cloudtrail.user_identity.arn']]);
    addSorted(category.accounts, row.accounts);
    addSorted(category.regions, row.regions);
    if (row.first_seen < category.firstSeen) category.firstSeen = row.first_seen;
    if (row.last_seen > category.lastSeen) category.lastSeen = row.last_seen;
  }
  // Actual deletions first, then failed attempts; by action within each.
  return [...categories.values()].sort((a, b) =>
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
    const category: RuleCategory = {
      kind: 'rule',
      rule: detection.id,
      name: detection.name,
      severity: detection.severity,
      alerts: fired.length,
      principals: [],
      accounts: [],
      regions: [],
      firstSeen: first['@timestamp'],
      lastSeen: first['@timestamp'],
    };
    for (const alert of fired) {
      addSorted(category.principals, [alert['aws.cloudtrail.user_identity.arn']]);
      addSorted(category.accounts, [alert['cloud.account.id'] ?? alert['origin.account']]);
      addSorted(category.regions, [alert['cloud.region']]);
      if (alert['@timestamp'] < category.firstSeen) category.firstSeen = alert['@timestamp'];
      if (alert['@timestamp'] > category.lastSeen) category.lastSeen = alert['@timestamp'];
    }
    categories.push(category);
  }
  return categories;
}
