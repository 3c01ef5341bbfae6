import { TtlCache } from './ttl-cache';
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

const STORE_ARN = /^arn:aws[a-z-]*:identitystore::(\d{12}):identitystore\/(d-[0-9a-f]{10}|[0-9a-f-]{1,36})$/;

export class IdentityStoreResolver {
  private readonly cache: TtlCache<string | undefined>;

  constructor(private readonly describe: DescribeUser, ttlMs: number, now: () => number = Date.now) {
    this.cache = new TtlCache(ttlMs, now);
  }

  /** The alert with its user's name, or with the reason it has only the id. Other alerts unchanged. */
  async resolve(alert: Alert): Promise<Alert> {
    const id = alert.principal?.identityCenterUserId;
    const store = STORE_ARN.exec(alert.principal?.identityStoreArn ?? '');
    // Only an alert that names its user by id alone; a userName AWS wrote is kept.
    if (!id || !store || alert.actor?.name !== id) return alert;
    const place = { identityStoreId: store[2], account: store[1], region: alert.region };
    const key = `${store[0]}/${id}`;
    const cached = this.cache.get(key);
    let name = cached?.value;
    if (!cached) {
      try {
        name = await this.describe(place, id);
      } catch (error) {
        // Not cached: the next record tries again.
        return { ...alert, reasons: [...alert.reasons, `Identity Center user ${id} not resolved: DescribeUser failed: ${errorText(error)}`] };
      }
      this.cache.set(key, name);
    }
    if (!name) return { ...alert, reasons: [...alert.reasons, `Identity Center user ${id} not found in ${store[2]}`] };
    return {
      ...alert,
      user: alert.user === id ? name : alert.user,
      actor: { ...alert.actor!, name },
      reasons: [...alert.reasons, `user name ${name} from the identity store`],
    };
  }
}
