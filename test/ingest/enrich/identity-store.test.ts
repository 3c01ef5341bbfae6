import { IdentityStoreResolver, type StorePlace } from '../../../lambda/ingest/enrich/identity-store';
import type { Alert } from '../../../lambda/shared/alert';

/** The user-name lookup with a recorded DescribeUser and an injected clock: which alerts ask, where, and what is reused. */

const ID = 'f12bb510-a011-702f-10dd-5607e2776dbc';
const STORE = 'arn:aws:identitystore::444455556666:identitystore/d-9a670c546e';

function signIn(extra: Partial<Alert> = {}): Alert {
  return {
    schemaVersion: 1,
    id: 'a',
    kind: 'identity-center-sign-in',
    severity: 'low',
    reasons: ['IAM Identity Center sign-in'],
    outcome: 'success',
    time: '2026-11-20T09:00:00Z',
    account: '111122223333',
    region: 'us-east-2',
    user: ID,
    summary: 's',
    actor: { name: ID, via: 'sso' },
    principal: { type: 'IdentityCenterUser', identityCenterUserId: ID, identityStoreArn: STORE },
    origin: { eventSource: 'signin.amazonaws.com', eventName: 'UserAuthentication', eventId: 'a' },
    ...extra,
  } as Alert;
}

test('asks the store the ARN names, in the record\'s region, and reuses the answer until the TTL passes', async () => {
  let now = 0;
  const calls: Array<[StorePlace, string]> = [];
  const resolver = new IdentityStoreResolver(async (place, id) => { calls.push([place, id]); return 'dana@example.com'; }, 60_000, () => now);
  expect((await resolver.resolve(signIn())).actor?.name).toBe('dana@example.com');
  await resolver.resolve(signIn());
  expect(calls).toEqual([[{ identityStoreId: 'd-9a670c546e', account: '444455556666', region: 'us-east-2' }, ID]]);
  now = 60_000;
  await resolver.resolve(signIn());
  expect(calls).toHaveLength(2);
});

test('a user name AWS wrote is kept, and a record without a store ARN is not looked up', async () => {
  const calls: string[] = [];
  const resolver = new IdentityStoreResolver(async (_, id) => { calls.push(id); return 'someone-else'; }, 60_000);
  const named = signIn({ user: 'demo-user-2', actor: { name: 'demo-user-2', via: 'sso' } });
  expect(await resolver.resolve(named)).toBe(named);
  const noStore = signIn({ principal: { type: 'IdentityCenterUser', identityCenterUserId: ID } });
  expect(await resolver.resolve(noStore)).toBe(noStore);
  expect(calls).toEqual([]);
});

test('a failed call keeps the id, says why, and is asked again next time', async () => {
  let fail = true;
  const resolver = new IdentityStoreResolver(async () => { if (fail) throw new Error('AccessDeniedException: not authorized'); return 'dana@example.com'; }, 60_000);
  const failed = await resolver.resolve(signIn());
  expect(failed.actor?.name).toBe(ID);
  expect(failed.reasons).toContain(`Identity Center user ${ID} not resolved: DescribeUser failed: AccessDeniedException: not authorized`);
  fail = false;
  expect((await resolver.resolve(signIn())).user).toBe('dana@example.com');
});
