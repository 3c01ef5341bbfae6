import { DEFAULT_MENTIONS, DEFAULT_TAG_KEYS, type SlackRenderOptions } from './render';
import { SEVERITIES, type Severity } from '../alert';
import { commaList } from '../values';

/** SLACK_MENTIONS and SLACK_TAG_KEYS, shared by the webhook and the Slack app functions. */
export function readRenderOptions(env: NodeJS.ProcessEnv): SlackRenderOptions {
  return {
    mentions: env.SLACK_MENTIONS ? parseMentions(env.SLACK_MENTIONS) : DEFAULT_MENTIONS,
    tagKeys: env.SLACK_TAG_KEYS !== undefined ? commaList(env.SLACK_TAG_KEYS) : DEFAULT_TAG_KEYS,
  };
}

export function parseMentions(json: string): Partial<Record<Severity, string>> {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null) throw new Error('SLACK_MENTIONS is not a JSON object');
  const mentions: Partial<Record<Severity, string>> = {};
  for (const [severity, mention] of Object.entries(parsed)) {
    if (!SEVERITIES.includes(severity as Severity) || typeof mention !== 'string') throw new Error(`SLACK_MENTIONS: bad entry ${severity}`);
    if (mention !== '') mentions[severity as Severity] = mention;
  }
  return mentions;
}
