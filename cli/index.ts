import { CHECK_USAGE, fail, REPLAY_USAGE } from './usage';

/**
 * The `cdk-login-alerts` command: `replay` (your logs through the ingest function's parser, offline)
 * and `check` (a deployed stack, with your AWS credentials).
 */
async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    // The package's own version, inlined into the bundle at build time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    process.stdout.write(`cdk-login-alerts ${(require('../package.json') as { version: string }).version}\n`);
    return 0;
  }
  const [command] = argv.filter((a) => !a.startsWith('-'));
  // Loaded on demand: `check` brings eight AWS SDK clients that `replay` and `--help` do not need.
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (command === 'replay') return (require('./replay-command') as typeof import('./replay-command')).replayCommand(argv);
  if (command === 'check') return (require('./check-command') as typeof import('./check-command')).checkCommand(argv);
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${REPLAY_USAGE}\n\n${CHECK_USAGE}\n`);
    return 0;
  }
  return fail(`${REPLAY_USAGE}\n\n${CHECK_USAGE}`);
}

// `replay … | head`: the reader left. Stop quietly, as Unix tools do, instead of an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`cdk-login-alerts: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
