import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LoginKind, LoginOutcome, Severity, SEVERITY_ORDER } from './alert-types';
import { metricsEnvironment } from './contract/metrics';
import { bundledFunction } from './private/bundled-function';
import { deadLetterQueue as createDeadLetterQueue, grantDeadLetterWrite, QueueOnFailure } from './private/dead-letter-queue';
import { filterPolicy } from './private/filter-policy';
import { addSlackAppParts, slackAppEnvironment } from './private/slack-app';
import { PagerDutyRoutingKey, SecretReference, SlackWebhook } from './secrets';
import type { SlackAppDestinationOptions } from './slack-app-options';

/**
 * Which alerts reach a destination: an SNS filter policy on the alert's message attributes.
 *
 * Pipeline alarm notifications (which carry no attributes) always pass, so a broken path is seen.
 */
export interface DestinationFilterOptions {
  /**
   * The least severe alert delivered.
   *
   * @default - Slack: `Severity.INFO` (everything); PagerDuty: `Severity.HIGH`
   */
  readonly minSeverity?: Severity;

  /**
   * Only these kinds of login.
   *
   * @default - every kind
   */
  readonly kinds?: LoginKind[];

  /**
   * Only these outcomes.
   *
   * @default - successes and failures
   */
  readonly outcomes?: LoginOutcome[];

  /**
   * Deliver logins that a rule suppressed (`AlertRule.suppress`, severity `info`) too. They are always
   * published to the topic (for an audit subscriber); a destination leaves them out unless this is on.
   * With it on, `minSeverity` must be `Severity.INFO` to let them through.
   *
   * @default false
   */
  readonly includeSuppressed?: boolean;

  /**
   * Deliver repeats too: logins by the same person, on the same host, from the same source within
   * the repeat window of the first (`repeat: {of, count}`). Always published to the topic; a
   * destination shows only the first unless this is on.
   *
   * @default - false; true for `AlertDestination.slackApp`, which threads them under the first
   */
  readonly includeRepeats?: boolean;

  /**
   * Only logins in these accounts (12-digit ids): one channel per account or team.
   *
   * @default - every account
   */
  readonly accounts?: string[];

  /**
   * Only logins on instances with these tags (every filter must hold; a filter matches any of its
   * values). Each key must be in the LoginAlerts' `routingTagKeys`. Logins without an instance
   * (console sign-ins) or without the tag do not match.
   *
   * @default - any instance, or none
   */
  readonly instanceTagFilters?: InstanceTagFilter[];
}

/**
 * A condition on an instance tag, for routing alerts to a destination.
 */
export interface InstanceTagFilter {
  /**
   * The tag key, e.g. `Team`.
   */
  readonly key: string;

  /**
   * The tag values that match, exactly, e.g. `['payments']`.
   */
  readonly values: string[];
}

/**
 * Options of the Slack destination.
 */
export interface SlackDestinationOptions extends DestinationFilterOptions {
  /**
   * The Incoming Webhook to post to, kept in Secrets Manager.
   */
  readonly webhook: SlackWebhook;

  /**
   * Mentions added to alerts by severity, as Slack writes them (`<!here>`, `<!channel>`, `<@U024BE7LH>`,
   * `<!subteam^SAZ94GDB8>`). Severities not listed mention nobody; `{}` turns mentions off.
   *
   * @default { high: '<!here>', critical: '<!channel>' }
   */
  readonly mentions?: { [severity: string]: string };

  /**
   * Instance tags shown with the instance name (case-insensitive).
   *
   * @default ['Environment', 'env', 'Team', 'Owner', 'Service', 'aws:autoscaling:groupName']
   */
  readonly instanceTags?: string[];
}

/**
 * Options of the PagerDuty destination.
 */
export interface PagerDutyDestinationOptions extends DestinationFilterOptions {
  /**
   * The Events API v2 routing key, kept in Secrets Manager.
   */
  readonly routingKey: PagerDutyRoutingKey;

  /**
   * The Events API v2 endpoint; use `https://events.eu.pagerduty.com/v2/enqueue` for an EU account.
   *
   * @default 'https://events.pagerduty.com/v2/enqueue'
   */
  readonly eventsUrl?: string;
}

/**
 * What a destination added to the stack.
 */
export interface AlertDestinationResources {
  /**
   * `slack`, `slackapp` or `pagerduty`.
   */
  readonly destinationType: string;

  /**
   * The function delivering alerts to the destination (the Slack app's also sends its reminders).
   */
  readonly deliveryFunction: lambda.IFunction;

  /**
   * The function's log group.
   */
  readonly logGroup: logs.ILogGroup;

  /**
   * What could not be delivered: refused messages (with the reason), invocations that failed every
   * retry (Lambda's on-failure destination) and notifications SNS could not hand to the function.
   * KMS-encrypted, TLS only, kept 14 days.
   */
  readonly deadLetterQueue: sqs.IQueue;

  /**
   * The topic subscription, with its filter policy.
   */
  readonly subscription: sns.Subscription;

  /**
   * The function answering the Slack app's buttons, behind a Function URL.
   *
   * Conditional: only for `AlertDestination.slackApp`.
   */
  readonly interactionFunction?: lambda.IFunction;

  /**
   * The interaction function's log group: rejected (unsigned, forged, replayed) requests are logged here.
   *
   * Conditional: only for `AlertDestination.slackApp`.
   */
  readonly interactionLogGroup?: logs.ILogGroup;

  /**
   * The Slack app's Request URL (Interactivity & Shortcuts), also a stack output.
   *
   * Conditional: only for `AlertDestination.slackApp`.
   */
  readonly interactionUrl?: string;

  /**
   * The queue of delayed reminders, one message per open review (KMS-encrypted; redrives to the
   * dead-letter queue).
   *
   * Conditional: only for `AlertDestination.slackApp`.
   */
  readonly reminderQueue?: sqs.IQueue;

  /**
   * Roles that publish escalations to the alert topic: its policy allows them.
   *
   * @default - none
   */
  readonly topicPublishers?: iam.IRole[];

  /**
   * Alarms the destination adds to the pipeline's own (the Slack app: its interaction endpoint
   * failing, throttled or flooded with refused requests, and escalations not published yet).
   *
   * @default - none
   */
  readonly alarms?: cloudwatch.Alarm[];
}

/**
 * What a destination needs from the LoginAlerts it is added to.
 */
export interface DestinationContext {
  /** The alert topic. */
  readonly topic: sns.ITopic;
  /**
   * A topic only CloudWatch alarms publish to, when alarms do not go to the alert topic
   * (`LoginAlerts` with `organizationId`): subscribe to it too, and trust alarms from it only.
   *
   * @default - alarms arrive on the alert topic
   */
  readonly pipelineAlarmTopic?: sns.ITopic;
  /** The key encrypting dead-letter queues. */
  readonly deadLetterKey: kms.IKey;
  /** Retention of the function's logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The instance tag keys the ingest function publishes as `tag.<key>` message attributes
   * (`routingTagKeys`): the ones a destination may filter on.
   *
   * @default - none
   */
  readonly routingTagKeys?: string[];
  /**
   * The login ledger, where the Slack app keeps each message and review.
   *
   * @default - no ledger
   */
  readonly ledgerTable?: dynamodb.ITable;
  /**
   * The `Deployment` dimension of the pipeline's metrics (`DEPLOYMENT_NAME`), when metrics are on.
   *
   * @default - the destination writes no metrics
   */
  readonly deploymentName?: string;
}

/**
 * Where alerts are delivered, beyond the topic itself: Slack or PagerDuty.
 *
 * Each destination is a function subscribed to the alert topic with its own filter policy, retries
 * and dead-letter queue.
 */
export abstract class AlertDestination {
  /**
   * Posts alerts to a Slack channel through an Incoming Webhook, as readable Block Kit messages.
   */
  public static slack(options: SlackDestinationOptions): AlertDestination {
    return new SlackDestination(options);
  }

  /**
   * Posts alerts to a channel with a Slack app (bot token) and runs the review loop: the person a
   * login is attributed to gets a direct message with "This was me" / "This wasn't me"; a dispute
   * escalates at once, silence after the reminders escalates too (a `kind: escalation`, critical
   * alert on the topic, which PagerDuty receives). Needs the LoginAlerts' ledger.
   */
  public static slackApp(options: SlackAppDestinationOptions): AlertDestination {
    return new SlackAppDestination(options);
  }

  /**
   * Triggers PagerDuty incidents through the Events API v2, deduplicated on the alert id.
   */
  public static pagerDuty(options: PagerDutyDestinationOptions): AlertDestination {
    return new PagerDutyDestination(options);
  }

  /**
   * `slack`, `slackapp` or `pagerduty`: names the destination's constructs.
   */
  public abstract readonly destinationType: string;

  /**
   * Adds the destination's resources under `scope`.
   */
  public abstract bind(scope: Construct, context: DestinationContext): AlertDestinationResources;
}

class SlackDestination extends AlertDestination {
  public readonly destinationType = 'slack';

  constructor(private readonly options: SlackDestinationOptions) {
    super();
    validateMentions(options.mentions);
  }

  public bind(scope: Construct, context: DestinationContext): AlertDestinationResources {
    const environment: Record<string, string> = secretEnvironment('SLACK_WEBHOOK', this.options.webhook);
    if (this.options.mentions) environment.SLACK_MENTIONS = JSON.stringify(this.options.mentions);
    if (this.options.instanceTags) environment.SLACK_TAG_KEYS = this.options.instanceTags.join(',');
    return subscribeFunction(scope, context, {
      destinationType: this.destinationType,
      description: 'cdk-login-alerts: posts login alerts to Slack',
      environment,
      secret: this.options.webhook,
      filter: this.options,
      defaultMinSeverity: Severity.INFO,
    });
  }
}

class SlackAppDestination extends AlertDestination {
  public readonly destinationType = 'slackapp';
  private readonly environment: Record<string, string>;

  constructor(private readonly options: SlackAppDestinationOptions) {
    super();
    validateMentions(options.mentions);
    this.environment = { ...secretEnvironment('SLACK_BOT_TOKEN', options.botToken), ...slackAppEnvironment(options) };
  }

  public bind(scope: Construct, context: DestinationContext): AlertDestinationResources {
    const resources = subscribeFunction(scope, context, {
      destinationType: this.destinationType,
      description: 'cdk-login-alerts: posts login alerts with a Slack app, asks their people to confirm, sends reminders',
      environment: this.environment,
      secret: this.options.botToken,
      // Repeats become replies in their first login's thread.
      filter: { ...this.options, includeRepeats: this.options.includeRepeats ?? true },
      defaultMinSeverity: Severity.INFO,
      bundle: 'slack-app',
    });
    const parts = addSlackAppParts(scope, context, {
      fn: resources.deliveryFunction as lambda.Function, logGroup: resources.logGroup, deadLetterQueue: resources.deadLetterQueue,
    }, this.options);
    return { ...resources, ...parts };
  }
}

class PagerDutyDestination extends AlertDestination {
  public readonly destinationType = 'pagerduty';

  constructor(private readonly options: PagerDutyDestinationOptions) {
    super();
    if (options.eventsUrl !== undefined && !/^https?:\/\//.test(options.eventsUrl)) {
      throw new Error(`eventsUrl must be an http(s) URL, got ${options.eventsUrl}`);
    }
  }

  public bind(scope: Construct, context: DestinationContext): AlertDestinationResources {
    const environment: Record<string, string> = secretEnvironment('PAGERDUTY_ROUTING_KEY', this.options.routingKey);
    if (this.options.eventsUrl) environment.PAGERDUTY_EVENTS_URL = this.options.eventsUrl;
    return subscribeFunction(scope, context, {
      destinationType: this.destinationType,
      description: 'cdk-login-alerts: triggers PagerDuty incidents for login alerts',
      environment,
      secret: this.options.routingKey,
      filter: this.options,
      defaultMinSeverity: Severity.HIGH,
    });
  }
}

/** `<PREFIX>_SECRET_ARN` and, for a JSON field, `<PREFIX>_SECRET_FIELD`: never the value. */
function secretEnvironment(prefix: string, secret: SecretReference): Record<string, string> {
  return {
    [`${prefix}_SECRET_ARN`]: secret.secret.secretArn,
    ...(secret.field !== undefined && { [`${prefix}_SECRET_FIELD`]: secret.field }),
  };
}

function validateMentions(mentions: { [severity: string]: string } | undefined): void {
  const known: string[] = SEVERITY_ORDER;
  for (const severity of Object.keys(mentions ?? {})) {
    if (!known.includes(severity)) throw new Error(`mentions: "${severity}" is not a severity (${known.join(', ')})`);
  }
}

interface SubscriberSpec {
  readonly destinationType: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly secret: SecretReference;
  readonly filter: DestinationFilterOptions;
  readonly defaultMinSeverity: Severity;
  /** The bundle under `assets/`: the destination type unless given. */
  readonly bundle?: string;
}

/** Lambda retries a failed asynchronous invocation twice (1 and 2 minutes later) before giving up. */
const ASYNC_RETRY_ATTEMPTS = 2;
const MAX_EVENT_AGE = Duration.hours(6);

function subscribeFunction(scope: Construct, context: DestinationContext, spec: SubscriberSpec): AlertDestinationResources {
  const deadLetterQueue = createDeadLetterQueue(scope, 'DeadLetterQueue', context.deadLetterKey);
  const { fn, logGroup } = bundledFunction(scope, 'Function', {
    bundle: spec.bundle ?? spec.destinationType,
    description: spec.description,
    environment: {
      ...spec.environment,
      DEAD_LETTER_QUEUE_URL: deadLetterQueue.queueUrl,
      // Alarm notifications are acted on (a PagerDuty resolve) only from the topic alarms publish to.
      ALARM_TOPIC_ARNS: (context.pipelineAlarmTopic ?? context.topic).topicArn,
      ...metricsEnvironment(context.deploymentName),
    },
    logRetention: context.logRetention,
    // Room to wait out a Slack or PagerDuty rate limit (Retry-After) within one invocation.
    timeout: Duration.minutes(1),
    retryAttempts: ASYNC_RETRY_ATTEMPTS,
    maxEventAge: MAX_EVENT_AGE,
    onFailure: new QueueOnFailure(deadLetterQueue),
  });
  spec.secret.secret.grantRead(fn);
  // Both the function (refused messages) and Lambda's on-failure destination (its role) write here.
  grantDeadLetterWrite(deadLetterQueue, context.deadLetterKey, fn);
  const subscription = context.topic.addSubscription(new subscriptions.LambdaSubscription(fn, {
    filterPolicy: filterPolicy(spec.filter, spec.defaultMinSeverity, context.routingTagKeys ?? []),
    // Notifications SNS cannot hand to the function (e.g. it was throttled past SNS's retries).
    deadLetterQueue,
  }));
  context.pipelineAlarmTopic?.addSubscription(new subscriptions.LambdaSubscription(fn, { deadLetterQueue }));
  return { destinationType: spec.destinationType, deliveryFunction: fn, logGroup, deadLetterQueue, subscription };
}
