import { fileURLToPath } from 'node:url';

/**
 * The built-in sample: an `AWSLogs/`-style tree shipped beside `dist/`, with
 * the scan clock pinned to the moment its events were written for, so the
 * first run shows the same findings on any day.
 */
export const SAMPLE_NOW = '2026-11-20T12:00:00Z';

export function sampleDirectory(): string {
  // Both src/ (tests) and dist/ (bundles) sit one level below the repository root.
  return fileURLToPath(new URL('../samples/AWSLogs/', import.meta.url));
}
