import { ArnFormat, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import type { Construct } from 'constructs';
import { prop } from './prop-names';
import { claimOnce } from './synth-checks';
import { ALL_LOG_GROUPS_FILTER_PATTERN, AUTH_LOG_FILTER_PATTERN, EKS_EXEC_FILTER_PATTERN } from '../contract/event-patterns';

/** What a subscribed log group holds, and so which lines its filter passes. */
export interface LogGroupSource {
  /** The prefix of the filter's construct id (`SshFilter…` as earlier versions named them). */
  readonly idPrefix: string;
  /** The prop that names such groups, for errors. */
  readonly prop: string;
  readonly filterPattern: string;
}

export const SSH_LOG_GROUPS: LogGroupSource = { idPrefix: 'SshFilter', prop: 'sshLogGroups', filterPattern: AUTH_LOG_FILTER_PATTERN };
export const EKS_CLUSTERS: LogGroupSource = { idPrefix: 'EksFilter', prop: 'eksClusters', filterPattern: EKS_EXEC_FILTER_PATTERN };

/**
 * The log-group sources (SSH auth logs, Windows Security logs): a subscription filter on each log
 * group, or one account-level subscription filter policy for every log group, each sending only the
 * lines that can be logins to the ingest function (sshd `Accepted`, Instance Connect `Providing ssh
 * key`, interactive Windows logons), with the invoke permissions they need.
 */
export class LogGroupSubscriptions {
  /** Past this many groups, one account-scoped permission replaces the per-group ones (policy size). */
  private static readonly MAX_PER_LOG_GROUP_PERMISSIONS = 10;

  private readonly filters: logs.SubscriptionFilter[] = [];
  private accountWidePermission?: Construct;

  /** `scope` is the LoginAlerts construct: filter ids stay where earlier versions put them. */
  constructor(private readonly scope: Construct, private readonly ingest: lambda.Function) {}

  get subscriptionFilters(): logs.SubscriptionFilter[] {
    return [...this.filters];
  }

  add(logGroup: logs.ILogGroup, source: LogGroupSource = SSH_LOG_GROUPS): logs.SubscriptionFilter {
    const id = `${source.idPrefix}${Names.nodeUniqueId(logGroup.node)}`;
    if (this.scope.node.tryFindChild(id)) {
      // A second filter would take the group's other subscription slot for nothing.
      throw new Error(`Log group ${logGroup.node.path} is already subscribed to ${this.scope.node.path}`);
    }
    // The same group by name (two imports of it, or two LoginAlerts in one account and region).
    const name = logGroup.logGroupName;
    const shown = Token.isUnresolved(name) ? logGroup.node.path : name;
    claimOnce(this.scope, `log group ${name}`, (first) => `${prop(source.prop)}: log group ${shown} is already subscribed by ${first}; `
      + 'a log group has only two subscription filter slots, and a second filter would send each line twice');
    const perGroup = this.filters.length < LogGroupSubscriptions.MAX_PER_LOG_GROUP_PERMISSIONS;
    const filter = new logs.SubscriptionFilter(this.scope, id, {
      logGroup,
      destination: new destinations.LambdaDestination(this.ingest, { addPermissions: false }),
      filterPattern: logs.FilterPattern.literal(source.filterPattern),
    });
    // The filter is checked against the function's resource policy when it is created: permission first.
    filter.node.addDependency(perGroup ? this.logsPermission(`InvokeFrom${id}`, logGroup.logGroupArn) : this.ensureAccountWidePermission());
    this.filters.push(filter);
    return filter;
  }

  /**
   * One account-level subscription filter policy for every log group, present and future, but the
   * excluded ones (read at synth: destinations added later bring log groups that must stay out too).
   */
  subscribeAll(excludedNames: () => string[]): logs.CfnAccountPolicy {
    const policy = new logs.CfnAccountPolicy(this.scope, 'AllLogGroupsSubscription', {
      policyName: `cdk-login-alerts-${Names.uniqueResourceName(this.scope, { maxLength: 60 })}`,
      policyType: 'SUBSCRIPTION_FILTER_POLICY',
      scope: 'ALL',
      policyDocument: Stack.of(this.scope).toJsonString({
        DestinationArn: this.ingest.functionArn,
        FilterPattern: ALL_LOG_GROUPS_FILTER_PATTERN,
        Distribution: 'Random',
      }),
      selectionCriteria: Lazy.string({
        produce: () => {
          const names = excludedNames();
          if (names.length > 50) throw new Error(`excludeLogGroups: CloudWatch Logs allows 50 excluded log groups with the library's own, got ${names.length}`);
          return `LogGroupName NOT IN [${names.map((name) => JSON.stringify(name)).join(', ')}]`;
        },
      }),
    });
    policy.node.addDependency(this.ensureAccountWidePermission());
    return policy;
  }

  /** An invoke permission for CloudWatch Logs, scoped by source ARN and account. */
  private logsPermission(id: string, sourceArn: string): Construct {
    this.ingest.addPermission(id, {
      principal: new iam.ServicePrincipal('logs.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceArn,
      sourceAccount: Stack.of(this.scope).account,
    });
    return this.ingest.permissionsNode.findChild(id);
  }

  private ensureAccountWidePermission(): Construct {
    this.accountWidePermission ??= this.logsPermission('InvokeFromAccountLogGroups', Stack.of(this.scope).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));
    return this.accountWidePermission;
  }
}
