import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LoginKind, SEVERITY_ORDER } from '../alert-types';
import { METRICS_NAMESPACE } from '../contract/metrics';

/**
 * One CloudWatch dashboard for a LoginAlerts: what was alerted (logins by kind and severity), what
 * was held back (suppressed by rule, repeats) or stood out (first-seen sources, failures), whether
 * the pipeline is healthy (unparsed lines, failed enrichment, ledger and rules, dead-letter queue
 * depths, every alarm), and what each destination delivered. The metrics are the functions' own
 * (lambda/shared/metrics.ts), with the dimensions they write.
 */
const PERIOD = Duration.minutes(5);

const REVIEW_METRICS = [
  ['ReviewsAsked', 'asked'], ['ReviewsConfirmed', 'confirmed'], ['ReviewsDisputed', 'disputed'], ['ReviewsUnanswered', 'unanswered'],
  ['RemindersSent', 'reminders'], ['Escalations', 'escalations'], ['DirectMessagesFailed', 'DMs failed'], ['InteractionsRejected', 'requests refused'],
  ['RemindersFailed', 'reminders Slack refused (retried)'], ['EscalationsFailed', 'escalations not published yet (retried)'],
];

export interface DashboardOptions {
  /** The metrics' `Deployment` dimension; undefined when metrics are off (only queues and alarms then). */
  readonly deploymentName?: string;
  readonly ruleNames: string[];
  readonly ingestDeadLetterQueue: sqs.IQueue;
  readonly alarms: cloudwatch.IAlarm[];
  /** Logins the reconciler recovered (its metric filter); absent without `reconcile`. */
  readonly recoveries?: cloudwatch.Metric;
  /** Hosts the last coverage run found dark (its metric filter); absent without `coverage`. */
  readonly uncoveredHosts?: cloudwatch.Metric;
}

export class PipelineDashboard {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, private readonly options: DashboardOptions) {
    this.dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(new cloudwatch.TextWidget({
      markdown: '## Login alerts\nEvery login published to the topic; suppressed and repeated ones are kept there but left out by destinations.',
      width: 24,
      height: 2,
    }));
    if (options.deploymentName) {
      this.dashboard.addWidgets(
        this.graph('Logins by kind', Object.values(LoginKind).map((kind) => this.ingest('Logins', { Kind: kind }, kind))),
        this.graph('Logins by severity', SEVERITY_ORDER.map((severity) => this.ingest('Logins', { Severity: severity }, severity))),
        this.graph('Held back, and worth a look', [
          ...options.ruleNames.map((rule) => this.ingest('Suppressed', { Rule: rule }, `suppressed: ${rule}`)),
          this.ingest('Repeats', {}, 'repeats'),
          this.ingest('FirstSeenSources', {}, 'first-seen sources'),
          this.ingest('FirstSeenCountries', {}, 'first-seen countries'),
          this.ingest('ImpossibleTravel', {}, 'impossible travel'),
          this.ingest('FailedLogins', {}, 'failed logins'),
        ]),
      );
      this.dashboard.addWidgets(this.graph('Pipeline problems', [
        this.ingest('UnparsedLines', {}, 'unparsed lines'),
        this.ingest('EnrichmentFailures', {}, 'not enriched'),
        this.ingest('LedgerUnavailable', {}, 'ledger unavailable'),
        this.ingest('RulesUnavailable', {}, 'rules unavailable'),
      ], 12));
    }
    this.dashboard.addWidgets(
      this.graph('Dead letters waiting: ingest', [depth(options.ingestDeadLetterQueue, 'ingest')], 12),
      new cloudwatch.AlarmStatusWidget({ title: 'Pipeline alarms', alarms: options.alarms, width: 12, height: 6 }),
    );
    if (options.recoveries) {
      // Every point above zero is a login the real-time path lost and reconciliation alerted late.
      this.dashboard.addWidgets(this.graph('Recovered by reconciliation', [options.recoveries.with({ period: PERIOD, label: 'recovered logins' })], 24));
    }
    if (options.uncoveredHosts) {
      // One point per coverage run: the hosts whose logins nothing would see.
      this.dashboard.addWidgets(this.graph('Coverage: hosts nothing sees (silent or never seen)', [options.uncoveredHosts.with({ label: 'uncovered hosts' })], 24));
    }
  }

  /** A row for a destination: what it delivered, dead-lettered and will retry; its queue; its alarms. */
  addDestination(type: string, deadLetterQueue: sqs.IQueue, alarms: cloudwatch.IAlarm[]): void {
    const widgets: cloudwatch.IWidget[] = [];
    if (this.options.deploymentName) {
      widgets.push(this.graph(`${type}: deliveries`, ['Delivered', 'DeadLettered', 'DeliveryRetried'].map((name) => new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: type, Deployment: this.options.deploymentName!, Destination: type },
        statistic: 'Sum',
        period: PERIOD,
        label: name,
      })), 8));
    }
    widgets.push(this.graph(`${type}: dead letters waiting`, [depth(deadLetterQueue, type)], 8));
    widgets.push(new cloudwatch.AlarmStatusWidget({ title: `${type}: alarms`, alarms, width: 8, height: 6 }));
    this.dashboard.addWidgets(...widgets);
    if (type === 'slackapp' && this.options.deploymentName) {
      // The review loop: asked, answered, reminded, escalated (lambda/slack-app/review-actions.ts names them).
      this.dashboard.addWidgets(this.graph('slackapp: reviews', REVIEW_METRICS.map(([name, label]) => new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: type, Deployment: this.options.deploymentName! },
        statistic: 'Sum',
        period: PERIOD,
        label,
      })), 24));
    }
  }

  private ingest(metricName: string, dimensions: Record<string, string>, label: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: 'ingest', Deployment: this.options.deploymentName!, ...dimensions },
      statistic: 'Sum',
      period: PERIOD,
      label,
    });
  }

  private graph(title: string, metrics: cloudwatch.IMetric[], width = 8): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6, stacked: false });
  }
}

function depth(queue: sqs.IQueue, label: string): cloudwatch.IMetric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label });
}
