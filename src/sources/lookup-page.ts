import { z } from 'zod';

/**
 * The parts of a LookupEvents response the collector uses, validated: the
 * page as a whole (a malformed page ends the region with an error). Each
 * event is read on its own by lookupEventRecord (a malformed event is
 * counted, and, since every event was asked for by a name the detections
 * need, makes its region a coverage error).
 */
export const lookupPageSchema = z.object({
  Events: z.array(z.unknown()).optional(),
  NextToken: z.string().optional(),
});

export type LookupPage = z.infer<typeof lookupPageSchema>;
