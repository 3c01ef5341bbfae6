/** What `cdk-login-alerts <command> --help` prints; here so that printing it loads no command (and no AWS SDK). */
export const REPLAY_USAGE = `Usage: cdk-login-alerts replay <file>... [--json] [--trusted-cidr <cidr>]... [--account <id>] [--region <region>] [--people <file> [--identity-provider-role <role>]...] [--rules <file>] [--windows-logon-failures] [--log-group <name>] [--report <file.html>] [--geo-database <file>... [--trusted-egress <cidr>]... [--trusted-egress-asn <n>]... [--travel-speed <km/h>]]

See what would alert on your own logs before you deploy. Files are auth logs (/var/log/secure,
/var/log/auth.log), Windows Security events as XML (\`wevtutil qe Security /f:xml\`, Event
Viewer's "Save as XML"), a log group's events as \`aws logs filter-log-events\` prints them (SSH
lines, or Windows events in either of the CloudWatch agent's formats), or CloudTrail / EventBridge
JSON: one event, an array, JSON Lines, a CloudTrail log file with Records, or \`aws cloudtrail
lookup-events\` output (gzip is read too). The parser
and severity policy are the ingest function's. No AWS calls are made: instance enrichment is
skipped.

Times: a line with a full date (RFC3339, <PRI> prefixes, journald JSON) keeps it. A traditional
syslog time (\`Mar  5 14:03:07\`: no year, no zone) is read in the local zone (set TZ to the zone of
the machine that wrote the log) in the year that makes it the latest such date not after the
file's modification time.

  --json               print the alert objects (JSON Lines) instead of one line per alert
  --trusted-cidr CIDR  a trusted source range (repeatable): SSH logins from it are one level lower
  --account ID         the account to report for SSH logins (default 123456789012)
  --region REGION      the region to report (default: AWS_REGION or us-east-1)
  --people FILE        a people directory ({"people": [...]}, README "The people directory"):
                       alerts name the person behind a key, certificate, account or IAM/SSO user
  --identity-provider-role ROLE
                       a role whose session names your identity provider sets (repeatable, * a
                       wildcard): its session names may name a person; any other role's never do
  --rules FILE         noise-control rules in their JSON form ([...] or {"rules": [...]}, README
                       "Noise control"; what AlertRule's toJson() gives): try a rule before deploying
  --windows-logon-failures
                       alert failed Windows logons too (LoginAlerts windowsLogonFailures); otherwise
                       they are counted, and the count is printed
  --report FILE.html   write one self-contained page instead of printing the alerts: logins over
                       time by severity, by person, by host and by source, what the rules would
                       suppress and what repeats would fold, and every alert with its reasons
  --geo-database FILE  an IP database (repeatable, asked in order): a MaxMind DB (.mmdb) or an
                       ip-location-db CSV (start,end,country or start,end,asn,organisation), the
                       files LoginAlerts' geo puts in its layer. Alerts get geo (country, network),
                       and the history judges new countries and impossible travel, as deployed
  --trusted-egress CIDR
                       your VPN or proxy range (repeatable): located, but no place (geo
                       trustedEgressCidrs)
  --trusted-egress-asn N
                       a network that is egress, not a place (repeatable; trustedEgressAsns)
  --travel-speed KMH   the speed no traveller beats (default 900; 0: no impossible travel)
  --log-group NAME     the log group an \`aws logs filter-log-events\` file came from: an EKS
                       cluster's (/aws/eks/<cluster>/cluster) makes its audit events readable as
                       kubectl exec, attach and port-forward

Files are read in the order given, each like one delivery: an Instance Connect key push (an
instance's line or CloudTrail's SendSSHPublicKey) links to the SSH login that used the key across
files too, within the key's 60 seconds, on the same host.

Exit codes: 0 done (with alerts or none), 1 a file held nothing replay reads (it says what it
reads), 2 bad usage or a file it could not read. \`cdk-login-alerts --version\` prints the version.`;

export const CHECK_USAGE = `Usage: cdk-login-alerts check --stack <name> [--region <region>] [--coverage] [--send-test-login [--log-group <name>]] [--json]

Checks a deployed LoginAlerts stack with your AWS credentials (the usual AWS_PROFILE, AWS_REGION,
...): the ingest function, a CloudTrail trail logging in the region, each EventBridge rule enabled,
each subscribed log group having the filter (and recent events), every dead-letter queue empty,
no alarm in ALARM, and the topic's subscriptions confirmed. Read-only, unless:

  --send-test-login   write one clearly marked sshd line ("Accepted publickey for
                      cdk-login-alerts-test from 192.0.2.10", stream cdk-login-alerts-check) to a
                      subscribed log group with PutLogEvents: it travels the real path (filter →
                      ingest → topic → destinations), and the command says what to expect where.
                      The topic only accepts the ingest function's messages, so \`aws sns publish\`
                      cannot test the pipeline; this can.
  --coverage          the coverage report now (the stack needs coverage on): every running
                      instance no log source sees, with why and what to do, and each watched
                      region's rules, forwarder and trail, and (where the topic is) each
                      deployment whose heartbeat stopped; read-only, with the function's settings.
                      Exits 1 when anything is dark.
  --log-group NAME    the log group for the test line (default: the stack's first subscribed one)
  --json              print the findings as JSON

Exit codes: 0 nothing failed (warnings allowed), 1 something failed, 2 bad usage or the stack could not be read.`;

/** Writes a usage or input error and returns the exit code for it (2). */
export function fail(message: string): number {
  process.stderr.write(`cdk-login-alerts: ${message}\n`);
  return 2;
}
