import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CachedSecret, SecretError } from '../../lambda/shared/cached-secret';
import { awsConfig, createSecret } from '../support/estate';
import { startMoto, type Moto } from '../support/moto';

/**
 * The destinations' secret, read through Powertools' Parameters utility from Secrets Manager (moto):
 * cached for its max age, read again after a receiver rejected it, its field checked, and every
 * value read remembered for redaction, the old one too after a rotation.
 */

let moto: Moto;
beforeAll(async () => { moto = await startMoto(); });
afterAll(() => moto?.stop());

test('a rotated secret is read again after invalidate(), not before; both values are remembered for redaction', async () => {
  await moto.reset();
  const arn = await createSecret(moto.endpoint, 'slack', JSON.stringify({ url: 'https://hooks.slack.com/services/T/B/one' }));
  const client = new SecretsManagerClient(awsConfig(moto.endpoint));
  const secret = new CachedSecret(client, arn, 'url');
  expect(await secret.value()).toBe('https://hooks.slack.com/services/T/B/one');

  await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ url: 'https://hooks.slack.com/services/T/B/two' }) }));
  // Within its max age the cached value stands: no call per message.
  expect(await secret.value()).toBe('https://hooks.slack.com/services/T/B/one');
  secret.invalidate();
  expect(await secret.value()).toBe('https://hooks.slack.com/services/T/B/two');
  expect(secret.knownValues()).toEqual(expect.arrayContaining(['https://hooks.slack.com/services/T/B/one', 'https://hooks.slack.com/services/T/B/two']));
});

test('a secret of the wrong shape is an error naming the secret, never its value', async () => {
  await moto.reset();
  const arn = await createSecret(moto.endpoint, 'pd', 'not json: R0UT1NGKEY');
  const client = new SecretsManagerClient(awsConfig(moto.endpoint));
  const error = await new CachedSecret(client, arn, 'routingKey').value().catch((e: Error) => e);
  expect(error).toBeInstanceOf(SecretError);
  expect((error as Error).message).toBe(`secret ${arn} is not JSON, so it has no field routingKey`);
  expect((error as Error).message).not.toContain('R0UT1NGKEY');
});
