import { runCommand } from './command.js';

// The AWS SDK warns on every run under Node < 22 about its own future
// support; on a CLI whose errors are one line each, that paragraph would
// drown them. The Node versions this tool supports are stated in
// package.json `engines` and the README.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// Entry point of dist/cli.js: everything testable lives in command.ts.
// No top-level await here: the bundle inlines the SDK's lazily imported
// modules (such as the shared-credentials provider) after this entry code,
// and awaiting at top level would stop evaluation before they exist.
void runCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((status) => {
  process.exitCode = status;
});
