import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeCheckov, acknowledgeNag, FUNCTION_CHECKOV_SKIPS } from './nag';

/** What every function of the library shares: prebuilt bundle, latest Node.js, ARM64, its own log group. */
export interface BundledFunctionProps {
  /** The folder under `assets/` (and `lambda/`). */
  readonly bundle: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  /** The key that encrypts its log group; none: CloudWatch Logs' own encryption. */
  readonly logKey?: kms.IKey;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly retryAttempts?: number;
  readonly maxEventAge?: Duration;
  readonly onFailure?: lambda.IDestination;
  /** A fixed role name, where a policy elsewhere must recognise the role by name. */
  readonly roleName?: string;
  /** A concurrency ceiling (the public interaction endpoint). */
  readonly reservedConcurrentExecutions?: number;
}

export function bundledFunction(scope: Construct, id: string, props: BundledFunctionProps): { fn: lambda.Function; logGroup: logs.LogGroup } {
  const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, { retention: props.logRetention, encryptionKey: props.logKey });
  // Its own role, allowed to write to its own log group only (instead of AWSLambdaBasicExecutionRole's logs:* on every group).
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.description,
    roleName: props.roleName,
  });
  logGroup.grant(role, 'logs:CreateLogStream', 'logs:PutLogEvents');
  const fn = new lambda.Function(scope, id, {
    role,
    description: props.description,
    runtime: lambda.determineLatestNodeRuntime(scope),
    architecture: lambda.Architecture.ARM_64,
    code: lambda.Code.fromAsset(bundlePath(props.bundle)),
    handler: 'index.handler',
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout,
    logGroup,
    environment: props.environment,
    retryAttempts: props.retryAttempts,
    maxEventAge: props.maxEventAge,
    onFailure: props.onFailure,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
  });
  acknowledgeCheckov(fn, ...FUNCTION_CHECKOV_SKIPS);
  // cfn-lint W3005: aws-cdk-lib's Function depends on its role, which the role's GetAtt already implies (harmless).
  (fn.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  acknowledgeNag(fn, {
    id: 'AwsSolutions-L1',
    reason: 'The runtime is lambda.determineLatestNodeRuntime(): the newest Node.js runtime aws-cdk-lib knows to be available in the target region. It advances with aws-cdk-lib.',
  });
  return { fn, logGroup };
}

/** The prebuilt bundle shipped in the package: `<package root>/assets/<name>/index.js`. */
function bundlePath(name: string): string {
  const dir = path.join(__dirname, '..', '..', 'assets', name);
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`cdk-login-alerts: the ${name} function bundle is missing at ${dir}/index.js (in a checkout, run \`npx projen bundle\`)`);
  }
  return dir;
}
