/**
 * The values of the alert's enumerated fields (schema/alert.v1.json), once, for the jsii library's
 * enums (`src/alert-types.ts`, checked against these by test/contract.test.ts) and the functions.
 */

/** Severities from least to most urgent: the order raising and lowering move in. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type SeverityValue = (typeof SEVERITIES)[number];

export const LOGIN_KINDS = ['ssh', 'console', 'ssm-session', 'instance-connect', 'ecs-exec', 'cloudshell', 'remote-desktop', 'identity-center-sign-in', 'password-recovery', 'switch-role', 'windows-logon', 'kubernetes-exec', 'escalation', 'coverage', 'heartbeat'] as const;

export const LOGIN_OUTCOMES = ['success', 'failure'] as const;
