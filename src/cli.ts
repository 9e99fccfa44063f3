import { runCommand } from './command.js';

// Entry point of dist/cli.js: everything testable lives in command.ts.
const status = await runCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
process.exitCode = status;
