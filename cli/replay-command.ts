import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { MemoryLedger } from './memory-ledger';
import { formatAlert, replayFile, UnreadableInputError } from './replay';
import { htmlReport } from './report/html-report';
import { REPLAY_USAGE, fail } from './usage';
import { GeoLocator } from '../lambda/ingest/geo/locator';
import { refineAlerts, type PipelineLog } from '../lambda/ingest/pipeline';
import { AlertRules } from '../lambda/ingest/rules/rules';
import type { AlertSources } from '../lambda/ingest/sources';
import type { Alert } from '../lambda/shared/alert';
import { NetworkSet } from '../lambda/shared/networks';
import { PeopleDirectory } from '../lambda/shared/people';
import { isRoleNamePattern } from '../src/contract/aws-ids';
import { parseCidr } from '../src/contract/cidr';
import { encodeRangeTable } from '../src/contract/geo-ranges';

/**
 * `cdk-login-alerts replay`. Exit codes: 0 done (with or without alerts); 1 a file held nothing replay
 * reads; 2 bad usage or input.
 */

export async function replayCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'json': { type: 'boolean', default: false },
        'trusted-cidr': { type: 'string', multiple: true, default: [] },
        'account': { type: 'string', default: '123456789012' },
        'region': { type: 'string', default: process.env.AWS_REGION ?? 'us-east-1' },
        'people': { type: 'string' },
        'identity-provider-role': { type: 'string', multiple: true, default: [] },
        'rules': { type: 'string' },
        'windows-logon-failures': { type: 'boolean', default: false },
        'log-group': { type: 'string' },
        'report': { type: 'string' },
        'geo-database': { type: 'string', multiple: true, default: [] },
        'trusted-egress': { type: 'string', multiple: true, default: [] },
        'trusted-egress-asn': { type: 'string', multiple: true, default: [] },
        'travel-speed': { type: 'string' },
        'help': { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${REPLAY_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${REPLAY_USAGE}\n`);
    return 0;
  }
  const [command, ...files] = positionals;
  if (command !== 'replay' || files.length === 0) return fail(REPLAY_USAGE);
  const trustedCidrs = values['trusted-cidr'] ?? [];
  const bad = trustedCidrs.find((cidr) => !parseCidr(cidr));
  if (bad !== undefined) return fail(`--trusted-cidr ${bad} is not a CIDR range like 198.51.100.0/24`);

  const badRole = (values['identity-provider-role'] ?? []).find((role) => !isRoleNamePattern(role));
  if (badRole !== undefined) return fail(`--identity-provider-role ${badRole} is not an IAM role name (letters, digits and +=,.@_-; * for any run of characters)`);

  let people: PeopleDirectory | undefined;
  if (values.people !== undefined) {
    try {
      people = PeopleDirectory.parse(readFileSync(values.people, 'utf8'));
    } catch (error) {
      return fail(`--people ${values.people}: ${(error as Error).message}`);
    }
  }

  let rules: AlertRules | undefined;
  if (values.rules !== undefined) {
    try {
      rules = AlertRules.parse(readFileSync(values.rules, 'utf8'), values.rules);
    } catch (error) {
      return fail(`--rules ${values.rules}: ${(error as Error).message}`);
    }
  }
  let geo: { locator: GeoLocator; travelSpeedKmh?: number } | undefined;
  try {
    geo = replayGeo(values);
  } catch (error) {
    return fail((error as Error).message);
  }
  const options = { trustedCidrs, account: values.account!, region: values.region!, ...(values['log-group'] && { logGroup: values['log-group'] }) };
  // Each file is a delivery; the ledger, in memory, links key pushes and logins across them.
  const sources: AlertSources = {
    ledger: new MemoryLedger(),
    ...(people && { people: { load: async () => people } }),
    ...(rules && { rules: { load: async () => rules } }),
    ...(geo && { geo: geo.locator }),
  };
  let count = 0;
  let counted = 0;
  const unrecognised: string[] = [];
  const reported: Alert[] = [];
  for (const file of files) {
    let replayed;
    try {
      replayed = await replayFile(file, options);
    } catch (error) {
      if (error instanceof UnreadableInputError) return fail(error.message);
      throw error;
    }
    // The same steps as the ingest function; history and repeat windows reckoned from the log's own time.
    const latest = Math.max(0, ...replayed.alerts.map((a) => Date.parse(a.time)).filter(Number.isFinite));
    const settings = {
      nowMs: latest || Date.now(),
      identityProviderRoles: values['identity-provider-role'],
      alertWindowsLogonFailures: values['windows-logon-failures'],
      ...(geo?.travelSpeedKmh !== undefined && { travelSpeedKmh: geo.travelSpeedKmh }),
    };
    const { alerts, held } = await refineAlerts(replayed.alerts, sources, settings, stderrLog, replayed.verifiedFactors);
    counted += held.length;
    for (const alert of alerts) {
      if (values.report === undefined) process.stdout.write(`${values.json ? JSON.stringify(alert) : formatAlert(alert)}\n`);
      else reported.push(alert);
      count++;
    }
    if (alerts.length + held.length === 0) {
      const { records, recognised, form } = replayed.read;
      if (recognised === 0) unrecognised.push(file);
      process.stderr.write(recognised === 0
        ? `replay: ${file}: nothing replay reads in its ${records} ${form}: it reads sshd and ec2-instance-connect lines with a syslog, RFC3339 `
          + 'or <PRI> header (/var/log/secure, /var/log/auth.log; from journald: journalctl -o short-iso or -o json), Windows Security events as XML, '
          + '`aws logs filter-log-events` output, or CloudTrail / EventBridge JSON (cdk-login-alerts replay --help)\n'
        : `replay: ${file}: no login among its ${recognised} ${form === 'lines' ? 'sshd and Instance Connect lines' : form}\n`);
    }
  }
  if (values.report !== undefined) {
    try {
      writeFileSync(values.report, htmlReport(reported, { files, counted, writtenAt: new Date().toISOString() }));
    } catch (error) {
      return fail(`--report ${values.report}: ${(error as Error).message}`);
    }
    process.stderr.write(`report written to ${values.report}: open it in a browser (it loads nothing from the network)\n`);
  }
  if (counted > 0) process.stderr.write(`${counted} failed Windows logon${counted === 1 ? '' : 's'} counted, not alerted (--windows-logon-failures alerts them)\n`);
  process.stderr.write(`${count} alert${count === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'} (instance enrichment skipped: no AWS calls)\n`);
  return unrecognised.length > 0 ? 1 : 0;
}

/**
 * The IP databases replay reads (`--geo-database`), as the function reads its layer: a MaxMind DB
 * as it is, a CSV converted to a range table in memory (when the first public address needs it).
 */
function replayGeo(values: { 'geo-database'?: string[]; 'trusted-egress'?: string[]; 'trusted-egress-asn'?: string[]; 'travel-speed'?: string }):
{ locator: GeoLocator; travelSpeedKmh?: number } | undefined {
  const files = values['geo-database'] ?? [];
  const egress = values['trusted-egress'] ?? [];
  const asns = values['trusted-egress-asn'] ?? [];
  if (files.length === 0) {
    if (egress.length > 0 || asns.length > 0 || values['travel-speed'] !== undefined) throw new Error('--trusted-egress, --trusted-egress-asn and --travel-speed need --geo-database');
    return undefined;
  }
  for (const file of files) if (!existsSync(file)) throw new Error(`--geo-database ${file}: no such file`);
  const badCidr = egress.find((cidr) => !parseCidr(cidr));
  if (badCidr !== undefined) throw new Error(`--trusted-egress ${badCidr} is not a CIDR range like 198.51.100.0/24`);
  const badAsn = asns.find((asn) => !/^\d+$/.test(asn));
  if (badAsn !== undefined) throw new Error(`--trusted-egress-asn ${badAsn} is not an AS number`);
  const speed = values['travel-speed'];
  if (speed !== undefined && !/^\d+$/.test(speed)) throw new Error(`--travel-speed ${speed} is not a whole number of km/h`);
  const entries = files.map((file) => ({ file, name: basename(file), licence: 'as distributed' }));
  const read = (file: string) => (file.toLowerCase().endsWith('.csv')
    ? encodeRangeTable([{ label: basename(file), text: readFileSync(file, 'utf8') }])
    : readFileSync(file));
  const locator = new GeoLocator(entries, { cidrs: NetworkSet.parse(egress), asns: new Set(asns.map(Number)) }, read);
  return { locator, ...(speed !== undefined && { travelSpeedKmh: Number(speed) }) };
}

/** The pipeline's failures and warnings, said on stderr beside the alerts. */
const stderrLog: PipelineLog = {
  error: (message, attributes) => process.stderr.write(`replay: ${message} ${JSON.stringify(attributes)}\n`),
  warn: (message, attributes) => process.stderr.write(`replay: ${message} ${JSON.stringify(attributes)}\n`),
};
