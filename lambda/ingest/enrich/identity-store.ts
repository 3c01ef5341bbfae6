import type { Alert } from '../../shared/alert';
import { errorText } from '../../shared/error-text';

/**
 * Opt-in (`resolveIdentityCenterUsers`): an Identity Center record that names its user only by id
 * (`onBehalfOf.userId`, no `userName`) gets the user name from the identity store it names
 * (DescribeUser), so the alert and the people directory's `ssoUserNames` read a name. The id and the
 * store ARN are AWS's, written once the user authenticated; the name comes from the store, never
 * from the record. Hits and misses are cached for a TTL; a failed call is not, and the alert goes
 * out with the id and the reason.
 */

/** Where a user lives: the store's id (`d-…`), its account and the region of the record (the home region). */
export interface StorePlace {
  readonly identityStoreId: string;
  readonly account?: string;
  readonly region: string;
}

/** DescribeUser: the user's `UserName`, or undefined when the store has no such user. */
export type DescribeUser = (place: StorePlace, userId: string) => Promise<string | undefined>;

const MAX_CACHE_ENTRIES = 10_000;
const STORE_ARN = /^arn:aws[a-z-]*:identitystore::(\d{12}):identitystore\/(d-[0-9a-f]{10}|[0-9a-f-]{1,36})$/;

export class IdentityStoreResolver {
  private readonly cache = new Map<string, { name?: string; expiresAt: number }>();

  constructor(private readonly describe: DescribeUser, private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  /** The alert with its user's name, or with the reason it has only the id. Other alerts unchanged. */
  async resolve(alert: Alert): Promise<Alert> {
    const id = alert.principal?.identityCenterUserId;
    const store = STORE_ARN.exec(alert.principal?.identityStoreArn ?? '');
    // Only an alert that names its user by id alone; a userName AWS wrote is kept.
    if (!id || !store || alert.actor?.name !== id) return alert;
    const place = { identityStoreId: store[2], account: store[1], region: alert.region };
    const key = `${store[0]}/${id}`;
    let entry = this.cache.get(key);
    if (!entry || entry.expiresAt <= this.now()) {
      try {
        entry = { name: await this.describe(place, id), expiresAt: this.now() + this.ttlMs };
      } catch (error) {
        return { ...alert, reasons: [...alert.reasons, `Identity Center user ${id} not resolved: DescribeUser failed: ${errorText(error)}`] };
      }
      this.cache.delete(key);
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, entry);
    }
    if (!entry.name) return { ...alert, reasons: [...alert.reasons, `Identity Center user ${id} not found in ${store[2]}`] };
    return {
      ...alert,
      user: alert.user === id ? entry.name : alert.user,
      actor: { ...alert.actor!, name: entry.name },
      reasons: [...alert.reasons, `user name ${entry.name} from the identity store`],
    };
  }
}
