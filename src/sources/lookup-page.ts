import { z } from 'zod';

/**
 * The parts of a LookupEvents response the collector uses, validated: the
 * page as a whole (a malformed page ends the region with an error), and each
 * event on its own (a malformed event is counted, and, since every event was
 * asked for by a name the detections need, makes its region a coverage error).
 */
export const lookupPageSchema = z.object({
  Events: z.array(z.unknown()).optional(),
  NextToken: z.string().optional(),
});

export const lookupEventSchema = z.object({
  CloudTrailEvent: z.string(),
});

export type LookupPage = z.infer<typeof lookupPageSchema>;

/** The record inside one event, or undefined when the event or its JSON string is malformed. */
export function recordOf(event: unknown): unknown {
  const parsed = lookupEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  try {
    return JSON.parse(parsed.data.CloudTrailEvent) as unknown;
  } catch {
    return undefined;
  }
}
