import { Annotations, Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { isRegionName } from './contract/aws-ids';
import { CONSOLE_LOGIN_PATTERN, SESSION_EVENTS_PATTERN, SIGN_IN_EVENT_BUS_NAME } from './contract/event-patterns';
import { deadLetterAlarm, ruleAlarms } from './private/alarms';
import { deadLetterQueue as createDeadLetterQueue } from './private/dead-letter-queue';
import { prop } from './private/prop-names';

/**
 * Properties of {@link ConsoleLoginForwarder}.
 */
export interface ConsoleLoginForwarderProps {
  /**
   * The region where LoginAlerts runs with `receiveForwardedSignIns`: events go to its
   * `login-alerts-sign-ins` bus, in this stack's account.
   *
   * @default - required unless `targetEventBusArn` is given
   */
  readonly centralRegion?: string;

  /**
   * The bus to send to, for another account's central LoginAlerts or a bus of your own.
   *
   * @default - the `login-alerts-sign-ins` bus in `centralRegion`
   */
  readonly targetEventBusArn?: string;

  /**
   * A topic in this forwarder's region that the forwarder's alarms notify (ALARM and OK): events
   * waiting in its dead-letter queue, failed deliveries to the central bus, failures to dead-letter.
   *
   * CloudWatch alarms notify topics of their own region; subscribe this topic to what your team
   * watches (README, "Regions": an email, or an SQS queue or function in the central region).
   *
   * @default - the alarms are created without actions, and synth warns
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Forward the calls that open a way in as well (`LoginAlerts` `sessionEvents`: Session Manager,
   * EC2 Instance Connect, ECS Exec, CloudShell, Fleet Manager Remote Desktop): these are recorded
   * in the region the call was made in.
   *
   * @default true
   */
  readonly sessionEvents?: boolean;
}

/**
 * Sends the sign-in events recorded in its own region (console sign-ins, role switches, root
 * password recovery, IAM Identity Center sign-ins in its home region) and, by default, the calls that
 * open a way in, to LoginAlerts in the central region.
 *
 * CloudTrail records sign-ins in specific regions (root: us-east-1; IAM users on the global endpoint:
 * us-east-1, us-east-2, eu-north-1, ap-southeast-2; regional endpoints: that region) and an
 * EventBridge rule only sees its own region. Deploy one forwarder, in its own stack, in each region
 * where sign-ins land other than the central one.
 */
export class ConsoleLoginForwarder extends Construct {
  /**
   * The rule matching AWS Sign-In's events in this region (`ConsoleLogin`, `SwitchRole`, password
   * recovery, Identity Center's `CredentialVerification` and `UserAuthentication`).
   */
  public readonly rule: events.IRule;

  /**
   * The rule matching Session Manager and EC2 Instance Connect calls in this region.
   *
   * Conditional: only when `sessionEvents` is on.
   */
  public readonly sessionEventsRule?: events.IRule;

  /**
   * The role EventBridge uses to put events on the central bus.
   */
  public readonly role: iam.IRole;

  /**
   * Events that could not be forwarded after a day of retries: KMS-encrypted, TLS only, kept 14 days.
   */
  public readonly deadLetterQueue: sqs.IQueue;

  /**
   * The alarms on this forwarder: messages in its dead-letter queue, failed deliveries to the
   * central bus, and events that could not even be dead-lettered.
   */
  public readonly alarms: cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: ConsoleLoginForwarderProps) {
    super(scope, id);
    if ((props.centralRegion === undefined) === (props.targetEventBusArn === undefined)) {
      throw new Error(`ConsoleLoginForwarder needs exactly one of ${prop('centralRegion')} and ${prop('targetEventBusArn')}`);
    }
    const stack = Stack.of(this);
    checkForwarderTarget(stack, props);
    const arn = props.targetEventBusArn ?? stack.formatArn({
      service: 'events', region: props.centralRegion, resource: 'event-bus', resourceName: SIGN_IN_EVENT_BUS_NAME,
    });
    const target = events.EventBus.fromEventBusArn(this, 'CentralBus', arn);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'cdk-login-alerts: forwards console sign-in events to the central event bus',
    });
    target.grantPutEventsTo(role);
    this.role = role;
    const key = new kms.Key(this, 'DeadLetterKey', { description: 'Encrypts the dead-letter queue of a cdk-login-alerts forwarder', enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeToDeadLetter',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    const deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', key);
    this.deadLetterQueue = deadLetterQueue;
    this.rule = new events.Rule(this, 'Rule', {
      description: 'cdk-login-alerts: forwards sign-in events (console, role switch, root password recovery, Identity Center) to the central region',
      eventPattern: CONSOLE_LOGIN_PATTERN,
      targets: [new targets.EventBus(target, { role, deadLetterQueue })],
    });

    if (props.sessionEvents ?? true) {
      this.sessionEventsRule = new events.Rule(this, 'SessionEventsRule', {
        description: 'cdk-login-alerts: forwards Session Manager and EC2 Instance Connect calls to the central region',
        eventPattern: SESSION_EVENTS_PATTERN,
        targets: [new targets.EventBus(target, { role, deadLetterQueue })],
      });
    }

    // A sign-in that cannot be forwarded (bus deleted, bus policy changed) must not wait unseen.
    const alarmScope = new Construct(this, 'Alarms');
    const alarms = [
      deadLetterAlarm(alarmScope, 'the sign-in forwarder\'s dead-letter queue', deadLetterQueue),
      ...ruleAlarms(alarmScope, 'the sign-in forwarder\'s rule', this.rule),
      ...(this.sessionEventsRule ? ruleAlarms(new Construct(this, 'SessionEventsAlarms'), 'the session forwarder\'s rule', this.sessionEventsRule) : []),
    ];
    if (props.alarmTopic) {
      const action = new cloudwatchActions.SnsAction(props.alarmTopic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    } else {
      Annotations.of(this).addWarningV2('cdk-login-alerts:forwarderAlarmTopic',
        'ConsoleLoginForwarder has no alarmTopic: its alarms (sign-ins that could not be forwarded) notify nobody. Give it a topic in this region (README, "Regions").');
    }
    this.alarms = alarms;
  }
}

/** A forwarder must point at another region or account: to itself it would alert on every sign-in twice. */
function checkForwarderTarget(stack: Stack, props: ConsoleLoginForwarderProps): void {
  const { centralRegion, targetEventBusArn } = props;
  if (centralRegion !== undefined && !Token.isUnresolved(centralRegion) && !isRegionName(centralRegion)) {
    throw new Error(`ConsoleLoginForwarder: ${prop('centralRegion')} ${JSON.stringify(centralRegion)} is not a region name like us-east-1`);
  }
  const target = targetEventBusArn !== undefined && !Token.isUnresolved(targetEventBusArn)
    ? Arn.split(targetEventBusArn, ArnFormat.SLASH_RESOURCE_NAME)
    : { region: centralRegion, account: stack.account };
  const sameRegion = target.region !== undefined && !Token.isUnresolved(stack.region) && target.region === stack.region;
  const sameAccount = target.account !== undefined && target.account === stack.account;
  if (sameRegion && sameAccount) {
    throw new Error(`ConsoleLoginForwarder in ${stack.region} forwards to ${target.region}, its own region and account, where LoginAlerts already `
      + 'watches sign-ins: every one would alert twice. Deploy forwarders only in the other regions (README, "Regions")');
  }
}
