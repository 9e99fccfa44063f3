import * as core from '@actions/core';
import { run } from './action/run.js';
import { describeError } from './errors.js';

// Entry point of dist/index.js, loaded by the runner: everything lives in
// action/run.ts. No top-level await: the bundle inlines the SDK's lazily
// imported modules (such as the web-identity and shared-credentials
// providers) after this entry code, and awaiting at top level would stop
// evaluation before they exist.
void run().catch((error: unknown) => {
  // Expected failures are reported inside run(); this is the last resort for anything else.
  core.setFailed(`logging-tamper-guard failed unexpectedly: ${describeError(error)}`);
  if (error instanceof Error && error.stack !== undefined) core.debug(error.stack);
});
