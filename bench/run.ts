import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatTable, type BenchRow } from './table.js';

/**
 * Runs every `*.bench.ts` module (each exports `run(): Promise<BenchRow[]>`)
 * or only those named on the command line, and prints one table.
 * Usage: npm run bench [-- offline live ...]
 */
const only = process.argv.slice(2);
const here = fileURLToPath(new URL('.', import.meta.url));
const modules = readdirSync(here)
  .filter((name) => name.endsWith('.bench.js'))
  .filter((name) => only.length === 0 || only.includes(name.replace(/\.bench\.js$/, '')))
  .sort();
if (modules.length === 0) {
  process.stderr.write(`no benchmark matches ${only.join(', ')}\n`);
  process.exit(2);
}
const rows: BenchRow[] = [];
for (const name of modules) {
  process.stderr.write(`running ${name} ...\n`);
  const mod = (await import(new URL(name, import.meta.url).href)) as { run: () => Promise<BenchRow[]> };
  rows.push(...(await mod.run()));
}
process.stdout.write(formatTable(rows) + '\n');
