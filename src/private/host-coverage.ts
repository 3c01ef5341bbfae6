import { ArnFormat, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { atLeastOnce, countLogLines } from './alarms';
import { grantPublish } from './alert-topic';
import { bundledFunction } from './bundled-function';
import { grantLedgerState } from './login-ledger';
import { acknowledgeNag } from './nag';
import { prop } from './prop-names';
import { LoginKind } from '../alert-types';
import { isAccountId, isRegionName } from '../contract/aws-ids';
import { ledgerKeyPattern } from '../contract/ledger-keys';
import { COVERAGE_PROBLEM_LOG, COVERAGE_RUN_LOG } from '../contract/log-lines';
import type { CoverageOptions } from '../coverage-options';

/**
 * The coverage run (lambda/host-coverage): a function on a schedule, read-only access to instances,
 * log streams, rules and trails in the watched regions, its state in the ledger, and its alarms:
 * uncovered hosts at the threshold, a region not fully watched, a problem it logged, its own errors.
 * The figures come from its summary line (metric filters), so they work with or without `metrics`.
 */
export interface HostCoverageProps {
  readonly options: CoverageOptions;
  readonly topic: sns.ITopic;
  readonly topicKey?: kms.IKey;
  readonly ledger: { table: dynamodb.ITable; key: kms.IKey };
  readonly routingTagKeys: string[];
  readonly logRetention: logs.RetentionDays;
  readonly logKey?: kms.IKey;
  /** The regions reconciliation reads: watched by default too. */
  readonly reconcileRegions: string[];
  /** The construct's own sign-in and session rules. */
  readonly rules: () => events.IRule[];
  readonly allLogGroups: boolean;
  /** Log groups the prefixes never bring in: the library's own and `excludeLogGroups` (read at synth). */
  readonly excludedLogGroups: () => string[];
  /** The bus forwarded sign-ins and sessions arrive on, if any (known once the rules are made). */
  readonly forwardedBus: () => events.IEventBus | undefined;
  /** This deployment's ingest function, asked for a heartbeat after each run. */
  readonly ingest: lambda.IFunction;
  /** The topic was created here: its heartbeats are received and recorded here. */
  readonly recordsHeartbeats: boolean;
  readonly organizationId?: string;
}

export const DEFAULT_COVERAGE_EVERY = Duration.hours(6);
const DEFAULT_HEARTBEAT_SILENT_AFTER = Duration.hours(24);
const RUN_TIMEOUT = Duration.minutes(10);

export class HostCoverage extends Construct {
  readonly fn: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly alarms: cloudwatch.Alarm[];
  /** Silent and never-seen hosts at the last run, for the dashboard and the alarm. */
  readonly uncoveredHosts: cloudwatch.Metric;
  private readonly logGroupNames: string[] = [];
  private readonly readStreams: iam.PolicyStatement;
  private readStreamsAttached = false;

  constructor(scope: Construct, id: string, props: HostCoverageProps) {
    super(scope, id);
    const { options } = props;
    checkCoverageOptions(options, props.allLogGroups, props.organizationId, props.recordsHeartbeats);
    const heartbeatSilentAfter = options.heartbeatSilentAfter ?? DEFAULT_HEARTBEAT_SILENT_AFTER;
    const prefixes = options.logGroupNamePrefixes ?? [];
    const stack = Stack.of(this);
    const every = options.every ?? DEFAULT_COVERAGE_EVERY;
    const regions = [...new Set([stack.region, ...props.reconcileRegions, ...(options.regions ?? [])])];
    const { fn, logGroup } = bundledFunction(this, 'Function', {
      bundle: 'host-coverage',
      description: 'cdk-login-alerts: names the running instances and regions whose logins nothing sees, and alerts when that changes',
      timeout: RUN_TIMEOUT,
      logRetention: props.logRetention,
      logKey: props.logKey,
      // A failed run is not retried: the next scheduled run checks again.
      retryAttempts: 0,
      environment: {
        ALERT_TOPIC_ARN: props.topic.topicArn,
        LEDGER_TABLE_NAME: props.ledger.table.tableName,
        ...(props.routingTagKeys.length > 0 && { ROUTING_TAG_KEYS: props.routingTagKeys.join(',') }),
        COVERAGE_REGIONS: regions.join(','),
        COVERAGE_LOG_GROUPS: Lazy.string({ produce: () => this.logGroupNames.join(',') }),
        ...(prefixes.length > 0 && {
          COVERAGE_LOG_GROUP_PREFIXES: prefixes.join(','),
          COVERAGE_EXCLUDED_LOG_GROUPS: Lazy.string({ produce: () => props.excludedLogGroups().join(',') }),
        }),
        COVERAGE_SILENT_AFTER_SECONDS: String((options.silentAfter ?? Duration.hours(24)).toSeconds()),
        COVERAGE_MIN_AGE_SECONDS: String((options.minAge ?? Duration.hours(1)).toSeconds()),
        COVERAGE_RULE_NAMES: Lazy.string({ produce: () => props.rules().map((r) => r.ruleName).join(',') }),
        COVERAGE_FORWARDED_BUS_ARN: Lazy.string({ produce: () => props.forwardedBus()?.eventBusArn ?? '' }),
        ...(options.exemptTags && { COVERAGE_EXEMPT_TAGS: JSON.stringify(options.exemptTags) }),
        ...(options.systemsManager === false && { COVERAGE_SYSTEMS_MANAGER: 'false' }),
        COVERAGE_INGEST_FUNCTION: props.ingest.functionArn,
        ...(props.recordsHeartbeats && {
          COVERAGE_RECORDS_HEARTBEATS: 'true',
          COVERAGE_HEARTBEAT_SILENT_AFTER_SECONDS: String(heartbeatSilentAfter.toSeconds()),
          ...(options.memberAccounts?.length && { COVERAGE_MEMBER_ACCOUNTS: options.memberAccounts.join(',') }),
        }),
      },
    });
    this.fn = fn;
    this.logGroup = logGroup;

    new events.Rule(this, 'Schedule', {
      description: `cdk-login-alerts: coverage every ${every.toHumanString()}`,
      schedule: events.Schedule.rate(every),
      targets: [new targets.LambdaFunction(fn)],
    });

    grantPublish(props.topic, props.topicKey, fn);
    // The heartbeat: invoking its own ingest function (unqualified: no version or alias).
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'AskIngestForHeartbeat', actions: ['lambda:InvokeFunction'], resources: [props.ingest.functionArn] }));
    if (props.recordsHeartbeats) {
      // Every deployment's heartbeats, and nothing else, from the topic.
      props.topic.addSubscription(new subscriptions.LambdaSubscription(fn, {
        filterPolicy: { kind: new sns.SubscriptionFilter([LoginKind.HEARTBEAT]) },
      }));
    }
    grantLedgerState(props.ledger.table, props.ledger.key, fn, [ledgerKeyPattern('coverage')]);
    this.readStreams = new iam.PolicyStatement({
      sid: 'ReadLogStreams',
      actions: ['logs:DescribeLogStreams'],
      resources: prefixes.map((prefix) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
    });
    // Only with a log group to read: a deployment of CloudTrail sources alone has none (and no empty statement).
    if (prefixes.length > 0) this.attachReadStreams();
    if (prefixes.length > 0) fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ListLogGroups', actions: ['logs:DescribeLogGroups'], resources: ['*'] }));
    const ruleArns = regions.map((region) => stack.formatArn({ service: 'events', region, resource: 'rule', resourceName: '*' }));
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadRules', actions: ['events:DescribeRule'], resources: ruleArns }));
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ReadInstancesTrailsAndForwarders',
      actions: [
        'ec2:DescribeInstances', 'events:ListRuleNamesByTarget', 'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors',
        ...(options.systemsManager === false ? [] : ['ssm:DescribeInstanceInformation']),
      ],
      resources: ['*'],
    }));
    acknowledgeNag(fn.role!.node.findChild('DefaultPolicy'), {
      id: 'AwsSolutions-IAM5',
      reason: 'ec2:DescribeInstances, ssm:DescribeInstanceInformation, events:ListRuleNamesByTarget and the CloudTrail reads support no resource-level '
        + 'permissions (or, for trails, must read organization trails of other accounts); all are read-only. events:DescribeRule is granted on the '
        + 'watched regions\' rules, logs:DescribeLogStreams on each subscribed log group (ARN ending :*) and those under logGroupNamePrefixes, '
        + 'logs:DescribeLogGroups (no resource-level permissions) only with prefixes; the ledger only on coverage# keys.',
      appliesTo: ['Resource::*', { regex: '/^Resource::arn:<AWS::Partition>:(events|logs):.+$/g' }],
    });

    const figure = (name: string, field: string) => new logs.MetricFilter(this, `${name}Metric`, {
      logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', COVERAGE_RUN_LOG),
      metricNamespace: 'cdk-login-alerts',
      metricName: `Coverage${name}-${this.node.addr}`,
      metricValue: `$.${field}`,
    }).metric({ statistic: 'Maximum', period: every.toMinutes() > 24 * 60 ? Duration.days(1) : every });
    this.uncoveredHosts = figure('UncoveredHosts', 'uncoveredHosts');
    const threshold = options.uncoveredHostsThreshold ?? 1;
    const lastRun = {
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // Between runs there is no figure: the alarm keeps what the last run said.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    };
    this.alarms = [
      this.uncoveredHosts.createAlarm(this, 'UncoveredHostsAlarm', {
        alarmDescription: `cdk-login-alerts: ${threshold === 1 ? 'a running instance ships' : `${threshold} or more running instances ship`} no auth log that a log source sees, `
          + 'so logins there alert nobody. The last coverage alert (kind coverage) lists them with why and what to do; '
          + `so does "cdk-login-alerts check --coverage". Install or fix the CloudWatch agent, or exempt the host (tag login-alerts:exempt). Log group ${logGroup.logGroupName}.`,
        threshold,
        ...lastRun,
      }),
      figure('UncoveredRegions', 'uncoveredRegions').createAlarm(this, 'UncoveredRegionsAlarm', {
        alarmDescription: 'cdk-login-alerts: a watched region is not fully watched: a rule disabled or gone, no forwarder, or no CloudTrail trail logging there, '
          + 'so its sign-ins and sessions alert nobody. The last coverage alert says which and what to do.',
        threshold: 1,
        ...lastRun,
      }),
      countLogLines(this, 'ProblemsMetric', logGroup, COVERAGE_PROBLEM_LOG, 'CoverageProblems').metric({ statistic: 'Sum' }).createAlarm(this, 'ProblemAlarm', {
        alarmDescription: `cdk-login-alerts: a coverage run could not read something (a region, a log group, its state); the rest of the run went on. Its "${COVERAGE_PROBLEM_LOG}" lines in log group ${logGroup.logGroupName} say which and why.`,
        ...atLeastOnce,
      }),
      fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, 'ErrorsAlarm', {
        alarmDescription: 'cdk-login-alerts: a coverage run failed (the ledger or the topic unavailable, or a timeout), or heartbeats could not be recorded; '
          + 'the next run checks again.',
        ...atLeastOnce,
      }),
      ...(props.recordsHeartbeats ? [figure('SilentAccounts', 'silentAccounts').createAlarm(this, 'HeartbeatAlarm', {
        alarmDescription: `cdk-login-alerts: a deployment (account and region) sent no heartbeat for ${heartbeatSilentAfter.toHumanString()}, or an expected member `
          + 'account never sent one: logins there may alert nobody. The last coverage alert (silentAccounts) names it; check that its LoginAlerts, with coverage, '
          + 'is deployed, its coverage function runs and its ingest function can publish to this topic.',
        threshold: 1,
        ...lastRun,
      })] : []),
    ];
  }

  /** Hosts shipping to this log group are covered. */
  addLogGroup(logGroup: logs.ILogGroup): void {
    this.logGroupNames.push(logGroup.logGroupName);
    this.readStreams.addResources(logGroup.logGroupArn);
    this.attachReadStreams();
  }

  private attachReadStreams(): void {
    if (this.readStreamsAttached) return;
    this.fn.addToRolePolicy(this.readStreams);
    this.readStreamsAttached = true;
  }
}

function checkCoverageOptions(options: CoverageOptions, allLogGroups: boolean, organizationId: string | undefined, recordsHeartbeats: boolean): void {
  const every = options.every ?? DEFAULT_COVERAGE_EVERY;
  if (!every.isUnresolved() && (every.toSeconds() < 3600 || every.toSeconds() > 24 * 3600)) {
    throw new Error(`${prop('coverage')}.every must be between one hour and one day: ${every.toHumanString()}`);
  }
  const heartbeat = options.heartbeatSilentAfter ?? DEFAULT_HEARTBEAT_SILENT_AFTER;
  if (recordsHeartbeats && !heartbeat.isUnresolved() && !every.isUnresolved() && heartbeat.toSeconds() < 2 * every.toSeconds()) {
    throw new Error(`${prop('coverage')}.${prop('heartbeatSilentAfter')} (${heartbeat.toHumanString()}) must be at least twice ${prop('coverage')}.every `
      + `(${every.toHumanString()}): a heartbeat comes once a run`);
  }
  if (options.memberAccounts?.length && !organizationId) {
    throw new Error(`${prop('coverage')}.${prop('memberAccounts')} are the member accounts of ${prop('organizationId')}: without it, only this account publishes to the topic`);
  }
  for (const account of options.memberAccounts ?? []) {
    if (!Token.isUnresolved(account) && !isAccountId(account)) {
      throw new Error(`${prop('coverage')}.${prop('memberAccounts')}: ${JSON.stringify(account)} is not a 12-digit account id`);
    }
  }
  if (options.silentAfter && !options.silentAfter.isUnresolved() && options.silentAfter.toSeconds() < 3600) {
    throw new Error(`${prop('coverage')}.${prop('silentAfter')} must be at least one hour: ${options.silentAfter.toHumanString()}`);
  }
  for (const region of options.regions ?? []) {
    if (!Token.isUnresolved(region) && !isRegionName(region)) throw new Error(`${prop('coverage')}.regions: ${JSON.stringify(region)} is not an AWS region name`);
  }
  const threshold = options.uncoveredHostsThreshold;
  if (threshold !== undefined && (!Number.isInteger(threshold) || threshold < 1)) {
    throw new Error(`${prop('coverage')}.${prop('uncoveredHostsThreshold')} must be a whole number of at least 1: ${threshold}`);
  }
  const prefixes = options.logGroupNamePrefixes ?? [];
  if (prefixes.length > 0 && !allLogGroups) {
    throw new Error(`${prop('coverage')}.${prop('logGroupNamePrefixes')} reads log groups of ${prop('allLogGroups')}; without it, only the log groups given are subscribed`);
  }
  if (prefixes.length > 10) throw new Error(`${prop('coverage')}.${prop('logGroupNamePrefixes')}: at most 10 prefixes, got ${prefixes.length}`);
  for (const prefix of prefixes) {
    if (!/^[\w\-/.#]{1,511}$/.test(prefix)) throw new Error(`${prop('coverage')}.${prop('logGroupNamePrefixes')}: ${JSON.stringify(prefix)} is not a log group name prefix`);
  }
  for (const key of Object.keys(options.exemptTags ?? {})) {
    if (key.length === 0 || key.length > 128) throw new Error(`${prop('coverage')}.${prop('exemptTags')}: ${JSON.stringify(key)} is not a tag key`);
  }
}
