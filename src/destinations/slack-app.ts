import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DestinationFilterOptions } from './filter-options';
import type { AlertDestinationResources, DestinationContext } from './resources';
import { secretEnvironment, subscribeFunction, validateMentions } from './subscriber';
import { Severity, SEVERITY_ORDER } from '../alert-types';
import { ESCALATION_FAILED_LOG, INTERACTION_REJECTED_LOG } from '../contract/log-lines';
import { metricsEnvironment } from '../contract/metrics';
import { isSlackChannelId, isSlackUserGroupId, isSlackUserId } from '../contract/slack-ids';
import { atLeastOnce, countLogLines, interactionErrorsAlarm } from '../private/alarms';
import { bundledFunction } from '../private/bundled-function';
import { grantDeadLetterWrite } from '../private/dead-letter-queue';
import { grantReviewItems } from '../private/login-ledger';
import { acknowledgeCheckov } from '../private/nag';
import { prop } from '../private/prop-names';
import type { SlackBotToken, SlackSigningSecret } from '../secrets';

/**
 * Options of the Slack app destination: alerts posted by a bot to a channel, and the review loop
 * (the person a login is attributed to confirms it, or it escalates).
 *
 * Repeats reach it by default (`includeRepeats` is true here): they are replies in the first
 * login's thread, not new messages.
 */
export interface SlackAppDestinationOptions extends DestinationFilterOptions {
  /**
   * The app's bot token (`xoxb-…`), kept in Secrets Manager. Scopes: `chat:write`, `im:write`,
   * `users:read`, `users:read.email`, and `usergroups:read` with `approverGroup`.
   */
  readonly botToken: SlackBotToken;

  /**
   * The app's signing secret, kept in Secrets Manager: button presses not signed with it are refused.
   */
  readonly signingSecret: SlackSigningSecret;

  /**
   * The channel's id (`C0123ABCD`), not its name: ids survive renames. Invite the app to it.
   */
  readonly channel: string;

  /**
   * The least severe login that asks its person "was this you?". Logins a rule suppressed, repeats
   * and escalations never ask.
   *
   * @default Severity.MEDIUM
   */
  readonly reviewMinSeverity?: Severity;

  /**
   * Ask for review of failed logins too (console sign-ins, sessions).
   *
   * @default false
   */
  readonly reviewFailures?: boolean;

  /**
   * Send the person a direct message with the buttons. Off, they answer in the channel.
   *
   * @default true
   */
  readonly directMessages?: boolean;

  /**
   * How long a review waits for an answer before each reminder (and, after the last, before it
   * escalates as `unanswered`). Between 1 minute and 24 hours, whole seconds.
   *
   * @default Duration.minutes(15)
   */
  readonly reminderAfter?: Duration;

  /**
   * How many reminders before an unanswered review escalates (0 to 10): each is a reply in the
   * login's thread, shown in the channel, with the mention for the login's severity.
   *
   * @default 2
   */
  readonly reminders?: number;

  /**
   * Slack user ids (`U0123ABCD`) who may confirm any login on its person's behalf (anyone may
   * dispute one).
   *
   * @default - none: only the person asked
   */
  readonly approvers?: string[];

  /**
   * A Slack user group id (`S0123ABCD`) whose members may confirm any login, read with
   * `usergroups.users.list` (scope `usergroups:read`) and cached five minutes.
   *
   * @default - none
   */
  readonly approverGroup?: string;

  /**
   * Mentions added to alerts and reminders by severity, as Slack writes them (`<!here>`, `<!channel>`,
   * `<@U024BE7LH>`, `<!subteam^SAZ94GDB8>`). Escalations are critical.
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

  /**
   * The Web API's base URL: `https://slack-gov.com/api/` for GovSlack.
   *
   * @default 'https://slack.com/api/'
   */
  readonly slackApiUrl?: string;

  /**
   * The interaction endpoint's reserved concurrency: its ceiling, so a flood of junk requests to
   * its public URL cannot take the concurrency the ingest function needs. A press takes a few
   * milliseconds (it is queued, then handled by the delivery function), so a handful serves a large
   * team. Lambda keeps 100 of the account's concurrency unreserved: an account whose quota is
   * still a new account's 10 must raise it first.
   *
   * @default 5
   */
  readonly interactionConcurrency?: number;

  /**
   * How many refused requests (unsigned, forged, replayed, malformed) in 5 minutes set off the
   * endpoint's rejected-requests alarm.
   *
   * @default 20
   */
  readonly rejectedRequestsAlarmThreshold?: number;
}

/** What the Slack app adds beside its delivery function. */
export interface SlackAppParts {
  readonly interactionFunction: lambda.Function;
  readonly interactionLogGroup: logs.ILogGroup;
  readonly interactionUrl: string;
  readonly reminderQueue: sqs.Queue;
  /** The delivery function publishes escalations to the topic: its policy must allow it. */
  readonly topicPublishers: iam.IRole[];
  /** The endpoint failing or flooded, and escalations not published yet. */
  readonly alarms: cloudwatch.Alarm[];
}


/** The functions' settings (names in `lambda/slack-app/config.ts`), checked here so a mistake fails at synth. */
export function slackAppEnvironment(options: SlackAppDestinationOptions): Record<string, string> {
  const o = options;
  if (!isSlackChannelId(o.channel)) {
    throw new Error(`slackApp ${prop('channel')} must be a channel id such as C0123ABCD (channel details → About), not a name: ${JSON.stringify(o.channel)}`);
  }
  const reminders = o.reminders ?? 2;
  if (!Number.isInteger(reminders) || reminders < 0 || reminders > 10) throw new Error(`slackApp ${prop('reminders')} must be a whole number from 0 to 10, got ${reminders}`);
  const wait = o.reminderAfter?.toSeconds() ?? 900;
  if (!Number.isInteger(wait) || wait < 60 || wait > 86_400) {
    throw new Error(`slackApp ${prop('reminderAfter')} must be whole seconds between 1 minute and 24 hours, got ${o.reminderAfter?.toHumanString()}`);
  }
  for (const user of o.approvers ?? []) {
    if (!isSlackUserId(user)) throw new Error(`slackApp ${prop('approvers')}: ${JSON.stringify(user)} is not a Slack user id (U0123ABCD)`);
  }
  if (o.approverGroup !== undefined && !isSlackUserGroupId(o.approverGroup)) {
    throw new Error(`slackApp ${prop('approverGroup')}: ${JSON.stringify(o.approverGroup)} is not a Slack user group id (S0123ABCD)`);
  }
  if (o.slackApiUrl !== undefined && !/^https:\/\/[^/]+\/api\/$/.test(o.slackApiUrl)) {
    throw new Error(`slackApp ${prop('slackApiUrl')} must be an https URL ending in /api/, got ${o.slackApiUrl}`);
  }
  if (o.reviewMinSeverity !== undefined && !SEVERITY_ORDER.includes(o.reviewMinSeverity)) throw new Error(`slackApp ${prop('reviewMinSeverity')} is not a Severity`);
  wholeInRange('interactionConcurrency', o.interactionConcurrency, 1, 1000);
  wholeInRange('rejectedRequestsAlarmThreshold', o.rejectedRequestsAlarmThreshold, 1, 1_000_000);
  return {
    SLACK_CHANNEL: o.channel,
    REVIEW_MIN_SEVERITY: o.reviewMinSeverity ?? 'medium',
    REVIEW_FAILURES: String(o.reviewFailures ?? false),
    DIRECT_MESSAGES: String(o.directMessages ?? true),
    REMINDER_WAIT_SECONDS: String(wait),
    REMINDERS: String(reminders),
    ...(o.approvers?.length && { SLACK_APPROVERS: o.approvers.join(',') }),
    ...(o.approverGroup && { SLACK_APPROVER_GROUP: o.approverGroup }),
    ...(o.mentions && { SLACK_MENTIONS: JSON.stringify(o.mentions) }),
    ...(o.instanceTags && { SLACK_TAG_KEYS: o.instanceTags.join(',') }),
    ...(o.slackApiUrl && { SLACK_API_URL: o.slackApiUrl }),
  };
}

function wholeInRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw new Error(`slackApp ${prop(name)} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

/**
 * The reminder queue feeding the delivery function, the interaction function behind its Function
 * URL (a stack output: the app's Request URL), and their grants on the ledger's review items.
 */
export function addSlackAppParts(
  scope: Construct,
  context: DestinationContext,
  delivery: { fn: lambda.Function; logGroup: logs.ILogGroup; deadLetterQueue: sqs.IQueue },
  options: SlackAppDestinationOptions,
): SlackAppParts {
  const ledger: dynamodb.ITable | undefined = context.ledgerTable;
  if (!ledger) throw new Error('AlertDestination.slackApp keeps each message and review in the login ledger: leave the LoginAlerts\' ledger on');

  // Delayed messages: reminders, queued presses, retries (see lambda/slack-app/review-queue.ts for why not a schedule).
  const reminderQueue = new sqs.Queue(scope, 'ReminderQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: context.deadLetterKey,
    enforceSSL: true,
    // Six times the function's timeout, as Lambda advises for an SQS event source.
    visibilityTimeout: Duration.minutes(6),
    deadLetterQueue: { queue: delivery.deadLetterQueue, maxReceiveCount: 5 },
  });
  const { fn } = delivery;
  const deliveryEnvironment = {
    LEDGER_TABLE_NAME: ledger.tableName,
    ALERT_TOPIC_ARN: context.topic.topicArn,
    REMINDER_QUEUE_URL: reminderQueue.queueUrl,
    // Escalations carry the same tag.<key> attributes as the logins: tag-filtered destinations get them.
    ...(context.routingTagKeys?.length && { ROUTING_TAG_KEYS: context.routingTagKeys.join(',') }),
  };
  for (const [name, value] of Object.entries(deliveryEnvironment)) fn.addEnvironment(name, value);
  grantDeadLetterWrite(reminderQueue, context.deadLetterKey, fn);
  fn.addEventSource(new SqsEventSource(reminderQueue, { batchSize: 10, reportBatchItemFailures: true }));
  grantReviewItems(ledger, fn);

  const { fn: interaction, logGroup } = bundledFunction(scope, 'InteractionFunction', {
    bundle: 'slack-interaction',
    description: 'cdk-login-alerts: answers the Slack app\'s "This was me" / "This wasn\'t me" buttons',
    // It checks the signature and queues the press: no bot token, no ledger, no topic.
    environment: {
      ...metricsEnvironment(context.deploymentName),
      SLACK_SIGNING_SECRET_ARN: options.signingSecret.secret.secretArn,
      ...(options.signingSecret.field !== undefined && { SLACK_SIGNING_SECRET_FIELD: options.signingSecret.field }),
      REMINDER_QUEUE_URL: reminderQueue.queueUrl,
    },
    logRetention: context.logRetention,
    logKey: context.logKey,
    timeout: Duration.seconds(10),
    // More memory is more CPU: a faster cold start inside Slack's three seconds.
    memorySize: 512,
    // A ceiling for the public endpoint: a flood of junk requests cannot take the account's
    // concurrency that ingest needs. Each press takes a few milliseconds.
    reservedConcurrentExecutions: options.interactionConcurrency ?? 5,
  });
  options.signingSecret.secret.grantRead(interaction);
  grantDeadLetterWrite(reminderQueue, context.deadLetterKey, interaction);
  // Slack cannot sign AWS requests: the endpoint is public and the Slack signature is its authentication.
  const url = interaction.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  acknowledgeCheckov(url, {
    id: 'CKV_AWS_258',
    comment: 'Slack cannot sign AWS requests: every request must carry a valid Slack signature (HMAC of the signing secret) within five minutes, or it is refused.',
  });
  new CfnOutput(scope, 'InteractionUrl', {
    value: url.url,
    description: 'The Slack app\'s Request URL (Interactivity & Shortcuts): where Slack sends button presses',
  });
  const rejected = countLogLines(scope, 'InteractionRejectedMetric', logGroup, INTERACTION_REJECTED_LOG, 'InteractionsRejected');
  const unpublished = countLogLines(scope, 'EscalationFailedMetric', delivery.logGroup, ESCALATION_FAILED_LOG, 'EscalationsFailed');
  const threshold = options.rejectedRequestsAlarmThreshold ?? 20;
  const alarms = [
    interactionErrorsAlarm(scope, interaction),
    rejected.metric({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(scope, 'InteractionRejectedAlarm', {
      alarmDescription: `cdk-login-alerts: the Slack app's interaction endpoint refused ${threshold} or more requests in 5 minutes (unsigned, forged, replayed or malformed). A flood of them is someone probing the public URL; a few after rotating the signing secret are Slack using the old one. Its log says why, per request.`,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    interaction.metricThrottles({ period: Duration.minutes(1), statistic: 'Sum' }).createAlarm(scope, 'InteractionThrottlesAlarm', {
      alarmDescription: 'cdk-login-alerts: the Slack app\'s interaction endpoint reached its reserved concurrency (interactionConcurrency) and refused requests: a flood, or more presses at once than it allows. Slack showed those pressers an error; pressing again is safe.',
      ...atLeastOnce,
    }),
    unpublished.metric({ period: Duration.minutes(1), statistic: 'Sum' }).createAlarm(scope, 'EscalationFailuresAlarm', {
      alarmDescription: 'cdk-login-alerts: an escalation could not be published to the alert topic (topic policy, KMS key, throttling). It is retried until it is published, and the Slack messages say it is not yet; the Slack app\'s log says why.',
      ...atLeastOnce,
    }),
  ];
  return {
    interactionFunction: interaction,
    interactionLogGroup: logGroup,
    interactionUrl: url.url,
    reminderQueue,
    topicPublishers: [fn.role!],
    alarms,
  };
}

/** The Slack app destination's environment, checked at synth (see `slackAppEnvironment`). */
export function checkSlackAppOptions(options: SlackAppDestinationOptions): Record<string, string> {
  validateMentions(options.mentions);
  return { ...secretEnvironment('SLACK_BOT_TOKEN', options.botToken), ...slackAppEnvironment(options) };
}

/** The Slack app destination: its delivery function on the topic, then the review loop's parts. */
export function bindSlackApp(
  scope: Construct, context: DestinationContext, options: SlackAppDestinationOptions, environment: Record<string, string>,
): AlertDestinationResources {
  const resources = subscribeFunction(scope, context, {
    destinationType: 'slackapp',
    description: 'cdk-login-alerts: posts login alerts with a Slack app, asks their people to confirm, sends reminders',
    environment,
    secret: options.botToken,
    // Repeats become replies in their first login's thread.
    filter: { ...options, includeRepeats: options.includeRepeats ?? true },
    defaultMinSeverity: Severity.INFO,
    bundle: 'slack-app',
  });
  const parts = addSlackAppParts(scope, context, {
    fn: resources.deliveryFunction as lambda.Function, logGroup: resources.logGroup, deadLetterQueue: resources.deadLetterQueue,
  }, options);
  return { ...resources, ...parts };
}
