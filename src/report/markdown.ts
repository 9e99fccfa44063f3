import type { Report } from './model.js';

/** PLACEHOLDER (being written): Markdown rendering with every attacker-controlled value escaped. */
export function renderMarkdown(report: Report): string {
  return '```json\n' + JSON.stringify(report, null, 2) + '\n```\n';
}
