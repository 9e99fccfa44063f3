/**
 * Hidden HTML comments that keep the tracking issue's state on GitHub itself:
 * one marks a body as the tracking issue, the other lists the event ids a
 * body or comment reported. Escaped values (escape.ts) can never contain `<`
 * or `-`, so report text cannot forge or close a marker.
 */
export const TRACKING_MARKER = '<!-- logging-tamper-guard:tracking -->';

const EVENTS_PREFIX = '<!-- logging-tamper-guard:events ';
const EVENTS_PATTERN = /<!-- logging-tamper-guard:events ([^<>]*?) -->/g;

export function isTrackingBody(body: string | null | undefined): boolean {
  return typeof body === 'string' && body.includes(TRACKING_MARKER);
}

// Event ids are percent-encoded so that any id (file input can hold anything)
// fits between spaces in an HTML comment: no whitespace, `<`, `>`, and no
// `--` (a comment may not contain it).
function encodeId(id: string): string {
  return encodeURIComponent(id).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/-(?=-|$)/g, '%2D');
}

function decodeId(token: string): string | undefined {
  try {
    return decodeURIComponent(token);
  } catch {
    return undefined;
  }
}

/** The marker recording `ids` as reported. */
export function eventsMarker(ids: readonly string[]): string {
  return `${EVENTS_PREFIX}${ids.map(encodeId).join(' ')} -->`;
}

/** Every id recorded by events markers in a body. */
export function readEventIds(body: string | null | undefined): string[] {
  if (typeof body !== 'string') return [];
  const ids: string[] = [];
  for (const match of body.matchAll(EVENTS_PATTERN)) {
    for (const token of (match[1] ?? '').split(' ')) {
      const id = token === '' ? undefined : decodeId(token);
      if (id !== undefined) ids.push(id);
    }
  }
  return ids;
}
