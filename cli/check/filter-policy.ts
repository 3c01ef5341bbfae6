/**
 * Whether an SNS subscription's filter policy (on message attributes) accepts a message: the part
 * of SNS's filter language a reader of our alerts uses (exact strings, `exists`, `anything-but`,
 * `prefix`), so the check can say where a test login will and will not arrive. A policy using more
 * than that is answered `undefined` (not known), never guessed.
 */
export function filterAccepts(policyJson: string | undefined, attributes: Record<string, string>): boolean | undefined {
  if (!policyJson) return true;
  let policy: Record<string, unknown>;
  try {
    policy = JSON.parse(policyJson) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  let verdict: boolean | undefined = true;
  for (const [key, conditions] of Object.entries(policy)) {
    if (!Array.isArray(conditions)) return undefined;
    const value = attributes[key];
    const results = conditions.map((c) => matches(c, value));
    if (results.some((r) => r === true)) continue;
    if (results.some((r) => r === undefined)) verdict = undefined;
    else return false;
  }
  return verdict;
}

function matches(condition: unknown, value: string | undefined): boolean | undefined {
  if (typeof condition === 'string') return value === condition;
  if (condition === null || typeof condition !== 'object') return undefined;
  const c = condition as Record<string, unknown>;
  if ('exists' in c) return (value !== undefined) === c.exists;
  if (value === undefined) return false;
  if (typeof c.prefix === 'string') return value.startsWith(c.prefix);
  if ('anything-but' in c) {
    const but = c['anything-but'];
    const list = Array.isArray(but) ? but : [but];
    return list.every((x) => typeof x === 'string') ? !list.includes(value) : undefined;
  }
  return undefined;
}
