/**
 * A complete app: alerts on SSH logins to instances whose auth logs the CloudWatch agent ships to
 * two log groups, and on every console sign-in, with alerts emailed to the security team.
 *
 * Synthesize it offline with `npx projen synth:example` (no AWS account needed).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { LoginAlerts } from '../src';

const app = new App();
// Root console sign-ins are recorded in us-east-1 only: deploy there to see them.
const stack = new Stack(app, 'LoginAlertsExample', { env: { account: '123456789012', region: 'us-east-1' } });

const alerts = new LoginAlerts(stack, 'LoginAlerts', {
  sshLogGroups: [
    // Amazon Linux 2 / RHEL
    logs.LogGroup.fromLogGroupName(stack, 'Secure', '/ec2/var/log/secure'),
    // Ubuntu / Debian
    logs.LogGroup.fromLogGroupName(stack, 'AuthLog', '/ec2/var/log/auth.log'),
  ],
  trustedCidrs: ['198.51.100.0/24', '2001:db8:1234::/48'],
});

alerts.topic.addSubscription(new subs.EmailSubscription('secops@example.com'));

app.synth();
