import type { HuntRow } from '../src/detections/detection.js';
import { huntCategories, ruleCategories } from '../src/report/categories.js';
import { rawRecord } from './helpers/records.js';
import { reportOf } from './helpers/reports.js';

const row = (overrides: Partial<HuntRow>): HuntRow => ({
  'event.provider': 'ec2.amazonaws.com',
  'event.action': 'DeleteFlowLogs',
  'event.outcome': 'failure',
  date: '2024-10-08',
  'aws.cloudtrail.user_identity.arn': 'arn:aws:iam::111122223333:user/mallory',
  service_logging_delete_count: 1,
  event_ids: [],
  accounts: ['111122223333'],
  regions: ['us-east-1'],
  first_seen: '2024-10-08T10:00:00.000Z',
  last_seen: '2024-10-08T10:00:00.000Z',
  ...overrides,
});

describe('finding categories', () => {
  test('a burst of rows becomes one category per action and outcome, with distinct sorted principals, accounts and regions', () => {
    // Many rows of the same failed call, from a few principals, accounts and regions, in no order.
    const burst = Array.from({ length: 3000 }, (_, i) =>
      row({
        'aws.cloudtrail.user_identity.arn': i % 7 === 0 ? null : `arn:aws:iam::111122223333:user/u${i % 5}`,
        accounts: [['333344445555', '111122223333'][i % 2]!],
        regions: i % 3 === 0 ? ['eu-west-1', 'us-east-1'] : ['ap-south-1'],
        service_logging_delete_count: 2,
        first_seen: `2024-10-0${(i % 5) + 3}T00:00:00.000Z`,
        last_seen: `2024-10-0${(i % 5) + 4}T12:00:00.000Z`,
      }),
    );
    const deleted = row({ 'event.provider': 'cloudtrail.amazonaws.com', 'event.action': 'StopLogging', 'event.outcome': 'success', accounts: [], regions: [] });

    const categories = huntCategories([...burst, deleted]);

    expect(categories).toEqual([
      {
        kind: 'hunt',
        action: 'StopLogging',
        provider: 'cloudtrail.amazonaws.com',
        outcome: 'success',
        events: 1,
        principals: ['arn:aws:iam::111122223333:user/mallory'],
        accounts: [],
        regions: [],
        firstSeen: '2024-10-08T10:00:00.000Z',
        lastSeen: '2024-10-08T10:00:00.000Z',
      },
      {
        kind: 'hunt',
        action: 'DeleteFlowLogs',
        provider: 'ec2.amazonaws.com',
        outcome: 'failure',
        events: 6000,
        principals: [0, 1, 2, 3, 4].map((n) => `arn:aws:iam::111122223333:user/u${n}`),
        accounts: ['111122223333', '333344445555'],
        regions: ['ap-south-1', 'eu-west-1', 'us-east-1'],
        firstSeen: '2024-10-03T00:00:00.000Z',
        lastSeen: '2024-10-08T12:00:00.000Z',
      },
    ]);
  });

  test('the same action from another provider, or with another outcome, is its own category', () => {
    const categories = huntCategories([
      row({ 'event.outcome': 'success' }),
      row({}),
      row({ 'event.provider': 'other.amazonaws.com' }),
    ]);
    expect(categories.map((c) => [c.provider, c.outcome])).toEqual([
      ['ec2.amazonaws.com', 'success'],
      ['ec2.amazonaws.com', 'failure'],
      ['other.amazonaws.com', 'failure'],
    ]);
  });

  test('rule alerts group per rule with their distinct principals, accounts, regions and time span', () => {
    const resolver = (eventID: string, eventTime: string, user: string, awsRegion: string) =>
      rawRecord({
        eventID,
        eventTime,
        awsRegion,
        eventSource: 'route53resolver.amazonaws.com',
        eventName: 'DeleteResolverQueryLogConfig',
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${user}`, accountId: '111122223333' },
      });
    const { alerts } = reportOf([
      resolver('a', '2024-10-08T09:00:00Z', 'bob', 'us-east-1'),
      resolver('b', '2024-10-07T09:00:00Z', 'alice', 'eu-west-1'),
      resolver('c', '2024-10-08T11:00:00Z', 'bob', 'us-east-1'),
    ]);

    expect(ruleCategories(alerts)).toEqual([
      expect.objectContaining({
        kind: 'rule',
        rule: 'route53-resolver-query-log-configuration-deleted',
        alerts: 3,
        principals: ['arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:user/bob'],
        accounts: ['111122223333'],
        regions: ['eu-west-1', 'us-east-1'],
        firstSeen: '2024-10-07T09:00:00.000Z',
        lastSeen: '2024-10-08T11:00:00.000Z',
      }),
    ]);
  });
});
