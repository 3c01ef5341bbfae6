import type { Construct } from 'constructs';
import type { DestinationFilterOptions } from './filter-options';
import type { AlertDestinationResources, DestinationContext } from './resources';
import { secretEnvironment, subscribeFunction } from './subscriber';
import { Severity } from '../alert-types';
import type { PagerDutyRoutingKey } from '../secrets';

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

/** Refuses at synth what the PagerDuty function could not use. */
export function checkPagerDutyOptions(options: PagerDutyDestinationOptions): void {
  if (options.eventsUrl !== undefined && !/^https?:\/\//.test(options.eventsUrl)) {
    throw new Error(`eventsUrl must be an http(s) URL, got ${options.eventsUrl}`);
  }
}

/** The PagerDuty destination: its function, subscribed to the topic. */
export function bindPagerDuty(scope: Construct, context: DestinationContext, options: PagerDutyDestinationOptions): AlertDestinationResources {
  const environment: Record<string, string> = secretEnvironment('PAGERDUTY_ROUTING_KEY', options.routingKey);
  if (options.eventsUrl) environment.PAGERDUTY_EVENTS_URL = options.eventsUrl;
  return subscribeFunction(scope, context, {
    destinationType: 'pagerduty',
    description: 'cdk-login-alerts: triggers PagerDuty incidents for login alerts',
    environment,
    secret: options.routingKey,
    filter: options,
    defaultMinSeverity: Severity.HIGH,
  });
}
