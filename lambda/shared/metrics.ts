import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../../src/contract/metrics';

/**
 * The pipeline's numbers, as CloudWatch embedded metric format (EMF) lines in the function's log
 * (Powertools Metrics): CloudWatch turns them into metrics without a PutMetricData call. Namespace
 * `cdk-login-alerts`; every metric has the dimensions `service` (the function: ingest, slack,
 * pagerduty) and `Deployment` (one LoginAlerts, `DEPLOYMENT_NAME`), plus at most one of its own
 * (`Kind`, `Severity`, `Rule`, `Destination`), so their number stays small: each is a custom metric.
 * Counts are summed per invocation and written once, at its end.
 */

export class PipelineMetrics {
  private readonly metrics: Metrics;
  private readonly counts = new Map<string, { name: string; dimension?: [string, string]; value: number }>();

  constructor(service: string) {
    this.metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName: service });
  }

  /** Adds `value` to the metric `name` (with one extra dimension, if given); zero is not written. */
  count(name: string, value: number, dimension?: [string, string]): void {
    if (value === 0) return;
    const key = `${name}\u0000${dimension?.join('\u0000') ?? ''}`;
    const current = this.counts.get(key);
    this.counts.set(key, { name, dimension, value: (current?.value ?? 0) + value });
  }

  /** Writes what was counted, one EMF document per dimension set, and starts again. */
  flush(): void {
    const deployment = process.env.DEPLOYMENT_NAME ?? 'unnamed';
    for (const { name, dimension, value } of this.counts.values()) {
      const single = this.metrics.singleMetric();
      single.addDimension('Deployment', deployment);
      if (dimension) single.addDimension(dimension[0], dimension[1]);
      single.addMetric(name, MetricUnit.Count, value);
    }
    this.counts.clear();
  }
}
