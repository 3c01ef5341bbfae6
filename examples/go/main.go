// The quick start (README, "Quick start") in Go: the same stack, so the same template as the
// TypeScript program. Run it against the Go package built from this checkout (README, "Development").
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-login-alerts/cdk-login-alerts-go/cdkloginalerts"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	// Root console sign-ins are recorded in us-east-1 only: see "Regions" in README.
	stack := awscdk.NewStack(app, jsii.String("Security"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("us-east-1")}})

	alerts := cdkloginalerts.NewLoginAlerts(stack, jsii.String("LoginAlerts"), &cdkloginalerts.LoginAlertsProps{
		// Log groups the CloudWatch agent ships /var/log/secure or /var/log/auth.log to
		SshLogGroups: &[]awslogs.ILogGroup{awslogs.LogGroup_FromLogGroupName(stack, jsii.String("Secure"), jsii.String("/ec2/var/log/secure"))},
		// office / VPN: SSH logins from here are one level lower
		TrustedCidrs: jsii.Strings("198.51.100.0/24"),
	})
	alerts.Topic().AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String("secops@example.com"), nil))

	app.Synth(nil)
}
