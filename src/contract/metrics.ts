/**
 * The functions' metrics (lambda/shared/metrics.ts): embedded metric format in their logs, namespace
 * `cdk-login-alerts`, dimension `Deployment` telling LoginAlerts deployments apart.
 */
export const METRICS_NAMESPACE = 'cdk-login-alerts';

/** The variables that turn a function's metrics on (with its deployment's name) or off. */
export function metricsEnvironment(deploymentName: string | undefined): Record<string, string> {
  return deploymentName === undefined
    ? { POWERTOOLS_METRICS_DISABLED: 'true' }
    : { POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE, DEPLOYMENT_NAME: deploymentName };
}

/** Failed Windows logons (event 4625 of an interactive type), alerted or only counted: the ingest function's. */
export const WINDOWS_LOGON_FAILURES_METRIC = 'WindowsLogonFailures';
