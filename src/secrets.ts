import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * A value kept in Secrets Manager: the whole secret string, or one field of a JSON secret.
 *
 * Only the secret's ARN reaches the template and the function's environment; the value is read
 * at run time by the function, which is granted read access to this secret alone.
 */
export abstract class SecretReference {
  /**
   * The secret holding the value.
   */
  public readonly secret: secretsmanager.ISecret;

  /**
   * The JSON field holding the value.
   *
   * @default - the whole secret string
   */
  public readonly field?: string;

  protected constructor(secret: secretsmanager.ISecret, field?: string) {
    this.secret = secret;
    this.field = field;
  }
}

/**
 * The URL of a Slack Incoming Webhook.
 */
export class SlackWebhook extends SecretReference {
  /**
   * The webhook URL kept in Secrets Manager.
   *
   * @param secret the secret
   * @param field the JSON field holding the URL; omit it when the secret string is the URL itself
   */
  public static fromSecret(secret: secretsmanager.ISecret, field?: string): SlackWebhook {
    return new SlackWebhook(secret, field);
  }
}

/**
 * The routing key (integration key) of a PagerDuty Events API v2 integration.
 */
export class PagerDutyRoutingKey extends SecretReference {
  /**
   * The routing key kept in Secrets Manager.
   *
   * @param secret the secret
   * @param field the JSON field holding the key; omit it when the secret string is the key itself
   */
  public static fromSecret(secret: secretsmanager.ISecret, field?: string): PagerDutyRoutingKey {
    return new PagerDutyRoutingKey(secret, field);
  }
}

/**
 * The bot token (`xoxb-…`) of the Slack app that posts alerts and asks for reviews.
 */
export class SlackBotToken extends SecretReference {
  /**
   * The bot token kept in Secrets Manager.
   *
   * @param secret the secret
   * @param field the JSON field holding the token; omit it when the secret string is the token itself
   */
  public static fromSecret(secret: secretsmanager.ISecret, field?: string): SlackBotToken {
    return new SlackBotToken(secret, field);
  }
}

/**
 * The signing secret of the Slack app, which proves that a button press came from Slack.
 */
export class SlackSigningSecret extends SecretReference {
  /**
   * The signing secret kept in Secrets Manager.
   *
   * @param secret the secret
   * @param field the JSON field holding it; omit it when the secret string is the signing secret itself
   */
  public static fromSecret(secret: secretsmanager.ISecret, field?: string): SlackSigningSecret {
    return new SlackSigningSecret(secret, field);
  }
}
