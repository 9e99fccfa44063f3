/** One measured figure; `reference` and `ratio` compare it with a baseline or a bound. */
export interface BenchRow {
  bench: string;
  measure: string;
  value: string;
  reference?: string;
  /** ours / reference, printed with two decimals; the measure says which direction is better. */
  ratio?: number;
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['bench', 'measure', 'value', 'reference', 'ratio'];
  const cells = rows.map((r) => [r.bench, r.measure, r.value, r.reference ?? '', r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => '| ' + c.map((v, i) => v.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.map(line)].join('\n');
}

/** Peak resident memory of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
