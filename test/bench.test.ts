import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The benchmarks must keep running: `bench/run.ts --quick` runs every section on a small input with
 * few repetitions. Nothing here checks a figure (figures are for `npx projen bench` and
 * docs/BENCHMARKS.md); it checks that each section ran to its table and the script exited 0.
 */
test('every benchmark section runs and prints its table (quick form)', () => {
  const root = join(__dirname, '..');
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', '--project', 'tsconfig.dev.json', 'bench/run.ts', '--quick'], {
    cwd: root, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' }, timeout: 280_000,
  });
  expect(result.stderr.split('\n').filter((line) => /Error/.test(line))).toEqual([]);
  expect(result.status).toBe(0);
  const titles = result.stdout.split('\n').filter((line) => line.startsWith('### ')).map((line) => line.split(' ')[1]);
  expect(titles).toEqual(['1.', '2.', '2a.', '2b.', '3.', '4.', '5.', '6.', '7.', '7a.', '8.', '8a.', '9.', '10.', '11.', '12.', '12a.', '12b.']);
  // Every table has a header, a rule and at least one row.
  for (const section of result.stdout.split('\n### ').slice(1)) {
    expect(section.split('\n').filter((line) => line.startsWith('|')).length).toBeGreaterThanOrEqual(3);
  }
}, 300_000);
