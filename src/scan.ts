import type { ScanConfig } from './config.js';
import { DETECTIONS, requiredEventNames } from './detections/registry.js';
import { ScanEngine, windowEndingAt } from './engine.js';
import type { Report } from './report/model.js';
import { readFileInputs } from './sources/files.js';
import { collectLookupEvents, type LiveOptions } from './sources/lookup-events.js';

/**
 * The whole scan, shared by the action and the CLI: window -> source(s) ->
 * engine -> report. Files when inputs are given, CloudTrail LookupEvents
 * otherwise.
 */
export async function scan(config: ScanConfig, live: Partial<LiveOptions> = {}): Promise<Report> {
  const window = windowEndingAt(config.now, config.lookbackDays);
  const engine = new ScanEngine(window, DETECTIONS);
  if (config.inputs.length > 0) {
    await readFileInputs(config.inputs, engine);
  } else {
    const accounts = { accounts: config.accounts ?? 'current', roleName: config.roleName, externalId: config.externalId };
    await collectLookupEvents({ regions: config.regions, window, eventNames: requiredEventNames(DETECTIONS), accounts, ...live }, engine);
  }
  return engine.finish();
}
