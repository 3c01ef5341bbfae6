import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { checkDeployment, type Finding } from './check/checks';
import { coverageNow, coverageText } from './check/coverage';
import { discoverDeployment, StackNotFoundError } from './check/deployment';
import { sendTestLogin, type SentTestLogin } from './check/test-login';
import { CHECK_USAGE, fail } from './usage';


const MARK: Record<Finding['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

export async function checkCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== 'check'),
      options: {
        'stack': { type: 'string' },
        'region': { type: 'string' },
        'send-test-login': { type: 'boolean', default: false },
        'coverage': { type: 'boolean', default: false },
        'log-group': { type: 'string' },
        'json': { type: 'boolean', default: false },
        'help': { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${CHECK_USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${CHECK_USAGE}\n`);
    return 0;
  }
  if (!values.stack) return fail(`--stack is required\n\n${CHECK_USAGE}`);
  if (values['log-group'] && !values['send-test-login']) return fail('--log-group goes with --send-test-login');
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) return fail('no region: pass --region or set AWS_REGION');

  const config = { region };
  const clients = {
    cloudformation: new CloudFormationClient(config),
    lambda: new LambdaClient(config),
    cloudtrail: new CloudTrailClient(config),
    cloudwatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
    events: new EventBridgeClient(config),
    sns: new SNSClient(config),
    // The queue URLs CloudFormation reports may name another host than the client's endpoint: use the endpoint.
    sqs: new SQSClient({ ...config, useQueueUrlAsEndpoint: false }),
  };
  let deployment;
  try {
    deployment = await discoverDeployment(values.stack, clients);
  } catch (error) {
    if (error instanceof StackNotFoundError) return fail(error.message);
    throw error;
  }
  const findings = await checkDeployment(deployment, region, clients);

  let coverage: Awaited<ReturnType<typeof coverageNow>> | undefined;
  if (values.coverage) {
    if (!deployment.coverage) return fail(`--coverage: stack ${values.stack} has no coverage function; set coverage on its LoginAlerts (README, "Coverage")`);
    coverage = await coverageNow(deployment.coverage.environment, region, deployment.coverage.functionArn.split(':')[4] ?? 'unknown');
  }

  let sent: SentTestLogin | undefined;
  if (values['send-test-login']) {
    const logGroupName = values['log-group'] ?? deployment.subscribedLogGroups[0];
    if (!logGroupName) return fail('--send-test-login needs a subscribed log group: the stack has none (allLogGroups? pass --log-group)');
    sent = await sendTestLogin(deployment, logGroupName, clients, region);
  }

  if (values.json) {
    const json = {
      stack: values.stack,
      region,
      findings,
      ...(sent && { testLogin: sent }),
      ...(coverage && { coverage: { ...coverage.report, problems: coverage.problems } }),
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    process.stdout.write(`cdk-login-alerts check: stack ${values.stack} in ${region}\n\n`);
    for (const f of findings) process.stdout.write(`${MARK[f.status]}  ${f.check}: ${f.detail}\n`);
    if (deployment.ingest) {
      process.stdout.write(`\nLogs: the ingest function's log group ${deployment.ingest.logGroupName} (and each destination's).\n`);
    }
    if (coverage) process.stdout.write(coverageText(coverage));
    if (sent) process.stdout.write(describeTestLogin(sent));
  }
  const dark = coverage ? coverage.summary.uncoveredHosts + coverage.summary.uncoveredRegions + coverage.summary.silentAccounts > 0 : false;
  return findings.some((f) => f.status === 'fail') || dark ? 1 : 0;
}

function describeTestLogin(sent: SentTestLogin): string {
  const { expected } = sent;
  const lines = [
    '',
    `Test login written to ${sent.logGroupName} (stream cdk-login-alerts-check):`,
    `  ${sent.line}`,
    '',
    `Within about a minute the topic gets a ${expected.severity.toUpperCase()} alert: "${expected.summary}",`,
    `its first reason "${expected.reasons[0]}". Where it should arrive:`,
    ...sent.deliveries.map((d) => `  ${d.receives === true ? 'yes' : d.receives === false ? 'no ' : '?  '} ${d.protocol} ${d.endpoint}${d.receives === undefined ? ' (filter policy not understood here)' : ''}`),
    ...(sent.deliveries.length === 0 ? ['  nobody: the topic has no subscriber'] : []),
    '',
    'If it does not arrive: the ingest function\'s log says whether it ran ("processed"), and its dead-letter',
    'queue and the destinations\' keep what failed (docs/OPERATING.md, "Troubleshooting").',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
