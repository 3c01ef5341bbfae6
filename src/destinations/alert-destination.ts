import type { Construct } from 'constructs';
import { bindPagerDuty, checkPagerDutyOptions, type PagerDutyDestinationOptions } from './pagerduty';
import type { AlertDestinationResources, DestinationContext } from './resources';
import { bindSlack, checkSlackOptions, type SlackDestinationOptions } from './slack';
import { bindSlackApp, checkSlackAppOptions, type SlackAppDestinationOptions } from './slack-app';

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

// One small class per type, so each choice is a value jsii languages can hold; what each does
// lives in its own file (slack.ts, slack-app.ts, pagerduty.ts). Options are checked when chosen.

class SlackDestination extends AlertDestination {
  public readonly destinationType = 'slack';

  constructor(private readonly options: SlackDestinationOptions) {
    super();
    checkSlackOptions(options);
  }

  public bind(scope: Construct, context: DestinationContext): AlertDestinationResources {
    return bindSlack(scope, context, this.options);
  }
}

class SlackAppDestination extends AlertDestination {
  public readonly destinationType = 'slackapp';
  private readonly environment: Record<string, string>;

  constructor(private readonly options: SlackAppDestinationOptions) {
    super();
    this.environment = checkSlackAppOptions(options);
  }

  public bind(scope: Construct, context: DestinationContext): AlertDestinationResources {
    return bindSlackApp(scope, context, this.options, this.environment);
  }
}

class PagerDutyDestination extends AlertDestination {
  public readonly destinationType = 'pagerduty';

  constructor(private readonly options: PagerDutyDestinationOptions) {
    super();
    checkPagerDutyOptions(options);
  }

  public bind(scope: Construct, context: DestinationContext): AlertDestinationResources {
    return bindPagerDuty(scope, context, this.options);
  }
}
