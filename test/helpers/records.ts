/**
 * Raw CloudTrail records for tests, shaped like real ones (see
 * test/fixtures/cloudtrail): an IAM user deleting flow logs unless told
 * otherwise. `undefined` in the overrides removes a field.
 */
let sequence = 0;

export function rawRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  const record: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEPRINCIPAL',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLEKEY000001',
      userName: 'alice',
    },
    eventTime: '2024-10-08T09:08:34Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DeleteFlowLogs',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.17.60 md/command#ec2.delete-flow-logs',
    requestParameters: { DeleteFlowLogsRequest: { FlowLogId: { tag: 1, content: 'fl-0123456789abcdef0' } } },
    responseElements: null,
    requestID: `req-${sequence}`,
    eventID: `evt-${String(sequence).padStart(6, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete record[key];
    else record[key] = value;
  }
  return record;
}

/** An assumed-role caller, as CloudTrail writes it. */
export function assumedRole(account: string, role: string, session: string): Record<string, unknown> {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLEID:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: 'ASIAEXAMPLEKEY000001',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLEID', arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
      attributes: { creationDate: '2024-10-08T08:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

/** An AWS service acting on its own: no ARN, no account. */
export const AWS_SERVICE_IDENTITY = { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' } as const;
