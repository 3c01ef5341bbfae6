#!/usr/bin/env python3
"""The example app in Python: the same stack as examples/app.ts, through the jsii binding.

    python3 -m venv .venv && . .venv/bin/activate
    pip install -r requirements.txt   # and cdk-login-alerts (the wheel from dist/python in a checkout)
    cdk synth --app "python3 app.py"  # or just: python3 app.py
"""
import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns_subscriptions as subs
from cdk_login_alerts import (
    AlertDestination,
    LoginAlerts,
    PagerDutyRoutingKey,
    Severity,
    SlackWebhook,
)

app = cdk.App()
# Root console sign-ins are recorded in us-east-1 only: deploy there to see them.
stack = cdk.Stack(app, "LoginAlertsExample", env=cdk.Environment(account="123456789012", region="us-east-1"))

slack_secret = secretsmanager.Secret.from_secret_name_v2(stack, "SlackWebhookSecret", "login-alerts/slack-webhook")
pagerduty_secret = secretsmanager.Secret.from_secret_name_v2(stack, "PagerDutySecret", "login-alerts/pagerduty")

alerts = LoginAlerts(
    stack,
    "LoginAlerts",
    ssh_log_groups=[
        logs.LogGroup.from_log_group_name(stack, "Secure", "/ec2/var/log/secure"),
        logs.LogGroup.from_log_group_name(stack, "AuthLog", "/ec2/var/log/auth.log"),
    ],
    trusted_cidrs=["198.51.100.0/24", "2001:db8:1234::/48"],
    destinations=[
        AlertDestination.slack(webhook=SlackWebhook.from_secret(slack_secret)),
        AlertDestination.pager_duty(
            routing_key=PagerDutyRoutingKey.from_secret(pagerduty_secret, "routingKey"),
            min_severity=Severity.HIGH,
        ),
    ],
)
alerts.topic.add_subscription(subs.EmailSubscription("secops@example.com"))

app.synth()
