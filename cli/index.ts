import { CHECK_USAGE, checkCommand } from './check-command';
import { REPLAY_USAGE, replayCommand } from './replay-command';
import { fail } from './usage';

/**
 * The `cdk-login-alerts` command: `replay` (your logs through the ingest function's parser, offline)
 * and `check` (a deployed stack, with your AWS credentials).
 */
async function main(argv: string[]): Promise<number> {
  const [command] = argv.filter((a) => !a.startsWith('-'));
  if (command === 'replay') return replayCommand(argv);
  if (command === 'check') return checkCommand(argv);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${REPLAY_USAGE}\n\n${CHECK_USAGE}\n`);
    return 0;
  }
  return fail(`${REPLAY_USAGE}\n\n${CHECK_USAGE}`);
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`cdk-login-alerts: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
