/**
 * GitHub-flavoured Markdown tables whose cells are already escaped (see
 * escape.ts). The table stops growing at a row or character budget, so a
 * summary or issue stays within GitHub's size limits, and says how many rows
 * it left out.
 */
import { plural } from './words.js';

export interface TableLimits {
  maxRows?: number;
  /** Upper bound on the table's length in characters, including the omission note. */
  maxChars?: number;
  /** What to say about rows left out; defaults to pointing at the JSON report. */
  omissionNote?: (omitted: number) => string;
}

const defaultNote = (omitted: number): string => `_${plural(omitted, 'more row')} not shown; the JSON report has all of them._`;

function line(cells: readonly string[]): string {
  for (const cell of cells) {
    // A raw pipe or line break would silently shift or end the row: the
    // cells reaching here must come from escape.ts or fixed text.
    if (/[|\r\n]/.test(cell)) throw new Error(`unescaped table cell: ${JSON.stringify(cell.slice(0, 40))}`);
  }
  return `| ${cells.join(' | ')} |`;
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], limits: TableLimits = {}): string {
  const maxRows = limits.maxRows ?? Number.POSITIVE_INFINITY;
  const maxChars = limits.maxChars ?? Number.POSITIVE_INFINITY;
  const lines = [line(headers), line(headers.map(() => '---'))];
  const noteOf = limits.omissionNote ?? defaultNote;
  // Room for the omission note, so the budget holds even when rows are left out.
  const noteRoom = noteOf(rows.length).length + 2;
  let length = lines.join('\n').length;
  let shown = 0;
  for (const row of rows) {
    if (row.length !== headers.length) throw new Error(`table row has ${row.length} cells, expected ${headers.length}`);
    if (shown >= maxRows) break;
    const text = line(row);
    if (length + 1 + text.length + noteRoom > maxChars) break;
    lines.push(text);
    length += 1 + text.length;
    shown += 1;
  }
  const omitted = rows.length - shown;
  return lines.join('\n') + (omitted > 0 ? `\n\n${noteOf(omitted)}` : '');
}
