import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { prop } from './prop-names';
import type { AlertRule } from '../alert-rules';
import { checkRules } from '../contract/rule-spec';

/**
 * Up to this many bytes of rules travel in the ingest function's environment (`ALERT_RULES`, JSON);
 * more go as a deployment asset (`ALERT_RULES=s3://bucket/key`), because Lambda allows 4 KB of
 * environment variables in all.
 */
export const INLINE_RULES_MAX_BYTES = 2048;

/** Hands the rules to the ingest function, checked as a whole (names unique). */
export function bindAlertRules(scope: Construct, ingest: lambda.Function, rules: AlertRule[]): void {
  const specs = rules.map((rule) => rule.toJson());
  checkRules(specs, prop('rules'), prop);
  const json = JSON.stringify(specs);
  if (Buffer.byteLength(json) <= INLINE_RULES_MAX_BYTES) {
    ingest.addEnvironment('ALERT_RULES', json);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-login-alerts-rules-'));
  fs.writeFileSync(path.join(dir, 'rules.json'), json);
  const asset = new s3assets.Asset(scope, 'AlertRules', { path: path.join(dir, 'rules.json') });
  ingest.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadAlertRules',
    actions: ['s3:GetObject'],
    resources: [`arn:${Stack.of(scope).partition}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`],
  }));
  ingest.addEnvironment('ALERT_RULES', `s3://${asset.s3BucketName}/${asset.s3ObjectKey}`);
}
