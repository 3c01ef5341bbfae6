import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MemoryLedger } from './memory-ledger';
import { formatAlert, replayFile, UnreadableInputError } from './replay';
import { fail } from './usage';
import { applyLedger } from '../lambda/ingest/ledger-step';
import { applyPeople } from '../lambda/ingest/people-step';
import { PeopleDirectory } from '../lambda/shared/people';
import { parseCidr } from '../src/private/cidr';

/**
 * `cdk-login-alerts replay`. Exit codes: 0 done (with or without alerts); 2 bad usage or input.
 */
export const REPLAY_USAGE = `Usage: cdk-login-alerts replay <file>... [--json] [--trusted-cidr <cidr>]... [--account <id>] [--region <region>]

See what would alert on your own logs before you deploy. Files are auth logs (/var/log/secure,
/var/log/auth.log) or CloudTrail / EventBridge JSON: one event, an array, JSON Lines, or a CloudTrail
log file with Records (gzip is read too). The parser and severity policy are the ingest function's.
No AWS calls are made: instance enrichment is skipped.

Times: a line with a full date (RFC3339, <PRI> prefixes, journald JSON) keeps it. A traditional
syslog time (\`Mar  5 14:03:07\`: no year, no zone) is read in the local zone (set TZ to the zone of
the machine that wrote the log) in the year that makes it the latest such date not after the
file's modification time.

  --json               print the alert objects (JSON Lines) instead of one line per alert
  --trusted-cidr CIDR  a trusted source range (repeatable): SSH logins from it are one level lower
  --account ID         the account to report for SSH logins (default 123456789012)
  --region REGION      the region to report (default: AWS_REGION or us-east-1)
  --people FILE        a people directory ({"people": [...]}, README "The people directory"):
                       alerts name the person behind a key, certificate, account or IAM/SSO user

Files are read in the order given, each like one delivery: an Instance Connect key push (an
instance's line or CloudTrail's SendSSHPublicKey) links to the SSH login that used the key across
files too, within the key's 60 seconds, on the same host.`;

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

  let people: PeopleDirectory | undefined;
  if (values.people !== undefined) {
    try {
      people = PeopleDirectory.parse(readFileSync(values.people, 'utf8'));
    } catch (error) {
      return fail(`--people ${values.people}: ${(error as Error).message}`);
    }
  }

  const options = { trustedCidrs, account: values.account!, region: values.region! };
  // Each file is a delivery; the ledger, in memory, links key pushes and logins across them.
  const ledger = new MemoryLedger();
  let count = 0;
  for (const file of files) {
    let alerts;
    try {
      alerts = (await applyLedger(await replayFile(file, options), ledger)).alerts;
    } catch (error) {
      if (error instanceof UnreadableInputError) return fail(error.message);
      throw error;
    }
    if (people) alerts = (await applyPeople(alerts, { load: async () => people })).alerts;
    for (const alert of alerts) {
      process.stdout.write(`${values.json ? JSON.stringify(alert) : formatAlert(alert)}\n`);
      count++;
    }
  }
  process.stderr.write(`${count} alert${count === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'} (instance enrichment skipped: no AWS calls)\n`);
  return 0;
}
