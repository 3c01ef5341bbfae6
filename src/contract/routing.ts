/**
 * Routing by instance tag: the ingest function copies chosen tag keys into SNS message attributes so
 * destinations (and your subscribers) can filter on them. Shared by the construct (filter policies,
 * checks at synth) and the ingest function (the attributes it publishes).
 */

/** SNS allows 10 message attributes; the alert uses six of its own. */
export const MAX_ROUTING_TAG_KEYS = 4;

/**
 * The `suppressed` and `repeat` attributes of a heartbeat (not `true` or `false`): every filter that
 * keeps unsuppressed alerts or first logins, as destinations' do by default, leaves heartbeats out.
 */
export const HEARTBEAT_ATTRIBUTE = 'heartbeat';

/** What an alert carries for a routing tag whose value is empty (attribute values cannot be). */
export const TAG_EMPTY = '(empty)';

/**
 * The attribute for a tag key: `tag.` and the key, with characters SNS does not allow in attribute
 * names (anything but letters, digits, `_`, `-` and `.`; tag keys may hold spaces, `:`, `/`, `+`,
 * `=`, `@`) written as `_`.
 */
export function tagAttributeName(tagKey: string): string {
  return `tag.${tagKey.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** Checks routing tag keys: a tag key is 1-128 characters; two keys must not share an attribute name. */
export function checkRoutingTagKeys(keys: readonly string[], where: string): void {
  const names = new Map<string, string>();
  for (const key of keys) {
    if (key.length === 0 || key.length > 128) throw new Error(`${where}: ${JSON.stringify(key)} is not a tag key (1 to 128 characters)`);
    const name = tagAttributeName(key);
    const other = names.get(name);
    if (other !== undefined && other !== key) {
      throw new Error(`${where}: tag keys ${JSON.stringify(other)} and ${JSON.stringify(key)} both become the message attribute ${name}; route on one of them`);
    }
    names.set(name, key);
  }
  const distinct = [...new Set(keys)];
  if (distinct.length > MAX_ROUTING_TAG_KEYS) {
    throw new Error(`${where}: ${distinct.length} tag keys to route on (${distinct.join(', ')}); SNS allows 10 message attributes and an alert uses 6, `
      + `so at most ${MAX_ROUTING_TAG_KEYS} tag keys can be routed on`);
  }
}
