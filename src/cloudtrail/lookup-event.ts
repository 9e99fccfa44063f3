/**
 * The raw record inside one LookupEvents event (an API response's event, or
 * an element of `aws cloudtrail lookup-events` output): its `CloudTrailEvent`
 * JSON string, parsed. Undefined when the event has no such string or the
 * string is not JSON; the caller counts that event as unreadable.
 */
export function lookupEventRecord(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return undefined;
  const text = (event as { CloudTrailEvent?: unknown }).CloudTrailEvent;
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
