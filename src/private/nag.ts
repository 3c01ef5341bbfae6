import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding on a resource, with the reason a reviewer needs. Written as the
 * `cdk_nag` metadata cdk-nag reads, so users who run cdk-nag see no finding from this library
 * without the library depending on cdk-nag.
 */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
  /** Finding details it covers (e.g. `Resource::*`, or `{ regex: '/^Resource::…$/g' }`); all of the rule's findings when omitted. */
  readonly appliesTo?: Array<string | { regex: string }>;
}

export function acknowledgeNag(construct: IConstruct, ...acknowledgements: NagAcknowledgement[]): void {
  const resource = cfnResource(construct);
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [
      ...existing,
      ...acknowledgements.map((a) => ({ id: a.id, reason: a.reason, ...(a.appliesTo && { applies_to: a.appliesTo }) })),
    ],
  });
}

/**
 * The same for checkov, whose CloudFormation checks read `checkov.skip` metadata: the findings that
 * remain by design (README, "Scanners"), each with why.
 */
export function acknowledgeCheckov(construct: IConstruct, ...skips: Array<{ id: string; comment: string }>): void {
  const resource = cfnResource(construct);
  const existing = (resource.getMetadata('checkov') as { skip?: unknown[] } | undefined)?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, ...skips] });
}

/** What checkov reports on every function of the library, and why each is by design. */
export const FUNCTION_CHECKOV_SKIPS = [
  { id: 'CKV_AWS_116', comment: 'Asynchronous failures go to an on-failure destination (an encrypted SQS queue), which keeps the event and the error; a function DLQ keeps less.' },
  { id: 'CKV_AWS_117', comment: 'No VPC: the function calls AWS APIs and Slack or PagerDuty over HTTPS; a VPC would need a NAT gateway or endpoints for no gain.' },
  { id: 'CKV_AWS_115', comment: 'No reserved concurrency: reserving would take from the account pool, and a cap would throttle logins during a burst (the interaction endpoint has one).' },
  { id: 'CKV_AWS_173', comment: 'The environment holds settings, never secrets (those are in Secrets Manager); Lambda encrypts it at rest with its own key.' },
];

/** The CloudFormation resource a finding is acknowledged on: the construct itself, or its default child. */
function cfnResource(construct: IConstruct): CfnResource {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) throw new Error(`${construct.node.path} has no CloudFormation resource to acknowledge findings on`);
  return resource;
}
