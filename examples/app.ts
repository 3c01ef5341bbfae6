/**
 * A complete app: alerts on SSH logins to instances whose auth logs the CloudWatch agent ships to
 * two log groups, and on every console sign-in; everything goes to Slack, high and critical alerts
 * page through PagerDuty, and the security team gets every alert by email.
 *
 * Synthesize it offline with `npx projen synth:example` (no AWS account needed).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { AlertDestination, LoginAlerts, PagerDutyRoutingKey, Severity, SlackWebhook } from '../src';

const app = new App();
// Root console sign-ins are recorded in us-east-1 only: deploy there to see them.
const stack = new Stack(app, 'LoginAlertsExample', { env: { account: '123456789012', region: 'us-east-1' } });

// Created beforehand (README, "Slack and PagerDuty"): the values never enter the template.
const slackSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'SlackWebhookSecret', 'login-alerts/slack-webhook');
const pagerDutySecret = secretsmanager.Secret.fromSecretNameV2(stack, 'PagerDutySecret', 'login-alerts/pagerduty');

const alerts = new LoginAlerts(stack, 'LoginAlerts', {
  sshLogGroups: [
    // Amazon Linux 2 / RHEL
    logs.LogGroup.fromLogGroupName(stack, 'Secure', '/ec2/var/log/secure'),
    // Ubuntu / Debian
    logs.LogGroup.fromLogGroupName(stack, 'AuthLog', '/ec2/var/log/auth.log'),
  ],
  trustedCidrs: ['198.51.100.0/24', '2001:db8:1234::/48'],
  destinations: [
    AlertDestination.slack({ webhook: SlackWebhook.fromSecret(slackSecret) }),
    AlertDestination.pagerDuty({ routingKey: PagerDutyRoutingKey.fromSecret(pagerDutySecret, 'routingKey'), minSeverity: Severity.HIGH }),
  ],
});

alerts.topic.addSubscription(new subs.EmailSubscription('secops@example.com'));

app.synth();
