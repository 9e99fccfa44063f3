/**
 * Makes values an attacker controls (ARNs, user names, user agents, request
 * parameters, error messages, account names, even region strings read back
 * from an API) inert in GitHub-flavoured Markdown: job summaries, issue
 * bodies and comments.
 *
 * Strategy, in order:
 * 1. Control characters, line and paragraph separators and bidirectional
 *    overrides become U+FFFD, so a value can neither end a table row nor
 *    reorder what is shown around it.
 * 2. Long values are cut (at a code point boundary) and say so.
 * 3. Every ASCII character other than letters, digits and the space is
 *    written as a decimal HTML entity. Markdown syntax (emphasis, links,
 *    images, code spans, tables, autolinks, raw HTML, comments) is made of
 *    literal ASCII punctuation, so none of it can form; the browser still
 *    shows the original characters.
 * 4. A zero-width joiner follows every `@` and `#`: GitHub resolves
 *    @mentions and #references on the rendered text, after entities are
 *    decoded, and the joiner breaks both patterns.
 * 5. `inlineCode` wraps the result in `<code>`, which GitHub's mention and
 *    reference filters skip as well, and which shows the value as data.
 */

/** Default cut-off for one value, in code points. */
const DEFAULT_MAX_LENGTH = 160;

const ZERO_WIDTH_JOINER = '&#8205;';

// C0/C1 controls (incl. CR, LF, TAB), U+2028/U+2029, and the bidirectional
// embedding, override and isolate controls (the "Trojan Source" characters).
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/gu;

const ALWAYS_PLAIN = /^[A-Za-z0-9 ]$/;

/** Step 1 alone: unsafe characters become U+FFFD. Also what terminal text (text.ts) needs. */
export function replaceUnsafeCharacters(value: string): string {
  return value.replace(UNSAFE_CHARACTERS, '\uFFFD');
}

function encodeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  if (code > 0x7f || ALWAYS_PLAIN.test(character)) return character;
  const entity = `&#${code};`;
  return character === '@' || character === '#' ? entity + ZERO_WIDTH_JOINER : entity;
}

interface Shortened {
  text: string;
  /** Length of the original value in code points when it was cut. */
  truncatedFrom?: number;
}

/** Replaces unsafe characters and cuts the value to `maxLength` code points. */
export function sanitize(value: string, maxLength = DEFAULT_MAX_LENGTH): Shortened {
  const codePoints = Array.from(replaceUnsafeCharacters(value));
  if (codePoints.length <= maxLength) return { text: codePoints.join('') };
  return { text: codePoints.slice(0, maxLength).join(''), truncatedFrom: codePoints.length };
}

/** Entity-encodes an already sanitized string (step 3 and 4 above). */
function encode(text: string): string {
  let out = '';
  for (const character of text) out += encodeCharacter(character);
  return out;
}

const truncationNote = (shortened: Shortened): string =>
  shortened.truncatedFrom === undefined ? '' : ` … (truncated, ${shortened.truncatedFrom.toLocaleString('en-US')} characters)`;

/** A value as inert inline text, e.g. inside a sentence or a table cell. */
export function inlineText(value: string, maxLength = DEFAULT_MAX_LENGTH): string {
  const shortened = sanitize(value, maxLength);
  return encode(shortened.text) + truncationNote(shortened);
}

/** A value as inert inline code; `null` (a missing field) is shown as an em dash. */
export function inlineCode(value: string | null, maxLength = DEFAULT_MAX_LENGTH): string {
  if (value === null) return '—';
  if (value === '') return '(empty)';
  const shortened = sanitize(value, maxLength);
  return `<code>${encode(shortened.text)}</code>${truncationNote(shortened)}`;
}

/** A list of values as inline code, comma separated; at most `maxItems` are shown. */
export function inlineCodeList(values: readonly string[], maxItems = 5, maxLength = DEFAULT_MAX_LENGTH): string {
  if (values.length === 0) return '—';
  const shown = values.slice(0, maxItems).map((value) => inlineCode(value, maxLength));
  const rest = values.length - shown.length;
  return shown.join(', ') + (rest > 0 ? ` and ${rest} more` : '');
}
