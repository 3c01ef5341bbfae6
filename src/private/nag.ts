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
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) throw new Error(`${construct.node.path} has no CloudFormation resource to acknowledge findings on`);
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [
      ...existing,
      ...acknowledgements.map((a) => ({ id: a.id, reason: a.reason, ...(a.appliesTo && { applies_to: a.appliesTo }) })),
    ],
  });
}
