import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  eksClusterLogGroup, SESSION_EVENT_NAMES, SIGN_IN_EVENT_NAMES, WINDOWS_LOGON_AND_FAILURES_FILTER_PATTERN, WINDOWS_LOGON_FILTER_PATTERN,
} from './contract/event-patterns';
import { ledgerKeyPattern } from './contract/ledger-keys';
import { metricsEnvironment } from './contract/metrics';
import { type AlertDestination, type AlertDestinationResources } from './destinations';
import type { LoginAlertsProps } from './login-alerts-props';
import { deadLetterAlarm, functionAlarms, topicRedriveAlarm } from './private/alarms';
import { configureAlertMaker, type AlertMakerSettings } from './private/alert-maker';
import { createAlertTopic, createPipelineAlarmTopic, grantPublish, MEMBER_INGEST_ROLE_PREFIX, restrictPublishers } from './private/alert-topic';
import { bundledFunction } from './private/bundled-function';
import { watchCloudTrailEvents } from './private/cloudtrail-rules';
import { PipelineDashboard } from './private/dashboard';
import { createDeadLetterKey, deadLetterQueue, grantDeadLetterWrite, QueueOnFailure } from './private/dead-letter-queue';
import { geoLayer, geoUnavailableAlarm } from './private/geo-layer';
import { HostCoverage } from './private/host-coverage';
import { EKS_CLUSTERS, LogGroupSubscriptions, SSH_LOG_GROUPS, type LogGroupSource } from './private/log-group-subscriptions';
import { createLoginLedger, ledgerSettings, ledgerUnavailableAlarm } from './private/login-ledger';
import { allowCloudWatchLogs, createLogsKey } from './private/logs-key';
import { prop } from './private/prop-names';
import { Reconciler } from './private/reconciler';
import { checkProps, requireASource, topicKeyToGrant } from './private/synth-checks';

/** Construct ids of the destinations, by type. */
const CONSTRUCT_NAMES: Record<string, string> = { pagerduty: 'PagerDuty', slackapp: 'SlackApp' };

/**
 * Alerts on every interactive login to an AWS estate: SSH logins from instance auth logs and AWS
 * console sign-ins from CloudTrail, as versioned JSON alerts on one SNS topic.
 *
 * Subscribe whatever should receive them to `topic` (email, SQS, a function of your own).
 */
export class LoginAlerts extends Construct {
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
   * The KMS key encrypting the log groups the construct creates (its own, or `logsKey`).
   *
   * Conditional: not with `encryptLogs: false`.
   */
  public readonly logsKey?: kms.IKey;

  /**
   * The CloudWatch dashboard: logins by kind and severity, what rules and repeats held back,
   * first-seen sources, pipeline problems, dead-letter queue depths, every alarm, each destination's
   * deliveries.
   *
   * Conditional: only with `dashboard`.
   */
  public readonly dashboard?: cloudwatch.Dashboard;

  /**
   * The topic the pipeline's alarms notify, which only CloudWatch alarms may publish to. The
   * destinations subscribe to it without a filter policy and honour alarm notifications from it
   * only: CloudWatch publishes alarms without message attributes, and an SNS filter policy never
   * matches a message without attributes, so the alert topic's filtered subscriptions cannot carry
   * them. Alarms also notify the alert topic (email and your own subscribers), except with
   * `organizationId`, where member accounts may publish there and an alarm could be forged.
   *
   * Conditional: only when the construct creates the alert topic (no `topic` given).
   */
  public readonly pipelineAlarmTopic?: sns.ITopic;

  /**
   * The login ledger: links Instance Connect key pushes and the SSH logins they made possible across
   * deliveries (items expire by TTL).
   *
   * Conditional: only when `ledger` is on.
   */
  public readonly ledgerTable?: dynamodb.ITable;

  /**
   * The function that turns log lines and sign-in events into alerts.
   */
  public readonly ingestFunction: lambda.IFunction;

  /**
   * The Lambda layer holding the IP databases (`geo`), on the ingest function and the reconciler.
   * Undefined without `geo`.
   */
  public readonly geoLayer?: lambda.ILayerVersion;

  /**
   * The reconciliation function, run on a schedule; its log says which logins it recovered.
   *
   * Conditional: only with `reconcile`.
   */
  public readonly reconcileFunction?: lambda.IFunction;

  /**
   * The coverage function, run on a schedule; its coverage alerts name the hosts and regions nothing sees.
   *
   * Conditional: only with `coverage`.
   */
  public readonly coverageFunction?: lambda.IFunction;

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
   * The EventBridge rule matching the calls that open a way in: Session Manager, EC2 Instance
   * Connect, ECS Exec, CloudShell and Fleet Manager Remote Desktop.
   *
   * Conditional: only when `sessionEvents` is on.
   */
  public readonly sessionEventsRule?: events.IRule;

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
  private readonly logGroupSources: LogGroupSubscriptions;
  private readonly windowsSource: LogGroupSource;
  private readonly reconciler?: Reconciler;
  private readonly hostCoverage?: HostCoverage;
  private readonly boundDestinations: AlertDestinationResources[] = [];
  private readonly logRetention: logs.RetentionDays;
  private readonly routingTagKeys: string[];
  private readonly deploymentName?: string;
  private readonly pipelineDashboard?: PipelineDashboard;
  private readonly deadLetterKey: kms.Key;
  private readonly alarmActions: cloudwatchActions.SnsAction[];
  /** The roles the topic policy lets publish: ingest, reconciler, and destinations' escalations. */
  private readonly publishers: iam.IRole[] = [];
  private readonly topicKeyToGrant?: kms.IKey;
  private readonly pipelineAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: LoginAlertsProps = {}) {
    super(scope, id);
    checkProps(props);
    this.routingTagKeys = props.routingTagKeys ?? [];
    // The metrics' `Deployment` dimension: stable for this construct, distinct from others in the account.
    this.deploymentName = (props.metrics ?? true) ? Names.uniqueResourceName(this, { maxLength: 64 }) : undefined;
    const trustedCidrs = props.trustedCidrs ?? [];
    const consoleSignIns = props.consoleSignIns ?? true;
    const sessionEvents = props.sessionEvents ?? true;
    const cacheTtl = props.instanceCacheTtl ?? Duration.minutes(5);
    const enrich = props.enrichInstances ?? true;
    const enrichTasks = props.enrichTasks ?? true;
    const enrichmentRoleArns = (props.enrichmentAccounts ?? []).map((account) =>
      Stack.of(this).formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: props.enrichmentRoleName ?? 'cdk-login-alerts-enrichment' }));

    const created = props.topic ? undefined : createAlertTopic(this, props.organizationId);
    this.topic = props.topic ?? created!.topic;
    this.topicKey = created?.key;
    this.pipelineAlarmTopic = created ? createPipelineAlarmTopic(this, created.key) : undefined;
    const alarmTopics = [
      ...(this.pipelineAlarmTopic ? [this.pipelineAlarmTopic] : []),
      // With an organization, members may publish to the alert topic: alarms there could be forged.
      ...(props.organizationId ? [] : [this.topic]),
      ...(props.alarmTopic ? [props.alarmTopic] : []),
    ];
    this.alarmActions = alarmTopics.map((t) => new cloudwatchActions.SnsAction(t));

    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    if (props.logsKey && props.encryptLogs === false) throw new Error(`${prop('logsKey')} encrypts the log groups, which ${prop('encryptLogs')}: false leaves to CloudWatch Logs' own encryption: give one or the other`);
    if (props.logsKey) allowCloudWatchLogs(props.logsKey);
    this.logsKey = props.encryptLogs === false ? undefined : props.logsKey ?? createLogsKey(this);
    this.deadLetterKey = createDeadLetterKey(this);
    const ingestDeadLetters = deadLetterQueue(this, 'IngestDeadLetterQueue', this.deadLetterKey);
    this.ingestDeadLetterQueue = ingestDeadLetters;
    const ledger = (props.ledger ?? true) ? createLoginLedger(this) : undefined;
    this.ledgerTable = ledger?.table;
    const geo = props.geo ? geoLayer(this, props.geo) : undefined;
    this.geoLayer = geo?.layer;
    // The settings of a function that makes alerts: the ingest function's, and the reconciler's.
    const environment = {
      ALERT_TOPIC_ARN: this.topic.topicArn,
      TRUSTED_CIDRS: trustedCidrs.join(','),
      ENRICH_INSTANCES: String(enrich),
      ENRICH_TASKS: String(enrichTasks),
      ...(props.resolveIdentityCenterUsers && { RESOLVE_IDENTITY_CENTER_USERS: 'true' }),
      ...(props.windowsLogonFailures && { ALERT_WINDOWS_LOGON_FAILURES: 'true' }),
      INSTANCE_CACHE_TTL_SECONDS: String(cacheTtl.toSeconds()),
      ...(enrichmentRoleArns.length > 0 && { ENRICHMENT_ROLE_ARNS: enrichmentRoleArns.join(',') }),
      ...(ledger && { LEDGER_TABLE_NAME: ledger.table.tableName, ...ledgerSettings(props) }),
      ...(props.routingTagKeys?.length && { ROUTING_TAG_KEYS: props.routingTagKeys.join(',') }),
      ...(props.identityProviderRoles?.length && { IDENTITY_PROVIDER_ROLES: props.identityProviderRoles.join(',') }),
      ...metricsEnvironment(this.deploymentName),
      ...geo?.environment,
    };
    const topicKey = this.topicKey ?? topicKeyToGrant(this, props);
    this.topicKeyToGrant = topicKey;
    const maker: AlertMakerSettings = {
      topic: this.topic,
      topicKey,
      enrich,
      enrichTasks,
      enrichmentRoleArns,
      ledger,
      people: props.people,
      rules: props.rules,
      resolveIdentityCenterUsers: props.resolveIdentityCenterUsers ?? false,
    };
    const { fn, logGroup } = bundledFunction(this, 'IngestFunction', {
      bundle: 'ingest',
      description: 'cdk-login-alerts: turns SSH logins, sign-ins and every call that opens a shell or a desktop into alerts on the topic',
      timeout: Duration.minutes(1),
      logRetention: this.logRetention,
      logKey: this.logsKey,
      // CloudWatch Logs and EventBridge invoke asynchronously: two retries, then the dead-letter queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new QueueOnFailure(ingestDeadLetters),
      // Publishing to a given topic (a central account's, say): a name its policy can allow by pattern.
      roleName: props.topic ? `${MEMBER_INGEST_ROLE_PREFIX}${Names.uniqueResourceName(this, { maxLength: 64 - MEMBER_INGEST_ROLE_PREFIX.length })}` : undefined,
      environment,
    });
    this.ingest = fn;
    this.ingestFunction = fn;
    this.ingestLogGroup = logGroup;
    configureAlertMaker(this, this.ingest, maker);
    grantDeadLetterWrite(ingestDeadLetters, this.deadLetterKey, this.ingest);
    this.addAlarms(new Construct(this, 'IngestAlarms'), 'ingest', this.ingest, ingestDeadLetters);
    if (ledger) this.watch([ledgerUnavailableAlarm(new Construct(this, 'LedgerAlarms'), logGroup)]);
    if (geo) {
      fn.addLayers(geo.layer);
      this.watch([geoUnavailableAlarm(this, logGroup)]);
    }

    if (props.reconcile) {
      this.reconciler = new Reconciler(this, 'Reconcile', {
        options: props.reconcile,
        environment,
        logRetention: this.logRetention,
        logKey: this.logsKey,
        eventNames: [...(consoleSignIns ? SIGN_IN_EVENT_NAMES : []), ...(sessionEvents ? SESSION_EVENT_NAMES : [])],
        allLogGroups: props.allLogGroups ?? false,
        excludedLogGroups: () => this.ownLogGroups().map((g) => g.logGroupName).concat(props.excludeLogGroups ?? []),
      });
      configureAlertMaker(this.reconciler, this.reconciler.fn, maker, (['repeat', 'alert', 'reconcile'] as const).map(ledgerKeyPattern));
      if (geo) this.reconciler.fn.addLayers(geo.layer);
      this.reconcileFunction = this.reconciler.fn;
      this.watch(this.reconciler.alarms);
    }
    if (props.coverage) {
      if (!ledger) throw new Error(`${prop('coverage')} keeps what it last reported in the login ledger: it needs ${prop('ledger')}`);
      this.hostCoverage = new HostCoverage(this, 'Coverage', {
        options: props.coverage,
        topic: this.topic,
        topicKey,
        ledger,
        routingTagKeys: this.routingTagKeys,
        logRetention: this.logRetention,
        logKey: this.logsKey,
        reconcileRegions: props.reconcile?.regions ?? [],
        rules: () => [this.consoleLoginRule, this.sessionEventsRule].filter((r): r is events.IRule => r !== undefined),
        forwardedBus: () => this.signInEventBus,
        ingest: this.ingest,
        recordsHeartbeats: created !== undefined,
        organizationId: props.organizationId,
        allLogGroups: props.allLogGroups ?? false,
        excludedLogGroups: () => this.ownLogGroups().map((g) => g.logGroupName).concat(props.excludeLogGroups ?? []),
      });
      this.coverageFunction = this.hostCoverage.fn;
      this.watch(this.hostCoverage.alarms);
    }
    this.publishers.push(this.ingest.role!, ...[this.reconciler?.fn, this.hostCoverage?.fn].filter((f) => f !== undefined).map((f) => f.role!));
    if (created) restrictPublishers(created.topic, this.publishers, props.organizationId);

    this.logGroupSources = new LogGroupSubscriptions(this, this.ingest);
    this.windowsSource = {
      idPrefix: 'WindowsFilter',
      prop: 'windowsLogGroups',
      filterPattern: props.windowsLogonFailures ? WINDOWS_LOGON_AND_FAILURES_FILTER_PATTERN : WINDOWS_LOGON_FILTER_PATTERN,
    };
    for (const group of props.sshLogGroups ?? []) this.addSshLogGroup(group);
    for (const group of props.windowsLogGroups ?? []) this.addWindowsLogGroup(group);
    for (const cluster of props.eksClusters ?? []) this.addEksCluster(cluster);
    requireASource(this, {
      logGroups: () => this.logGroupSources.subscriptionFilters.length,
      allLogGroups: props.allLogGroups ?? false,
      consoleSignIns,
      sessionEvents,
    });

    const cloudTrail = watchCloudTrailEvents(this, {
      ingest: this.ingest,
      deadLetterQueue: ingestDeadLetters,
      consoleSignIns,
      sessionEvents,
      signInEventBus: props.signInEventBus,
      receiveForwardedSignIns: props.receiveForwardedSignIns,
      organizationId: props.organizationId,
    });
    this.consoleLoginRule = cloudTrail.consoleLoginRule;
    this.sessionEventsRule = cloudTrail.sessionEventsRule;
    this.signInEventBus = cloudTrail.signInEventBus;
    this.watch(cloudTrail.alarms);
    if (props.allLogGroups) {
      // The library's own log groups never loop back into it; nor do the ones excluded.
      const excluded = props.excludeLogGroups ?? [];
      this.accountSubscriptionPolicy = this.logGroupSources.subscribeAll(() => this.ownLogGroups().map((g) => g.logGroupName).concat(excluded));
    }

    if (props.dashboard) {
      this.pipelineDashboard = new PipelineDashboard(this, {
        deploymentName: this.deploymentName,
        ruleNames: (props.rules ?? []).map((r) => r.name),
        ingestDeadLetterQueue: ingestDeadLetters,
        alarms: [...this.pipelineAlarms],
        recoveries: this.reconciler?.recoveries,
        uncoveredHosts: this.hostCoverage?.uncoveredHosts,
      });
      this.dashboard = this.pipelineDashboard.dashboard;
    }
    for (const destination of props.destinations ?? []) this.addDestination(destination);
  }

  /**
   * The alarms on the pipeline itself: messages in any dead-letter queue, function errors and
   * throttles. They notify `pipelineAlarmTopic`, the alert topic (not with `organizationId`) and
   * `alarmTopic`; add your own actions as you like.
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
    const id = `${CONSTRUCT_NAMES[type] ?? type.charAt(0).toUpperCase() + type.slice(1)}${sameType > 0 ? sameType + 1 : ''}`;
    const scope = new Construct(this, id);
    const resources = destination.bind(scope, {
      topic: this.topic,
      pipelineAlarmTopic: this.pipelineAlarmTopic,
      deadLetterKey: this.deadLetterKey,
      logRetention: this.logRetention,
      logKey: this.logsKey,
      routingTagKeys: this.routingTagKeys,
      deploymentName: this.deploymentName,
      ledgerTable: this.ledgerTable,
    });
    for (const role of resources.topicPublishers ?? []) {
      grantPublish(this.topic, this.topicKeyToGrant, role);
      this.publishers.push(role);
    }
    const alarmsBefore = this.pipelineAlarms.length;
    this.addAlarms(scope, type, resources.deliveryFunction, resources.deadLetterQueue);
    this.watch(resources.alarms ?? []);
    // Destinations' subscriptions redrive to their dead-letter queues: a failed redrive loses the alert.
    if (this.boundDestinations.length === 0) {
      this.watch([topicRedriveAlarm(new Construct(this, 'TopicAlarms'), this.topic)]);
      if (this.pipelineAlarmTopic) this.watch([topicRedriveAlarm(new Construct(this, 'PipelineAlarmTopicAlarms'), this.pipelineAlarmTopic)]);
    }
    this.pipelineDashboard?.addDestination(type, resources.deadLetterQueue, this.pipelineAlarms.slice(alarmsBefore));
    this.boundDestinations.push(resources);
    return resources;
  }

  /**
   * The subscription filters sending sshd `Accepted` lines and Windows logons to the ingest
   * function, one per log group.
   */
  public get subscriptionFilters(): logs.SubscriptionFilter[] {
    return this.logGroupSources.subscriptionFilters;
  }

  /**
   * Sends the sshd `Accepted` lines of another log group to the ingest function.
   *
   * Up to 10 log groups get an invoke permission each, scoped to that log group; from the 11th on,
   * one permission scoped to the account's log groups in this region serves them all, so the
   * function's resource policy stays far under its 20 KB limit.
   */
  public addSshLogGroup(logGroup: logs.ILogGroup): logs.SubscriptionFilter {
    const filter = this.logGroupSources.add(logGroup, SSH_LOG_GROUPS);
    this.reconciler?.addLogGroup(logGroup);
    this.hostCoverage?.addLogGroup(logGroup);
    return filter;
  }

  /**
   * Sends the interactive logons (Remote Desktop, console, cached, remote unlock) of another
   * Windows Security log group to the ingest function, as `windowsLogGroups` does.
   */
  public addWindowsLogGroup(logGroup: logs.ILogGroup): logs.SubscriptionFilter {
    const filter = this.logGroupSources.add(logGroup, this.windowsSource);
    this.reconciler?.addLogGroup(logGroup);
    this.hostCoverage?.addLogGroup(logGroup);
    return filter;
  }

  /**
   * Alerts on `kubectl exec`, `attach` and `port-forward` into the pods of another EKS cluster of
   * this account and region, as `eksClusters` does: subscribes its control plane log group.
   */
  public addEksCluster(clusterName: string): logs.SubscriptionFilter {
    if (!Token.isUnresolved(clusterName) && !/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(clusterName)) {
      throw new Error(`${prop('eksClusters')}: ${JSON.stringify(clusterName)} is not an EKS cluster name (letters, digits, - and _, up to 100)`);
    }
    const id = `EksCluster${Token.isUnresolved(clusterName) ? this.logGroupSources.subscriptionFilters.length : clusterName}`;
    if (this.node.tryFindChild(id)) throw new Error(`${prop('eksClusters')}: cluster ${clusterName} is already subscribed to ${this.node.path}`);
    const logGroup = logs.LogGroup.fromLogGroupName(this, id, eksClusterLogGroup(clusterName));
    const filter = this.logGroupSources.add(logGroup, EKS_CLUSTERS);
    this.reconciler?.addLogGroup(logGroup);
    return filter;
  }

  /** The library's own log groups: never subscribed (no loops), never re-read. */
  private ownLogGroups(): logs.ILogGroup[] {
    const destinations = this.boundDestinations.flatMap((d) => [d.logGroup, ...(d.interactionLogGroup ? [d.interactionLogGroup] : [])]);
    const scheduled = [this.reconciler?.logGroup, this.hostCoverage?.logGroup].filter((g) => g !== undefined);
    return [this.ingestLogGroup, ...scheduled, ...destinations];
  }

  private addAlarms(scope: Construct, what: string, fn: lambda.IFunction, queue: sqs.IQueue): void {
    this.watch([...functionAlarms(scope, what, fn), deadLetterAlarm(scope, `the ${what} dead-letter queue`, queue)]);
  }

  /** Alarms notify the alarm topics (see `pipelineAlarmTopic`), on ALARM and on OK. */
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

}
