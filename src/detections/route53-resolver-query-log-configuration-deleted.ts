import { compareBy } from './compare.js';
import { T1562_008, type RuleAlert, type RuleDetection } from './detection.js';

export const route53ResolverQueryLogConfigurationDeleted: RuleDetection = {
  kind: 'rule',
  id: 'route53-resolver-query-log-configuration-deleted',
  name: 'Route53 Resolver Query Log Configuration Deleted',
  language: 'kuery',
  query:
    'event.dataset:aws.cloudtrail and event.provider: route53resolver.amazonaws.com and event.action: DeleteResolverQueryLogConfig and event.outcome: success',
  severity: 'medium',
  riskScore: 47,
  mitre: T1562_008,
  investigation: [
    'Identify the principal (ARN), source address and user agent of the deletion and whether the change was authorised.',
    'List the VPCs that were associated with the deleted query log configuration: their DNS queries are no longer logged.',
    'Look for DNS-based activity from those VPCs after the deletion (exfiltration or command-and-control over DNS).',
    'Recreate the query log configuration and its VPC associations; restrict route53resolver:DeleteResolverQueryLogConfig to administrators.',
  ],
  eventNames: ['DeleteResolverQueryLogConfig'],
  matches: (event) =>
    event['event.provider'] === 'route53resolver.amazonaws.com' &&
    event['event.action'] === 'DeleteResolverQueryLogConfig' &&
    event['event.outcome'] === 'success',
  run(events) {
    const alerts: RuleAlert[] = [];
    for (const event of events) {
      if (!this.matches(event)) continue;
      alerts.push({
        rule: this.id,
        severity: this.severity,
        risk_score: this.riskScore,
        event_id: event['event.id'],
        '@timestamp': event['@timestamp'],
        'cloud.account.id': event['cloud.account.id'],
        'cloud.region': event['cloud.region'],
        'aws.cloudtrail.user_identity.arn': event['aws.cloudtrail.user_identity.arn'],
        'source.address': event['source.address'],
        'user.name': event['user.name'],
        'user_agent.original': event['user_agent.original'],
        'event.provider': event['event.provider'],
        'event.action': event['event.action'],
        'event.outcome': event['event.outcome'],
        'aws.cloudtrail.request_parameters': event['aws.cloudtrail.request_parameters'],
        'origin.account': event.origin.account ?? null,
        'origin.account_name': event.origin.accountName ?? null,
      });
    }
    return alerts.sort(compareBy<RuleAlert>([(a) => a['@timestamp'], (a) => a.event_id]));
  },
};
