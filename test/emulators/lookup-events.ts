import { z } from 'zod';
import type { EventStore } from './event-store.js';
import { toApiEvent } from './event-store.js';

/** The LookupEvents request as the emulator accepts it (times as epoch seconds, or ISO strings). */
const timeSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'not a time' });
    return z.NEVER;
  }
  return ms;
});

const lookupRequestSchema = z.object({
  LookupAttributes: z.array(z.object({ AttributeKey: z.string(), AttributeValue: z.string() })).optional(),
  StartTime: timeSchema.optional(),
  EndTime: timeSchema.optional(),
  MaxResults: z.number().int().optional(),
  NextToken: z.string().optional(),
});

export type LookupOutcome = { ok: true; body: unknown; eventName: string | undefined } | { ok: false; code: string; message: string };

const NINETY_DAYS_MS = 90 * 86_400_000;

/**
 * LookupEvents over one region's store: one EventName attribute at most,
 * [StartTime, EndTime] inclusive, newest first, MaxResults (<= 50) per page,
 * and a NextToken bound to the exact request that produced it.
 */
export function lookupEvents(store: EventStore, rawBody: string, nowMs: number): LookupOutcome {
  let json: unknown;
  try {
    json = JSON.parse(rawBody === '' ? '{}' : rawBody);
  } catch {
    return { ok: false, code: 'SerializationException', message: 'Request body is not JSON' };
  }
  const parsed = lookupRequestSchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'ValidationException', message: parsed.error.issues[0]?.message ?? 'invalid request' };
  const request = parsed.data;
  const attributes = request.LookupAttributes ?? [];
  if (attributes.length > 1) return { ok: false, code: 'InvalidLookupAttributesException', message: 'You cannot specify more than one lookup attribute.' };
  const attribute = attributes[0];
  if (attribute !== undefined && attribute.AttributeKey !== 'EventName') {
    return { ok: false, code: 'InvalidLookupAttributesException', message: `The emulator supports only the EventName attribute, got ${attribute.AttributeKey}` };
  }
  const maxResults = request.MaxResults ?? 50;
  if (maxResults < 1 || maxResults > 50) return { ok: false, code: 'InvalidMaxResultsException', message: 'MaxResults must be from 1 to 50.' };
  const startMs = request.StartTime ?? nowMs - NINETY_DAYS_MS;
  const endMs = request.EndTime ?? nowMs;
  if (startMs > endMs) return { ok: false, code: 'InvalidTimeRangeException', message: 'StartTime must be before EndTime.' };

  // The token names the request it continues; any other request is refused, as the API does.
  const requestKey = JSON.stringify([attribute?.AttributeValue ?? null, request.StartTime ?? null, request.EndTime ?? null, maxResults]);
  let offset = 0;
  if (request.NextToken !== undefined) {
    const token = decodeToken(request.NextToken);
    if (token === undefined || token.key !== requestKey) {
      return { ok: false, code: 'InvalidNextTokenException', message: 'Invalid NextToken: it must be used with the request that returned it.' };
    }
    offset = token.offset;
  }
  const matching = store.query(attribute?.AttributeValue, startMs, endMs);
  const page = matching.slice(offset, offset + maxResults);
  const nextOffset = offset + page.length;
  return {
    ok: true,
    eventName: attribute?.AttributeValue,
    body: {
      Events: page.map(toApiEvent),
      ...(nextOffset < matching.length ? { NextToken: encodeToken({ key: requestKey, offset: nextOffset }) } : {}),
    },
  };
}

interface PageToken {
  key: string;
  offset: number;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string): PageToken | undefined {
  try {
    const token = z.object({ key: z.string(), offset: z.number().int().min(0) }).safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return token.success ? token.data : undefined;
  } catch {
    return undefined;
  }
}
