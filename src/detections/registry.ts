import type { Detection } from './detection.js';
import { multipleServiceLoggingDeletedOrStopped } from './multiple-service-logging-deleted-or-stopped.js';
import { route53ResolverQueryLogConfigurationDeleted } from './route53-resolver-query-log-configuration-deleted.js';

/** Every detection the scan runs. Adding one here is all a new detection needs. */
export const DETECTIONS: readonly Detection[] = [
  multipleServiceLoggingDeletedOrStopped,
  route53ResolverQueryLogConfigurationDeleted,
];

/** The union of CloudTrail event names the detections can match, sorted. */
export function requiredEventNames(detections: readonly Detection[] = DETECTIONS): string[] {
  return [...new Set(detections.flatMap((d) => d.eventNames))].sort();
}
