import { z } from 'zod';

/**
 * A raw CloudTrail record as AWS delivers it (S3 log files, the
 * `CloudTrailEvent` string of LookupEvents, or JSON Lines).
 *
 * Only the envelope is required: records gain fields with every
 * `eventVersion`, and many fields are absent for AWS-service callers, so the
 * schema is lenient about everything the detections do not need and strict
 * about the three fields without which a record cannot be placed at all.
 */
const optionalString = z.string().nullish().catch(undefined);

const userIdentitySchema = z
  .looseObject({
    type: optionalString,
    principalId: optionalString,
    arn: optionalString,
    accountId: optionalString,
    userName: optionalString,
    invokedBy: optionalString,
    sessionContext: z
      .looseObject({
        sessionIssuer: z.looseObject({ userName: optionalString, arn: optionalString }).nullish().catch(undefined),
      })
      .nullish()
      .catch(undefined),
  })
  .nullish()
  .catch(undefined);

export const rawRecordSchema = z.looseObject({
  eventTime: z.string().min(1),
  eventName: z.string().min(1),
  eventSource: z.string().min(1),
  eventID: optionalString,
  awsRegion: optionalString,
  sourceIPAddress: optionalString,
  userAgent: optionalString,
  errorCode: optionalString,
  errorMessage: optionalString,
  recipientAccountId: optionalString,
  userIdentity: userIdentitySchema,
  requestParameters: z.unknown().optional(),
});
