import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ruleAlarms } from './alarms';
import { prop } from './prop-names';
import { claimOnce } from './synth-checks';
import { CONSOLE_LOGIN_PATTERN, FORWARDED_EVENT_SOURCES, SESSION_EVENTS_PATTERN, SIGN_IN_EVENT_BUS_NAME } from '../contract/event-patterns';

/**
 * The CloudTrail sources: EventBridge rules for console sign-ins and for the API calls that open a
 * way in (sessions, Instance Connect, ECS Exec, CloudShell, Fleet Manager), on the default bus and on the bus other
 * regions and accounts forward to, each delivering to the ingest function with retries and a
 * dead-letter queue, each with its alarms.
 */
export interface CloudTrailSourcesOptions {
  readonly ingest: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly consoleSignIns: boolean;
  readonly sessionEvents: boolean;
  readonly signInEventBus?: events.IEventBus;
  readonly receiveForwardedSignIns?: boolean;
  readonly organizationId?: string;
}

export interface CloudTrailSources {
  readonly consoleLoginRule?: events.Rule;
  readonly sessionEventsRule?: events.Rule;
  readonly signInEventBus?: events.IEventBus;
  readonly alarms: cloudwatch.Alarm[];
}

/** `scope` is the LoginAlerts construct: rule ids stay where earlier versions put them. */
export function watchCloudTrailEvents(scope: Construct, options: CloudTrailSourcesOptions): CloudTrailSources {
  const sources = [
    ...(options.consoleSignIns ? [{ id: 'ConsoleLogin', what: 'sign-in', description: 'AWS Sign-In: console sign-ins, role switches, root password recovery, IAM Identity Center sign-ins (CloudTrail)', pattern: CONSOLE_LOGIN_PATTERN }] : []),
    ...(options.sessionEvents ? [{ id: 'SessionEvents', what: 'session', description: 'Session Manager sessions, EC2 Instance Connect key pushes and tunnels, ECS Exec, CloudShell and Fleet Manager Remote Desktop (CloudTrail)', pattern: SESSION_EVENTS_PATTERN }] : []),
  ];
  if (sources.length === 0) {
    if (options.signInEventBus || options.receiveForwardedSignIns) {
      throw new Error(`${prop('signInEventBus')} and ${prop('receiveForwardedSignIns')} need ${prop('consoleSignIns')} or ${prop('sessionEvents')}`);
    }
    return { alarms: [] };
  }
  const ingestTarget = () => new targets.LambdaFunction(options.ingest, {
    // Delivery to the function is retried for a day, then the event goes to the dead-letter queue.
    retryAttempts: 185,
    maxEventAge: Duration.hours(24),
    deadLetterQueue: options.deadLetterQueue,
  });
  const signInEventBus = options.signInEventBus ?? (options.receiveForwardedSignIns ? createSignInBus(scope, options.organizationId) : undefined);
  const alarms: cloudwatch.Alarm[] = [];
  const rules: Record<string, events.Rule> = {};
  for (const source of sources) {
    const rule = new events.Rule(scope, `${source.id}Rule`, {
      description: `cdk-login-alerts: ${source.description} to the ingest function`,
      eventPattern: source.pattern,
      targets: [ingestTarget()],
    });
    rules[source.id] = rule;
    alarms.push(...ruleAlarms(new Construct(scope, `${source.id}RuleAlarms`), `the ${source.what} rule`, rule));
    if (!signInEventBus) continue;
    const forwarded = new events.Rule(scope, `Forwarded${source.id}Rule`, {
      description: `cdk-login-alerts: ${source.description} forwarded from other regions or accounts to the ingest function`,
      eventBus: signInEventBus,
      eventPattern: source.pattern,
      targets: [ingestTarget()],
    });
    alarms.push(...ruleAlarms(new Construct(scope, `Forwarded${source.id}RuleAlarms`), `the forwarded ${source.what} rule`, forwarded, signInEventBus));
  }
  if (options.consoleSignIns && !signInEventBus) warnAboutSignInRegion(scope);
  return { consoleLoginRule: rules.ConsoleLogin, sessionEventsRule: rules.SessionEvents, signInEventBus, alarms };
}

/** A bus for forwarded events: this account's principals, or the organization's, may put them on it. */
function createSignInBus(scope: Construct, organizationId: string | undefined): events.EventBus {
  // A fixed name, so forwarders in other regions and accounts can address it without a cross-stack reference.
  claimOnce(scope, `event bus ${SIGN_IN_EVENT_BUS_NAME}`, (first) => `${prop('receiveForwardedSignIns')}: ${first} already creates the `
    + `${SIGN_IN_EVENT_BUS_NAME} event bus in this account and region, and its name is fixed; let one LoginAlerts receive forwarded `
    + `sign-ins, or give the other a bus of its own as ${prop('signInEventBus')}`);
  const bus = new events.EventBus(scope, 'SignInEventBus', {
    eventBusName: SIGN_IN_EVENT_BUS_NAME,
    description: 'cdk-login-alerts: sign-in and session events forwarded from other regions and accounts',
  });
  bus.addToResourcePolicy(new iam.PolicyStatement({
    sid: organizationId ? 'AllowOrganizationToForwardSignIns' : 'AllowThisAccountToForwardSignIns',
    principals: [organizationId ? new iam.AnyPrincipal() : new iam.AccountRootPrincipal()],
    actions: ['events:PutEvents'],
    resources: [bus.eventBusArn],
    // Only the forwarded services' events, and for an organization only its members.
    conditions: {
      StringEquals: {
        'events:source': FORWARDED_EVENT_SOURCES,
        ...(organizationId && { 'aws:PrincipalOrgID': organizationId }),
      },
    },
  }));
  return bus;
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
