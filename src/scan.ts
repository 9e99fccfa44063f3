import type { ScanConfig } from './config.js';
import { DETECTIONS, requiredEventNames } from './detections/registry.js';
import { ScanEngine, windowEndingAt } from './engine.js';
import type { Report, SkippedAccount } from './report/model.js';
import { readFileInputs } from './sources/files.js';
import { collectLookupEvents, type LiveCollectionStats, type LiveOptions } from './sources/lookup-events.js';

/**
 * The whole scan, shared by the action and the CLI: window -> source(s) ->
 * engine -> report. Files when inputs are given, CloudTrail LookupEvents
 * otherwise.
 */
export async function scan(config: ScanConfig, live: Partial<LiveOptions> = {}): Promise<Report> {
  const window = windowEndingAt(config.now, config.lookbackDays);
  const fromFiles = config.inputs.length > 0;
  // A live read asks only the listed regions; files hold whatever was
  // exported, so there the list filters the records instead.
  const engine = new ScanEngine(window, DETECTIONS, fromFiles && config.regions !== 'all' ? { regions: config.regions } : {});
  if (fromFiles) {
    await readFileInputs(config.inputs, engine);
    return engine.finish();
  }
  const accounts = { accounts: config.accounts ?? 'current', roleName: config.roleName, externalId: config.externalId };
  const collected = await collectLookupEvents({ regions: config.regions, window, eventNames: requiredEventNames(DETECTIONS), accounts, ...live }, engine);
  const report = engine.finish();
  // Only when there were any: most scans are not of an organization.
  if (collected.accountsSkipped.length > 0) report.skipped_accounts = collected.accountsSkipped.map(skippedAccount);
  return report;
}

function skippedAccount(account: LiveCollectionStats['accountsSkipped'][number]): SkippedAccount {
  return { account: account.id, ...(account.name !== undefined ? { account_name: account.name } : {}), state: account.state };
}
