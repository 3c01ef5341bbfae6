import { Annotations, ArnFormat, Duration, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type AlertDestination, type AlertDestinationResources } from './destinations';
import { deadLetterAlarm, functionAlarms, ruleAlarms, topicRedriveAlarm } from './private/alarms';
import { createAlertTopic, createPipelineAlarmTopic, grantPublish, MEMBER_INGEST_ROLE_PREFIX, restrictPublishers } from './private/alert-topic';
import { bundledFunction } from './private/bundled-function';
import { parseCidr } from './private/cidr';
import { CONSOLE_LOGIN_PATTERN, SIGN_IN_EVENT_BUS_NAME } from './private/console-login-pattern';
import { deadLetterQueue, grantDeadLetterWrite, QueueOnFailure } from './private/dead-letter-queue';
import { acknowledgeNag } from './private/nag';

/**
 * Properties of {@link LoginAlerts}.
 */
export interface LoginAlertsProps {
  /**
   * Log groups that hold the instances' auth/secure logs (`/var/log/secure`, `/var/log/auth.log`).
   *
   * Each gets a subscription filter that sends sshd `Accepted` lines to the ingest function.
   * CloudWatch Logs allows only a few subscription filters per log group (two, per the API reference);
   * make sure one is free. More can be added later with `addSshLogGroup`.
   *
   * @default - no SSH log groups
   */
  readonly sshLogGroups?: logs.ILogGroup[];

  /**
   * Alert on AWS console sign-ins (`ConsoleLogin` CloudTrail events delivered by EventBridge).
   *
   * Needs a CloudTrail trail with logging enabled in the account. Sign-in events are recorded in
   * specific regions: root sign-ins only in us-east-1 (see README, "Regions").
   *
   * @default true
   */
  readonly consoleSignIns?: boolean;

  /**
   * An existing topic to publish alerts to.
   *
   * If it is encrypted with a KMS key, grant the ingest function (`ingestFunction`) use of that key.
   *
   * @default - a new topic encrypted with a new customer-managed KMS key, TLS only
   */
  readonly topic?: sns.ITopic;

  /**
   * Client address ranges considered trusted (office, VPN, bastion).
   *
   * SSH logins from inside them are one severity level lower (never below `low`), with a reason;
   * logins from outside get the reason `source IP outside trusted ranges`.
   *
   * @default - no trusted ranges
   */
  readonly trustedCidrs?: string[];

  /**
   * How long the functions' logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Look up the EC2 instance behind each SSH login (name, tags, private IP, AZ, instance type).
   *
   * Needs `ec2:DescribeInstances`, which cannot be scoped to resources.
   *
   * @default true
   */
  readonly enrichInstances?: boolean;

  /**
   * Other accounts whose instances send auth logs here (e.g. through a central logging account):
   * instance ids not found in this account are looked up there through `enrichmentRoleName`.
   *
   * @default - this account only
   */
  readonly enrichmentAccounts?: string[];

  /**
   * The role the ingest function assumes in each of `enrichmentAccounts` to call
   * `ec2:DescribeInstances` (README, "Accounts", shows its definition).
   *
   * @default 'cdk-login-alerts-enrichment'
   */
  readonly enrichmentRoleName?: string;

  /**
   * The KMS key of a given `topic`, e.g. a central account's topic this member account publishes
   * to; the ingest function is allowed to use it.
   *
   * @default - none (a created topic's key is handled by the construct)
   */
  readonly topicEncryptionKey?: kms.IKey;

  /**
   * How long an instance lookup (found or not found) is reused by a warm ingest function.
   *
   * @default Duration.minutes(5)
   */
  readonly instanceCacheTtl?: Duration;

  /**
   * Where alerts are delivered besides the topic: `AlertDestination.slack(...)`,
   * `AlertDestination.pagerDuty(...)`. More can be added with `addDestination`.
   *
   * @default - none: subscribe to `topic` yourself
   */
  readonly destinations?: AlertDestination[];

  /**
   * Another topic that receives the pipeline's alarm notifications (dead letters, function errors,
   * throttles), e.g. your operations team's. They always go to the alert topic too, so a broken
   * Slack path still pages through PagerDuty and the other way round.
   *
   * @default - alarms notify the alert topic only
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * A custom event bus to watch for console sign-ins as well as the default bus, e.g. the bus
   * `ConsoleLoginForwarder`s in other regions (or accounts) send to.
   *
   * @default - a new bus when `receiveForwardedSignIns` is on, else the default bus only
   */
  readonly signInEventBus?: events.IEventBus;

  /**
   * Create a dedicated event bus (`signInEventBus`, named `login-alerts-sign-ins`) for sign-in events
   * forwarded from other regions by `ConsoleLoginForwarder`, and watch it as well as the default bus.
   * One per account and region.
   *
   * @default false
   */
  readonly receiveForwardedSignIns?: boolean;

  /**
   * An AWS Organizations id (`o-…`) for a central deployment: the created sign-in bus accepts
   * sign-in events forwarded from any account of the organization, and the created topic (and its
   * key) accepts alerts published by member accounts' LoginAlerts (given it as `topic`).
   *
   * @default - only this account may forward sign-ins or publish
   */
  readonly organizationId?: string;

  /**
   * Subscribe every log group of the account in this region (including ones created later) with an
   * account-level subscription filter policy, instead of, or beside, `sshLogGroups`. The library's
   * own log groups are always excluded, so its logs never loop back into it.
   *
   * @default false
   */
  readonly allLogGroups?: boolean;

  /**
   * Log groups left out of `allLogGroups` (exact names; CloudWatch Logs allows 50 in all).
   *
   * @default - only the library's own log groups
   */
  readonly excludeLogGroups?: string[];
}

/**
 * Alerts on every interactive login to an AWS estate: SSH logins from instance auth logs and AWS
 * console sign-ins from CloudTrail, as versioned JSON alerts on one SNS topic.
 *
 * Subscribe whatever should receive them to `topic` (email, SQS, a function of your own).
 */
export class LoginAlerts extends Construct {
  /**
   * `"sshd" "Accepted"`: both words anywhere in the line, so it matches `sshd[…]` and OpenSSH 9.8's
   * `sshd-session[…]`, with syslog and RFC3339 timestamps. The function parses the line strictly.
   */
  private static readonly SSH_FILTER_PATTERN = logs.FilterPattern.literal('"sshd" "Accepted"');

  private static readonly MAX_PER_LOG_GROUP_PERMISSIONS = 10;

  /**
   * The topic every alert is published to.
   */
  public readonly topic: sns.ITopic;

  /**
   * The KMS key encrypting the topic.
   *
   * Conditional: only when the construct created the topic.
   */
  public readonly topicKey?: kms.IKey;

  /**
   * The topic the pipeline's alarms notify, which only CloudWatch alarms may publish to.
   *
   * Conditional: only with `organizationId`, where member accounts may publish to the alert topic
   * (so an alarm-shaped message there could be forged). Destinations subscribe to both topics and
   * honour alarm notifications from this one only. Without it, alarms notify the alert topic.
   */
  public readonly pipelineAlarmTopic?: sns.ITopic;

  /**
   * The function that turns log lines and sign-in events into alerts.
   */
  public readonly ingestFunction: lambda.IFunction;

  /**
   * The ingest function's log group.
   */
  public readonly ingestLogGroup: logs.ILogGroup;

  /**
   * The EventBridge rule matching `ConsoleLogin` events.
   *
   * Conditional: only when `consoleSignIns` is on.
   */
  public readonly consoleLoginRule?: events.IRule;

  /**
   * The custom event bus watched for forwarded sign-ins.
   *
   * Conditional: only with `signInEventBus` or `receiveForwardedSignIns`.
   */
  public readonly signInEventBus?: events.IEventBus;

  /**
   * The account-level subscription filter policy covering every log group.
   *
   * Conditional: only with `allLogGroups`.
   */
  public readonly accountSubscriptionPolicy?: logs.CfnAccountPolicy;

  /**
   * Where ingest work that failed every retry waits for a replay: CloudWatch Logs deliveries and
   * sign-in events the function could not process, and events EventBridge could not deliver.
   * KMS-encrypted, TLS only, kept 14 days.
   */
  public readonly ingestDeadLetterQueue: sqs.IQueue;

  private readonly ingest: lambda.Function;
  private readonly filters: logs.SubscriptionFilter[] = [];
  private readonly boundDestinations: AlertDestinationResources[] = [];
  private readonly logRetention: logs.RetentionDays;
  private readonly deadLetterKey: kms.Key;
  private readonly alarmActions: cloudwatchActions.SnsAction[];
  private readonly pipelineAlarms: cloudwatch.Alarm[] = [];
  private accountWidePermission?: Construct;

  constructor(scope: Construct, id: string, props: LoginAlertsProps = {}) {
    super(scope, id);
    if (props.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
      throw new Error(`organizationId ${props.organizationId} is not an AWS Organizations id (o-…)`);
    }
    if (props.organizationId !== undefined && props.topic) {
      throw new Error('organizationId opens the created topic and sign-in bus to the organization; a given topic\'s policy is yours to set');
    }
    if (props.enrichmentAccounts?.length && props.enrichInstances === false) {
      throw new Error('enrichmentAccounts needs enrichInstances');
    }
    const trustedCidrs = props.trustedCidrs ?? [];
    validateCidrs(trustedCidrs);
    const cacheTtl = props.instanceCacheTtl ?? Duration.minutes(5);
    const enrich = props.enrichInstances ?? true;
    const enrichmentRoleArns = (props.enrichmentAccounts ?? []).map((account) => {
      if (!Token.isUnresolved(account) && !/^\d{12}$/.test(account)) throw new Error(`enrichmentAccounts: ${account} is not a 12-digit account id`);
      return Stack.of(this).formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: props.enrichmentRoleName ?? 'cdk-login-alerts-enrichment' });
    });

    const created = props.topic ? undefined : createAlertTopic(this, props.organizationId);
    this.topic = props.topic ?? created!.topic;
    this.topicKey = created?.key;
    this.pipelineAlarmTopic = created && props.organizationId ? createPipelineAlarmTopic(this, created.key) : undefined;
    const alarmTopics = [this.pipelineAlarmTopic ?? this.topic, ...(props.alarmTopic ? [props.alarmTopic] : [])];
    this.alarmActions = alarmTopics.map((t) => new cloudwatchActions.SnsAction(t));

    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.deadLetterKey = this.createDeadLetterKey();
    const ingestDeadLetters = deadLetterQueue(this, 'IngestDeadLetterQueue', this.deadLetterKey);
    this.ingestDeadLetterQueue = ingestDeadLetters;
    const { fn, logGroup } = bundledFunction(this, 'IngestFunction', {
      bundle: 'ingest',
      description: 'cdk-login-alerts: turns SSH logins and console sign-ins into alerts on the topic',
      timeout: Duration.minutes(1),
      logRetention: this.logRetention,
      // CloudWatch Logs and EventBridge invoke asynchronously: two retries, then the dead-letter queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new QueueOnFailure(ingestDeadLetters),
      // Publishing to a given topic (a central account's, say): a name its policy can allow by pattern.
      roleName: props.topic ? `${MEMBER_INGEST_ROLE_PREFIX}${Names.uniqueResourceName(this, { maxLength: 64 - MEMBER_INGEST_ROLE_PREFIX.length })}` : undefined,
      environment: {
        ALERT_TOPIC_ARN: this.topic.topicArn,
        TRUSTED_CIDRS: trustedCidrs.join(','),
        ENRICH_INSTANCES: String(enrich),
        INSTANCE_CACHE_TTL_SECONDS: String(cacheTtl.toSeconds()),
        ...(enrichmentRoleArns.length > 0 && { ENRICHMENT_ROLE_ARNS: enrichmentRoleArns.join(',') }),
      },
    });
    this.ingest = fn;
    this.ingestFunction = fn;
    this.ingestLogGroup = logGroup;
    grantPublish(this.topic, this.topicKey ?? props.topicEncryptionKey, this.ingest);
    if (enrichmentRoleArns.length > 0) {
      this.ingest.addToRolePolicy(new iam.PolicyStatement({ sid: 'AssumeEnrichmentRoles', actions: ['sts:AssumeRole'], resources: enrichmentRoleArns }));
    }
    if (created) restrictPublishers(created.topic, this.ingest.role!, props.organizationId);
    grantDeadLetterWrite(ingestDeadLetters, this.deadLetterKey, this.ingest);
    this.addAlarms(new Construct(this, 'IngestAlarms'), 'ingest', this.ingest, ingestDeadLetters);
    if (enrich) {
      this.ingest.addToRolePolicy(new iam.PolicyStatement({
        sid: 'DescribeInstancesForEnrichment',
        actions: ['ec2:DescribeInstances'],
        // DescribeInstances supports no resource-level permissions.
        resources: ['*'],
      }));
      acknowledgeNag(this.ingest.role!.node.findChild('DefaultPolicy'), {
        id: 'AwsSolutions-IAM5',
        reason: 'ec2:DescribeInstances supports no resource-level permissions. It is read-only and only used to add the instance name and tags to SSH alerts; enrichInstances: false removes it.',
        appliesTo: ['Resource::*'],
      });
    }

    for (const group of props.sshLogGroups ?? []) this.addSshLogGroup(group);

    if (props.consoleSignIns ?? true) {
      const ingestTarget = () => new targets.LambdaFunction(this.ingest, {
        // Delivery to the function is retried for a day, then the event goes to the dead-letter queue.
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
        deadLetterQueue: ingestDeadLetters,
      });
      this.consoleLoginRule = new events.Rule(this, 'ConsoleLoginRule', {
        description: 'cdk-login-alerts: AWS console sign-ins (CloudTrail ConsoleLogin) to the ingest function',
        eventPattern: CONSOLE_LOGIN_PATTERN,
        targets: [ingestTarget()],
      });
      this.watch(ruleAlarms(new Construct(this, 'ConsoleLoginRuleAlarms'), 'the console sign-in rule', this.consoleLoginRule));
      this.signInEventBus = props.signInEventBus ?? (props.receiveForwardedSignIns ? this.createSignInBus(props.organizationId) : undefined);
      if (this.signInEventBus) {
        const forwarded = new events.Rule(this, 'ForwardedConsoleLoginRule', {
          description: 'cdk-login-alerts: console sign-ins forwarded from other regions or accounts to the ingest function',
          eventBus: this.signInEventBus,
          eventPattern: CONSOLE_LOGIN_PATTERN,
          targets: [ingestTarget()],
        });
        this.watch(ruleAlarms(new Construct(this, 'ForwardedConsoleLoginRuleAlarms'), 'the forwarded sign-in rule', forwarded, this.signInEventBus));
      }
      if (!this.signInEventBus) warnAboutSignInRegion(this);
    } else if (props.signInEventBus || props.receiveForwardedSignIns) {
      throw new Error('signInEventBus and receiveForwardedSignIns need consoleSignIns');
    }
    if (props.allLogGroups) this.accountSubscriptionPolicy = this.subscribeAllLogGroups(props.excludeLogGroups ?? []);

    for (const destination of props.destinations ?? []) this.addDestination(destination);
  }

  /**
   * The alarms on the pipeline itself: messages in any dead-letter queue, function errors and
   * throttles. They notify the alert topic (and `alarmTopic`); add your own actions as you like.
   */
  public get alarms(): cloudwatch.IAlarm[] {
    return [...this.pipelineAlarms];
  }

  /**
   * What each destination added: its function, log group, dead-letter queue and subscription.
   */
  public get destinations(): AlertDestinationResources[] {
    return [...this.boundDestinations];
  }

  /**
   * Delivers alerts to another destination (`AlertDestination.slack(...)`, `AlertDestination.pagerDuty(...)`).
   */
  public addDestination(destination: AlertDestination): AlertDestinationResources {
    const type = destination.destinationType;
    const sameType = this.boundDestinations.filter((d) => d.destinationType === type).length;
    const id = `${type === 'pagerduty' ? 'PagerDuty' : type.charAt(0).toUpperCase() + type.slice(1)}${sameType > 0 ? sameType + 1 : ''}`;
    const scope = new Construct(this, id);
    const resources = destination.bind(scope, {
      topic: this.topic,
      pipelineAlarmTopic: this.pipelineAlarmTopic,
      deadLetterKey: this.deadLetterKey,
      logRetention: this.logRetention,
    });
    this.addAlarms(scope, type, resources.deliveryFunction, resources.deadLetterQueue);
    // Destinations' subscriptions redrive to their dead-letter queues: a failed redrive loses the alert.
    if (this.boundDestinations.length === 0) {
      this.watch([topicRedriveAlarm(new Construct(this, 'TopicAlarms'), this.topic)]);
      if (this.pipelineAlarmTopic) this.watch([topicRedriveAlarm(new Construct(this, 'PipelineAlarmTopicAlarms'), this.pipelineAlarmTopic)]);
    }
    this.boundDestinations.push(resources);
    return resources;
  }

  /**
   * The subscription filters sending sshd `Accepted` lines to the ingest function, one per log group.
   */
  public get subscriptionFilters(): logs.SubscriptionFilter[] {
    return [...this.filters];
  }

  /**
   * Sends the sshd `Accepted` lines of another log group to the ingest function.
   *
   * Up to 10 log groups get an invoke permission each, scoped to that log group; from the 11th on,
   * one permission scoped to the account's log groups in this region serves them all, so the
   * function's resource policy stays far under its 20 KB limit.
   */
  public addSshLogGroup(logGroup: logs.ILogGroup): logs.SubscriptionFilter {
    const id = `SshFilter${Names.nodeUniqueId(logGroup.node)}`;
    if (this.node.tryFindChild(id)) {
      throw new Error(`Log group ${logGroup.node.path} is already subscribed to ${this.node.path}`);
    }
    const perGroup = this.filters.length < LoginAlerts.MAX_PER_LOG_GROUP_PERMISSIONS;
    const filter = new logs.SubscriptionFilter(this, id, {
      logGroup,
      destination: new destinations.LambdaDestination(this.ingest, { addPermissions: false }),
      filterPattern: LoginAlerts.SSH_FILTER_PATTERN,
    });
    // The filter is checked against the function's resource policy when it is created: permission first.
    filter.node.addDependency(perGroup ? this.logsPermission(`InvokeFrom${id}`, logGroup.logGroupArn) : this.ensureAccountWidePermission());
    this.filters.push(filter);
    return filter;
  }

  /** A bus for forwarded sign-ins: this account's principals, or the organization's, may put events on it. */
  private createSignInBus(organizationId: string | undefined): events.EventBus {
    // A fixed name, so forwarders in other regions and accounts can address it without a cross-stack reference.
    const bus = new events.EventBus(this, 'SignInEventBus', {
      eventBusName: SIGN_IN_EVENT_BUS_NAME,
      description: 'cdk-login-alerts: console sign-in events forwarded from other regions and accounts',
    });
    bus.addToResourcePolicy(new iam.PolicyStatement({
      sid: organizationId ? 'AllowOrganizationToForwardSignIns' : 'AllowThisAccountToForwardSignIns',
      principals: [organizationId ? new iam.AnyPrincipal() : new iam.AccountRootPrincipal()],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      // Only sign-in events, and for an organization only its members.
      conditions: {
        StringEquals: {
          'events:source': 'aws.signin',
          ...(organizationId && { 'aws:PrincipalOrgID': organizationId }),
        },
      },
    }));
    return bus;
  }

  /**
   * One account-level subscription filter policy for every log group, present and future, but the
   * library's own and those excluded, all sending sshd Accepted lines to the ingest function.
   */
  private subscribeAllLogGroups(excluded: string[]): logs.CfnAccountPolicy {
    const policy = new logs.CfnAccountPolicy(this, 'AllLogGroupsSubscription', {
      policyName: `cdk-login-alerts-${Names.uniqueResourceName(this, { maxLength: 60 })}`,
      policyType: 'SUBSCRIPTION_FILTER_POLICY',
      scope: 'ALL',
      policyDocument: Stack.of(this).toJsonString({
        DestinationArn: this.ingest.functionArn,
        FilterPattern: '"sshd" "Accepted"',
        Distribution: 'Random',
      }),
      // Read at synth: destinations added later bring log groups that must stay out too.
      selectionCriteria: Lazy.string({
        produce: () => {
          const names = [this.ingestLogGroup, ...this.boundDestinations.map((d) => d.logGroup)].map((g) => g.logGroupName).concat(excluded);
          if (names.length > 50) throw new Error(`excludeLogGroups: CloudWatch Logs allows 50 excluded log groups with the library's own, got ${names.length}`);
          return `LogGroupName NOT IN [${names.map((name) => JSON.stringify(name)).join(', ')}]`;
        },
      }),
    });
    policy.node.addDependency(this.ensureAccountWidePermission());
    return policy;
  }

  /**
   * One key for every dead-letter queue. SNS (subscription redrive) and EventBridge (target DLQ)
   * write to those queues themselves, so the key lets them, for this account only.
   */
  private createDeadLetterKey(): kms.Key {
    const key = new kms.Key(this, 'DeadLetterKey', {
      description: 'Encrypts the dead-letter queues of cdk-login-alerts',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowSnsAndEventBridgeToDeadLetter',
      principals: [new iam.ServicePrincipal('sns.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    return key;
  }

  private addAlarms(scope: Construct, what: string, fn: lambda.IFunction, queue: sqs.IQueue): void {
    this.watch([...functionAlarms(scope, what, fn), deadLetterAlarm(scope, `the ${what} dead-letter queue`, queue)]);
  }

  /** Alarms notify the alert topic (and `alarmTopic`), on ALARM and on OK. */
  private watch(alarms: cloudwatch.Alarm[]): void {
    for (const alarm of alarms) {
      for (const action of this.alarmActions) {
        alarm.addAlarmAction(action);
        // Recoveries go out too: they resolve the PagerDuty incident the alarm opened.
        alarm.addOkAction(action);
      }
    }
    this.pipelineAlarms.push(...alarms);
  }

  /** An invoke permission for CloudWatch Logs, scoped by source ARN and account. */
  private logsPermission(id: string, sourceArn: string): Construct {
    this.ingest.addPermission(id, {
      principal: new iam.ServicePrincipal('logs.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceArn,
      sourceAccount: Stack.of(this).account,
    });
    return this.ingest.permissionsNode.findChild(id);
  }

  private ensureAccountWidePermission(): Construct {
    this.accountWidePermission ??= this.logsPermission('InvokeFromAccountLogGroups', Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));
    return this.accountWidePermission;
  }
}

function validateCidrs(cidrs: string[]): void {
  for (const cidr of cidrs) {
    if (Token.isUnresolved(cidr)) continue;
    if (!parseCidr(cidr)) throw new Error(`trustedCidrs: ${JSON.stringify(cidr)} is not a CIDR range like 198.51.100.0/24 or 2001:db8::/32`);
  }
}

function warnAboutSignInRegion(scope: Construct): void {
  const region = Stack.of(scope).region;
  const id = 'cdk-login-alerts:consoleSignInRegion';
  if (Token.isUnresolved(region)) {
    Annotations.of(scope).addWarningV2(id, 'Console sign-in events are recorded in specific regions (root sign-ins only in us-east-1), but this stack has no explicit region: deploy it to us-east-1 or forward sign-in events from there (README, "Regions").');
  } else if (region !== 'us-east-1') {
    Annotations.of(scope).addWarningV2(id, `Console sign-ins are watched in ${region} only, but root sign-ins (and most IAM user sign-ins) are recorded in us-east-1: they will not alert unless forwarded from there (README, "Regions").`);
  }
}
