import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { bindAlertRules } from './alert-rules-binding';
import { grantPublish } from './alert-topic';
import { grantInstanceLookups, grantTaskLookups, grantUserLookups } from './instance-lookups';
import { grantLedgerReadWrite } from './login-ledger';
import type { AlertRule } from '../alert-rules';
import type { PeopleDirectory } from '../people-directory';

/**
 * What a function that makes alerts from records needs, the ingest function and the reconciler
 * alike (lambda/ingest/sources.ts reads the same settings in both): publishing to the topic, the
 * EC2 lookups and enrichment roles, the ledger, the people directory and the rules.
 */
export interface AlertMakerSettings {
  readonly topic: sns.ITopic;
  readonly topicKey?: kms.IKey;
  readonly enrich: boolean;
  readonly enrichTasks: boolean;
  readonly resolveIdentityCenterUsers?: boolean;
  readonly enrichmentRoleArns: string[];
  readonly ledger?: { table: dynamodb.ITable; key: kms.IKey };
  readonly people?: PeopleDirectory;
  readonly rules?: AlertRule[];
}

/**
 * Grants and settings for one such function. `scope` holds what binding creates (the people
 * directory's and the rules' assets); `conditionalKeys` are the ledger key prefixes it may write
 * with conditions (see grantLedgerReadWrite).
 */
export function configureAlertMaker(scope: Construct, fn: lambda.Function, settings: AlertMakerSettings, conditionalKeys?: string[]): void {
  grantPublish(settings.topic, settings.topicKey, fn);
  if (settings.enrichmentRoleArns.length > 0) {
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'AssumeEnrichmentRoles', actions: ['sts:AssumeRole'], resources: settings.enrichmentRoleArns }));
  }
  if (settings.people) fn.addEnvironment('PEOPLE_DIRECTORY', settings.people.bind(scope, fn).uri);
  if (settings.rules?.length) bindAlertRules(scope, fn, settings.rules);
  if (settings.ledger) grantLedgerReadWrite(settings.ledger.table, settings.ledger.key, fn, conditionalKeys);
  if (settings.enrich) grantInstanceLookups(fn);
  if (settings.enrichTasks) grantTaskLookups(fn);
  if (settings.resolveIdentityCenterUsers) grantUserLookups(fn);
}
