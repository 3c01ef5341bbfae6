import { CloudFormationClient, GetTemplateCommand, paginateListStackResources, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';

/** The ingest function's description starts with this (src/login-alerts.ts). */
const INGEST_DESCRIPTION = 'cdk-login-alerts: turns SSH logins';
/** The coverage function's (src/private/host-coverage.ts). */
const COVERAGE_DESCRIPTION = 'cdk-login-alerts: names the running instances';

/**
 * What a deployed stack holds of cdk-login-alerts, found from CloudFormation: the stack's resources
 * (physical ids) and its template (the properties that say what each one is).
 */
export interface Deployment {
  readonly stackName: string;
  readonly ingest?: IngestFunction;
  /** With `coverage`: its function, whose settings `check --coverage` runs with. */
  readonly coverage?: IngestFunction;
  /** The alert topic (the ingest function's ALERT_TOPIC_ARN) and any other topic of the stack. */
  readonly topicArns: string[];
  readonly queues: Array<{ readonly logicalId: string; readonly url: string }>;
  readonly rules: Array<{ readonly logicalId: string; readonly name: string; readonly eventBusName?: string }>;
  /** Log groups the stack subscribes, by name. */
  readonly subscribedLogGroups: string[];
  /** An account-level subscription filter policy (allLogGroups), by name. */
  readonly accountPolicyName?: string;
}

export interface IngestFunction {
  readonly functionName: string;
  readonly functionArn: string;
  readonly environment: Record<string, string>;
  readonly state?: string;
  /** Where it logs: its own log group (`LoggingConfig.LogGroup`), else Lambda's default `/aws/lambda/<name>`. */
  readonly logGroupName: string;
}

export class StackNotFoundError extends Error {}

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

export async function discoverDeployment(
  stackName: string,
  clients: { cloudformation: CloudFormationClient; lambda: LambdaClient },
): Promise<Deployment> {
  const summaries: StackResourceSummary[] = [];
  try {
    for await (const page of paginateListStackResources({ client: clients.cloudformation }, { StackName: stackName })) {
      summaries.push(...(page.StackResourceSummaries ?? []));
    }
  } catch (error) {
    throw new StackNotFoundError(`stack ${stackName} could not be read (${(error as Error).message}); is it deployed in this region and account?`);
  }
  const body = (await clients.cloudformation.send(new GetTemplateCommand({ StackName: stackName }))).TemplateBody ?? '{}';
  const template = JSON.parse(body) as Template;
  const resources = template.Resources ?? {};
  const physical = new Map(summaries.map((s) => [s.LogicalResourceId!, s.PhysicalResourceId ?? '']));
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  // A property is a literal, or a Ref to a resource of the same stack (its physical id).
  const resolve = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    const ref = (value as { Ref?: string } | undefined)?.Ref;
    return ref ? physical.get(ref) || undefined : undefined;
  };

  const described = async (description: string): Promise<IngestFunction | undefined> => {
    const entry = ofType('AWS::Lambda::Function').find(([, r]) => String(r.Properties?.Description ?? '').startsWith(description));
    if (!entry || !physical.get(entry[0])) return undefined;
    const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physical.get(entry[0]) }));
    const environment = config.Environment?.Variables ?? {};
    // The stack's own log group (the construct gives each function one), else what Lambda says, else its default name.
    const declared = resolve((entry[1].Properties?.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup);
    const logGroupName = declared ?? config.LoggingConfig?.LogGroup ?? `/aws/lambda/${config.FunctionName}`;
    return { functionName: config.FunctionName!, functionArn: config.FunctionArn!, environment, state: config.State, logGroupName };
  };
  const ingest = await described(INGEST_DESCRIPTION);
  const coverage = await described(COVERAGE_DESCRIPTION);
  const topicArns = [...new Set([
    ...(ingest?.environment.ALERT_TOPIC_ARN ? [ingest.environment.ALERT_TOPIC_ARN] : []),
    ...ofType('AWS::SNS::Topic').map(([id]) => physical.get(id) ?? '').filter(Boolean),
  ])];
  const policy = ofType('AWS::Logs::AccountPolicy')[0];
  return {
    stackName,
    ingest,
    ...(coverage && { coverage }),
    topicArns,
    queues: ofType('AWS::SQS::Queue').map(([id]) => ({ logicalId: id, url: physical.get(id) ?? '' })).filter((q) => q.url),
    rules: ofType('AWS::Events::Rule').flatMap(([id, r]) => {
      const name = physical.get(id);
      // A rule's physical id is `bus|name` on a custom bus, its name on the default one.
      if (!name) return [];
      const [bus, rule] = name.includes('|') ? name.split('|') : [resolve(r.Properties?.EventBusName), name];
      return [{ logicalId: id, name: rule, ...(bus && { eventBusName: bus }) }];
    }),
    subscribedLogGroups: ofType('AWS::Logs::SubscriptionFilter').map(([, r]) => resolve(r.Properties?.LogGroupName)).filter((n): n is string => !!n),
    ...(policy && { accountPolicyName: String(policy[1].Properties?.PolicyName ?? '') }),
  };
}
