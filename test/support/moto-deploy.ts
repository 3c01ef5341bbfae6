import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutSubscriptionFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { awsConfig } from './estate';

export interface DeployOptions {
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
  /** The cloud assembly (`cdk.out`) the stack was synthesized into. */
  readonly assemblyDir: string;
}

/**
 * `cdk deploy` of a synthesized stack into moto, as far as moto's CloudFormation goes (functions,
 * topic, queues, rules, log groups), then what it skips, created from the same template and named
 * as CloudFormation names them: alarms, subscription filters (on the log groups the CloudWatch agent
 * would create) and SNS subscriptions. Assets are uploaded as the CDK CLI would.
 */
export async function deployIntoMoto(endpoint: string, options: DeployOptions): Promise<{ template: any; physical: Map<string, string> }> {
  const { region: REGION, account: ACCOUNT, stackName: STACK, assemblyDir: assetDir } = options;
  const cfg = () => awsConfig(endpoint, REGION);
  const template = JSON.parse(readFileSync(join(assetDir, `${STACK}.template.json`), 'utf8'));
  const assets = JSON.parse(readFileSync(join(assetDir, `${STACK}.assets.json`), 'utf8'));
  // (moto's Lambda keeps its Docker-backed mode: its CloudFormation creates functions there.)
  const s3 = new S3Client({ ...cfg(), forcePathStyle: true });
  const bucket = `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const asset of Object.values<any>(assets.files)) {
    const source = join(assetDir, asset.source.path);
    const body = asset.source.packaging === 'zip' ? zipDirectory(source) : readFileSync(source);
    for (const destination of Object.values<any>(asset.destinations)) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: destination.objectKey, Body: body }));
    }
  }
  // The bootstrap-version rule reads an SSM parameter the CDK bootstrap stack would have made.
  const { Rules, Parameters, ...deployable } = template;
  void Rules; void Parameters;
  const cloudformation = new CloudFormationClient(cfg());
  await cloudformation.send(new CreateStackCommand({ StackName: STACK, TemplateBody: JSON.stringify(deployable), Capabilities: ['CAPABILITY_IAM'] }));
  const { StackResourceSummaries = [] } = await cloudformation.send(new ListStackResourcesCommand({ StackName: STACK }));
  const physical = new Map(StackResourceSummaries.map((s) => [s.LogicalResourceId!, s.PhysicalResourceId ?? '']));
  const resolve = (value: any): any => (value?.Ref ? physical.get(value.Ref) : value?.['Fn::GetAtt'] ? physical.get(value['Fn::GetAtt'][0]) : value);
  const lambda = new LambdaClient(cfg());
  const functionArn = async (logicalId: string) =>
    (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physical.get(logicalId) }))).FunctionArn!;

  const logsClient = new CloudWatchLogsClient(cfg());
  const cloudwatch = new CloudWatchClient(cfg());
  const sns = new SNSClient(cfg());
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    const p = resource.Properties;
    if (resource.Type === 'AWS::Logs::SubscriptionFilter') {
      // The log group the CloudWatch agent creates, and the filter CloudFormation would put on it.
      await logsClient.send(new CreateLogGroupCommand({ logGroupName: p.LogGroupName }));
      await logsClient.send(new PutSubscriptionFilterCommand({
        logGroupName: p.LogGroupName, filterName: `${STACK}-${id}`, filterPattern: p.FilterPattern, destinationArn: await functionArn(p.DestinationArn['Fn::GetAtt'][0]),
      }));
    } else if (resource.Type === 'AWS::CloudWatch::Alarm') {
      await cloudwatch.send(new PutMetricAlarmCommand({
        AlarmName: `${STACK}-${id}-ABCDEF123456`,
        AlarmDescription: p.AlarmDescription,
        MetricName: p.MetricName ?? 'Errors',
        Namespace: p.Namespace ?? 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: (p.AlarmActions ?? []).map(resolve),
        OKActions: (p.OKActions ?? []).map(resolve),
      }));
    } else if (resource.Type === 'AWS::SNS::Subscription') {
      const subscriber = p.Protocol === 'lambda' ? await functionArn(p.Endpoint['Fn::GetAtt'][0]) : p.Endpoint;
      await sns.send(new SubscribeCommand({
        TopicArn: resolve(p.TopicArn),
        Protocol: p.Protocol,
        Endpoint: subscriber,
        ...(p.FilterPolicy && { Attributes: { FilterPolicy: JSON.stringify(p.FilterPolicy) } }),
      }));
    }
  }
  return { template, physical };
}

function zipDirectory(dir: string): Buffer {
  const out = join(mkdtempSync(join(tmpdir(), 'asset-zip-')), 'asset.zip');
  const script = 'import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[2],"w")\nfor r,_,fs in os.walk(sys.argv[1]):\n  for f in fs: z.write(os.path.join(r,f), os.path.relpath(os.path.join(r,f), sys.argv[1]))\nz.close()';
  const result = spawnSync(process.env.PYTHON ?? 'python3', ['-c', script, dir, out]);
  if (result.status !== 0) throw new Error(`zip failed: ${result.stderr}`);
  return readFileSync(out);
}
