import type { Construct } from 'constructs';
import type { DestinationFilterOptions } from './filter-options';
import type { AlertDestinationResources, DestinationContext } from './resources';
import { secretEnvironment, subscribeFunction, validateMentions } from './subscriber';
import { Severity } from '../alert-types';
import type { SlackWebhook } from '../secrets';

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

/** Refuses at synth what the webhook function could not use. */
export function checkSlackOptions(options: SlackDestinationOptions): void {
  validateMentions(options.mentions);
}

/** The webhook destination: its function, subscribed to the topic. */
export function bindSlack(scope: Construct, context: DestinationContext, options: SlackDestinationOptions): AlertDestinationResources {
  const environment: Record<string, string> = secretEnvironment('SLACK_WEBHOOK', options.webhook);
  if (options.mentions) environment.SLACK_MENTIONS = JSON.stringify(options.mentions);
  if (options.instanceTags) environment.SLACK_TAG_KEYS = options.instanceTags.join(',');
  return subscribeFunction(scope, context, {
    destinationType: 'slack',
    description: 'cdk-login-alerts: posts login alerts to Slack',
    environment,
    secret: options.webhook,
    filter: options,
    defaultMinSeverity: Severity.INFO,
  });
}
