import { AlertRules } from './rules';
import type { Alert } from '../../shared/alert';
import { readS3Text, s3Location } from '../../shared/s3-text';

/**
 * Where the ingest function's rules come from (`ALERT_RULES`): the JSON itself, checked when the
 * function starts (a bad value fails every invocation, loudly, like any bad setting), or
 * `s3://bucket/key` for a rule set too large for the environment, read on first use and kept for
 * the container's life (a new rule set is a new object and a new deployment).
 */
export interface RulesSource {
  load(): Promise<AlertRules>;
}

export function rulesSource(value: string): RulesSource {
  const s3 = s3Location(value);
  if (!s3) {
    const rules = AlertRules.parse(value);
    return { load: async () => rules };
  }
  let loaded: AlertRules | undefined;
  return {
    async load() {
      loaded ??= AlertRules.parse(await readS3Text(s3), value);
      return loaded;
    },
  };
}

/** The reason alerts carry when the rules could not be read: they go out as the default policy says. */
export const RULES_UNAVAILABLE_REASON = 'alert rules unavailable: not applied';

export interface RulesResult {
  readonly alerts: Alert[];
  readonly error?: string;
}

/**
 * Applies the rules to each alert. Rules are a filter on attention, never a gate: if they cannot be
 * read, every alert still goes out, unsuppressed, saying so.
 */
export async function applyRules(alerts: Alert[], source: RulesSource): Promise<RulesResult> {
  let rules: AlertRules;
  try {
    rules = await source.load();
  } catch (error) {
    const reason = (error as Error).message;
    return { alerts: alerts.map((a) => ({ ...a, reasons: [...a.reasons, RULES_UNAVAILABLE_REASON] })), error: reason };
  }
  return { alerts: alerts.map((a) => rules.apply(a)) };
}
