import type * as events from 'aws-cdk-lib/aws-events';

/**
 * CloudTrail `ConsoleLogin` records, matched on the record itself: the detail-type is spelled
 * differently across sources ("Sign In" / "Signin"), the record's fields are not.
 */
export const CONSOLE_LOGIN_PATTERN: events.EventPattern = {
  source: ['aws.signin'],
  detail: { eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin'] },
};

/** The name of the bus `receiveForwardedSignIns` creates, which forwarders address by default. */
export const SIGN_IN_EVENT_BUS_NAME = 'login-alerts-sign-ins';
