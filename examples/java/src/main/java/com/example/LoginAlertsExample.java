package com.example;

import io.github.cdkloginalerts.AlertDestination;
import io.github.cdkloginalerts.LoginAlerts;
import io.github.cdkloginalerts.LoginAlertsProps;
import io.github.cdkloginalerts.PagerDutyDestinationOptions;
import io.github.cdkloginalerts.PagerDutyRoutingKey;
import io.github.cdkloginalerts.Severity;
import io.github.cdkloginalerts.SlackDestinationOptions;
import io.github.cdkloginalerts.SlackWebhook;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;

/**
 * The example app in Java: SSH logins from two log groups and every console sign-in, to Slack
 * (everything), PagerDuty (high and critical) and the security team's email.
 */
public final class LoginAlertsExample {
    private LoginAlertsExample() {
    }

    public static void main(final String[] args) {
        App app = new App();
        // Root console sign-ins are recorded in us-east-1 only: deploy there to see them.
        Stack stack = new Stack(app, "LoginAlertsExample", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("us-east-1").build())
                .build());

        // Created beforehand (README, "Slack and PagerDuty"): the values never enter the template.
        ISecret slackSecret = Secret.fromSecretNameV2(stack, "SlackWebhookSecret", "login-alerts/slack-webhook");
        ISecret pagerDutySecret = Secret.fromSecretNameV2(stack, "PagerDutySecret", "login-alerts/pagerduty");

        LoginAlerts alerts = new LoginAlerts(stack, "LoginAlerts", LoginAlertsProps.builder()
                .sshLogGroups(List.of(
                        // Amazon Linux 2 / RHEL
                        LogGroup.fromLogGroupName(stack, "Secure", "/ec2/var/log/secure"),
                        // Ubuntu / Debian
                        LogGroup.fromLogGroupName(stack, "AuthLog", "/ec2/var/log/auth.log")))
                .trustedCidrs(List.of("198.51.100.0/24", "2001:db8:1234::/48"))
                .destinations(List.of(
                        AlertDestination.slack(SlackDestinationOptions.builder()
                                .webhook(SlackWebhook.fromSecret(slackSecret))
                                .build()),
                        AlertDestination.pagerDuty(PagerDutyDestinationOptions.builder()
                                .routingKey(PagerDutyRoutingKey.fromSecret(pagerDutySecret, "routingKey"))
                                .minSeverity(Severity.HIGH)
                                .build())))
                .build());
        alerts.getTopic().addSubscription(new EmailSubscription("secops@example.com"));

        app.synth();
    }
}
