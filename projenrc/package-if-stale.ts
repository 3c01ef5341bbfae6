import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `jsii-pacmak --target <target>`, unless dist/<target> already holds a package newer than all it
 * packs: the .jsii manifest (the compiled library) and every function bundle under assets/. The
 * example tests build the Python and Java packages they run, and `package` then reuses them.
 */

const root = join(__dirname, '..');

/** When the newest thing a jsii package packs was written. */
export function newestInput(): number {
  const assets = join(root, 'assets');
  const bundles = existsSync(assets) ? readdirSync(assets).map((name) => join(assets, name, 'index.js')).filter((f) => existsSync(f)) : [];
  return Math.max(...[join(root, '.jsii'), ...bundles].map((f) => statSync(f).mtimeMs));
}

/** The package file `find` names in dist/<target>, built now unless it is there and fresh. */
export function packageIfStale(target: string, find: (dist: string) => string | undefined): string {
  const dist = join(root, 'dist', target);
  const file = () => (existsSync(dist) ? find(dist) : undefined);
  const found = file();
  if (found && existsSync(found) && statSync(found).mtimeMs > newestInput()) return found;
  execFileSync(join(root, 'node_modules', '.bin', 'jsii-pacmak'), ['-v', '--target', target], { cwd: root, stdio: 'pipe' });
  const built = file();
  if (!built || !existsSync(built)) throw new Error(`jsii-pacmak --target ${target} wrote nothing usable to ${dist}`);
  return built;
}

/** Where each target's package is: the wheel, or the Maven POM of this version. */
export const PACKAGE_FILES: Record<string, (dist: string) => string | undefined> = {
  python: (dist) => readdirSync(dist).filter((f) => f.endsWith('.whl')).map((f) => join(dist, f))[0],
  java: (dist) => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    return join(dist, 'io', 'github', 'cdk-login-alerts', 'cdk-login-alerts', version, `cdk-login-alerts-${version}.pom`);
  },
};

if (require.main === module) {
  const target = process.argv[2];
  const find = PACKAGE_FILES[target];
  if (!find) throw new Error(`package-if-stale: no package file known for target ${target}`);
  const file = packageIfStale(target, find);
  process.stdout.write(`package:${target}: ${file.slice(root.length + 1)}\n`);
}
