import { ArnFormat, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { atLeastOnce, countLogLines } from './alarms';
import { bundledFunction } from './bundled-function';
import { acknowledgeNag } from './nag';
import { prop } from './prop-names';
import { isRegionName } from '../contract/aws-ids';
import { RECONCILE_PROBLEM_LOG, RECOVERED_LOG } from '../contract/log-lines';
import type { ReconcileOptions } from '../reconcile-options';

/**
 * The reconciler (lambda/reconcile): a function run on a schedule, its permissions to re-read the
 * SSH log groups and CloudTrail event history, and its alarms: any recovery (the real-time path
 * lost a login), any problem it logged (a source or record it could not read), and its own errors.
 */
export interface ReconcilerProps {
  readonly options: ReconcileOptions;
  /** The ingest function's settings: a recovered login is made exactly as a real-time one. */
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly logKey?: kms.IKey;
  /** The CloudTrail event names the construct's rules match. */
  readonly eventNames: string[];
  readonly allLogGroups: boolean;
  /** Log groups the prefixes never bring in: the library's own and `excludeLogGroups` (read at synth). */
  readonly excludedLogGroups: () => string[];
}

export const DEFAULT_RECONCILE_EVERY = Duration.hours(1);
export const DEFAULT_RECONCILE_OVERLAP = Duration.minutes(20);
/** A run's time budget: the Lambda maximum, so a long window is read in as few runs as possible. */
const RUN_TIMEOUT = Duration.minutes(15);

export class Reconciler extends Construct {
  readonly fn: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly alarms: cloudwatch.Alarm[];
  /** What the recovery alarm counts, for the dashboard. */
  readonly recoveries: cloudwatch.Metric;
  private readonly logGroupNames: string[] = [];
  private readonly readLogs: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    const { options } = props;
    checkReconcileOptions(options, props.allLogGroups);
    const every = options.every ?? DEFAULT_RECONCILE_EVERY;
    const overlap = options.overlap ?? DEFAULT_RECONCILE_OVERLAP;
    const prefixes = options.logGroupNamePrefixes ?? [];
    const { fn, logGroup } = bundledFunction(this, 'Function', {
      bundle: 'reconcile',
      description: 'cdk-login-alerts: re-reads SSH log groups and CloudTrail event history, alerting on any login that was never alerted',
      timeout: RUN_TIMEOUT,
      logRetention: props.logRetention,
      logKey: props.logKey,
      // A failed run is not retried: the next scheduled run resumes from the checkpoint.
      retryAttempts: 0,
      environment: {
        ...props.environment,
        RECONCILE_LOG_GROUPS: Lazy.string({ produce: () => this.logGroupNames.join(',') }),
        ...(prefixes.length > 0 && {
          RECONCILE_LOG_GROUP_PREFIXES: prefixes.join(','),
          RECONCILE_EXCLUDED_LOG_GROUPS: Lazy.string({ produce: () => props.excludedLogGroups().join(',') }),
        }),
        RECONCILE_REGIONS: [Stack.of(this).region, ...(options.regions ?? [])].join(','),
        RECONCILE_EVENT_NAMES: props.eventNames.join(','),
        RECONCILE_INTERVAL_SECONDS: String(every.toSeconds()),
        RECONCILE_OVERLAP_SECONDS: String(overlap.toSeconds()),
      },
    });
    this.fn = fn;
    this.logGroup = logGroup;

    new events.Rule(this, 'Schedule', {
      description: `cdk-login-alerts: reconciliation every ${every.toHumanString()}`,
      schedule: events.Schedule.rate(every),
      targets: [new targets.LambdaFunction(fn)],
    });

    const stack = Stack.of(this);
    this.readLogs = new iam.PolicyStatement({
      sid: 'ReadSshLogGroups',
      actions: ['logs:FilterLogEvents'],
      resources: prefixes.map((prefix) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
    });
    fn.addToRolePolicy(this.readLogs);
    if (prefixes.length > 0) {
      fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ListLogGroups', actions: ['logs:DescribeLogGroups'], resources: ['*'] }));
    }
    if (props.eventNames.length > 0) {
      fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadCloudTrailEventHistory', actions: ['cloudtrail:LookupEvents'], resources: ['*'] }));
    }
    acknowledgeNag(fn.role!.node.findChild('DefaultPolicy'), {
      id: 'AwsSolutions-IAM5',
      reason: 'cloudtrail:LookupEvents and logs:DescribeLogGroups support no resource-level permissions. logs:FilterLogEvents (read-only) is granted '
        + 'on each SSH log group given (its ARN ends in :*, the streams within it) and on the log groups under the logGroupNamePrefixes given.',
      appliesTo: ['Resource::*', { regex: '/^Resource::arn:<AWS::Partition>:logs:.+:log-group:.+$/g' }],
    });

    const countLines = (name: string, message: string) => countLogLines(this, `${name}Metric`, logGroup, message, `Reconcile${name}`).metric({ statistic: 'Sum' });
    this.recoveries = countLines('Recoveries', RECOVERED_LOG);
    this.alarms = [
      this.recoveries.createAlarm(this, 'RecoveryAlarm', {
        alarmDescription: 'cdk-login-alerts: reconciliation found logins the real-time path never alerted, and published them ("recovered by reconciliation"). '
          + `Something upstream lost them: a subscription filter removed, a delivery or an event dropped. Read the "login recovered by reconciliation" lines in log group ${logGroup.logGroupName} for which logins, then check the subscription filters, the ingest function's errors and the EventBridge rules.`,
        ...atLeastOnce,
      }),
      countLines('Problems', RECONCILE_PROBLEM_LOG).createAlarm(this, 'ProblemAlarm', {
        alarmDescription: 'cdk-login-alerts: a reconciliation run could not read a source (a log group gone, access denied in a region) or a record; the rest of the run went on. '
          + `Its "reconciliation problem" lines in log group ${logGroup.logGroupName} say which and why; until it is fixed, that source is not checked.`,
        ...atLeastOnce,
      }),
      fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, 'ErrorsAlarm', {
        alarmDescription: 'cdk-login-alerts: a reconciliation run failed (the ledger or the topic unavailable, or a timeout); the next run resumes from its checkpoint.',
        ...atLeastOnce,
      }),
    ];
  }

  /** Re-reads this SSH log group too. */
  addLogGroup(logGroup: logs.ILogGroup): void {
    this.logGroupNames.push(logGroup.logGroupName);
    this.readLogs.addResources(logGroup.logGroupArn);
    if (!Token.isUnresolved(logGroup.logGroupName) && this.logGroupNames.join(',').length > 1500) {
      throw new Error(`${prop('reconcile')}: the SSH log groups' names are too long for the reconciler's environment (Lambda allows 4 KB in all); `
        + `use ${prop('allLogGroups')} with ${prop('logGroupNamePrefixes')}`);
    }
  }
}

function checkReconcileOptions(options: ReconcileOptions, allLogGroups: boolean): void {
  const every = options.every ?? DEFAULT_RECONCILE_EVERY;
  if (!every.isUnresolved() && (every.toSeconds() < 15 * 60 || every.toSeconds() > 24 * 3600)) {
    throw new Error(`${prop('reconcile')}.every must be between 15 minutes and one day: ${every.toHumanString()}`);
  }
  const overlap = options.overlap ?? DEFAULT_RECONCILE_OVERLAP;
  if (!overlap.isUnresolved() && overlap.toSeconds() > 24 * 3600) {
    throw new Error(`${prop('reconcile')}.overlap must be at most one day: ${overlap.toHumanString()}`);
  }
  for (const region of options.regions ?? []) {
    if (!Token.isUnresolved(region) && !isRegionName(region)) throw new Error(`${prop('reconcile')}.regions: ${JSON.stringify(region)} is not an AWS region name`);
  }
  const prefixes = options.logGroupNamePrefixes ?? [];
  if (prefixes.length > 0 && !allLogGroups) {
    throw new Error(`${prop('reconcile')}.${prop('logGroupNamePrefixes')} re-reads log groups of ${prop('allLogGroups')}; `
      + `without it, only ${prop('sshLogGroups')} are subscribed, and only they are re-read`);
  }
  if (prefixes.length > 10) throw new Error(`${prop('reconcile')}.${prop('logGroupNamePrefixes')}: at most 10 prefixes, got ${prefixes.length}`);
  for (const prefix of prefixes) {
    if (!/^[\w\-/.#]{1,511}$/.test(prefix)) throw new Error(`${prop('reconcile')}.${prop('logGroupNamePrefixes')}: ${JSON.stringify(prefix)} is not a log group name prefix`);
  }
}
