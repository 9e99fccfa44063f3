/** One CloudTrail event as Event history holds it. */
export interface StoredEvent {
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTimeMs: number;
  username: string | undefined;
  accessKeyId: string | undefined;
  readOnly: boolean | undefined;
  /** The record as a JSON string, exactly as LookupEvents returns it (possibly malformed on purpose). */
  cloudTrailEvent: string;
}

/** The LookupEvents item shape (JSON 1.1: times in epoch seconds). */
export function toApiEvent(event: StoredEvent): Record<string, unknown> {
  return {
    EventId: event.eventId,
    EventName: event.eventName,
    ...(event.readOnly !== undefined ? { ReadOnly: String(event.readOnly) } : {}),
    ...(event.accessKeyId !== undefined ? { AccessKeyId: event.accessKeyId } : {}),
    EventTime: event.eventTimeMs / 1000,
    EventSource: event.eventSource,
    ...(event.username !== undefined ? { Username: event.username } : {}),
    Resources: [],
    CloudTrailEvent: event.cloudTrailEvent,
  };
}

/** Newest first, then by id so that pages are stable. */
function newestFirst(a: StoredEvent, b: StoredEvent): number {
  return b.eventTimeMs - a.eventTimeMs || (a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0);
}

/** The events of one (account, region), indexed by event name. */
export class EventStore {
  private readonly byName = new Map<string, StoredEvent[]>();
  private readonly unsorted = new Set<string>();
  private size = 0;

  add(event: StoredEvent): void {
    let list = this.byName.get(event.eventName);
    if (list === undefined) {
      list = [];
      this.byName.set(event.eventName, list);
    }
    list.push(event);
    this.unsorted.add(event.eventName);
    this.size += 1;
  }

  get count(): number {
    return this.size;
  }

  /** Events in [startMs, endMs], newest first, of one event name or of all. */
  query(eventName: string | undefined, startMs: number, endMs: number): StoredEvent[] {
    const names = eventName === undefined ? [...this.byName.keys()] : [eventName];
    const found: StoredEvent[] = [];
    for (const name of names) {
      const list = this.byName.get(name);
      if (list === undefined) continue;
      if (this.unsorted.delete(name)) list.sort(newestFirst);
      for (const event of list) if (event.eventTimeMs >= startMs && event.eventTimeMs <= endMs) found.push(event);
    }
    if (names.length > 1) found.sort(newestFirst);
    return found;
  }
}
