/** The example app's stack without LoginAlerts: the synth benchmark's baseline. */
import { App, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

const app = new App();
const stack = new Stack(app, 'LoginAlertsExample', { env: { account: '123456789012', region: 'us-east-1' } });
secretsmanager.Secret.fromSecretNameV2(stack, 'SlackWebhookSecret', 'login-alerts/slack-webhook');
secretsmanager.Secret.fromSecretNameV2(stack, 'PagerDutySecret', 'login-alerts/pagerduty');
logs.LogGroup.fromLogGroupName(stack, 'Secure', '/ec2/var/log/secure');
logs.LogGroup.fromLogGroupName(stack, 'AuthLog', '/ec2/var/log/auth.log');
app.synth();
