import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGoPackage } from '../../projenrc/go-package';
import { PACKAGE_FILES, packageIfStale } from '../../projenrc/package-if-stale';

/**
 * Runs CDK apps as users of each language would, against the packages built from this checkout:
 * TypeScript with the compiled library as the `cdk-login-alerts` module, Python in a fresh
 * virtualenv with the jsii wheel, Java with Maven and the jsii Maven package. Used by
 * test/examples.test.ts (one file, so the package builds never race each other).
 */
export const root = join(__dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/** The stacks an app wrote to `outdir`, by stack name. */
export function templates(outdir: string): Record<string, any> {
  const result: Record<string, any> = {};
  for (const file of readdirSync(outdir).filter((f) => f.endsWith('.template.json'))) {
    result[file.replace(/\.template\.json$/, '')] = JSON.parse(readFileSync(join(outdir, file), 'utf8'));
  }
  return result;
}

function run(command: string, args: string[], cwd: string, outdir?: string): void {
  try {
    execFileSync(command, args, { cwd, env: { ...process.env, ...(outdir ? { CDK_OUTDIR: outdir } : {}) }, stdio: 'pipe' });
  } catch (e: any) {
    // The program's own output says what broke; jest would otherwise show only the exit code.
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

// ---------------------------------------------------------------------------------------- README

export interface CodeBlock {
  readonly language: string;
  /** The `##`/`###` heading the block sits under. */
  readonly section: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
}

/** The fenced code blocks of a Markdown file. */
export function codeBlocks(markdownFile: string): CodeBlock[] {
  const lines = readFileSync(markdownFile, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{2,3} (.+)$/.exec(lines[i]);
    if (heading) section = heading[1];
    const fence = /^```(\S*)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ language: fence[1], section, line: start + 1, code: body.join('\n') + '\n' });
  }
  return blocks;
}

// ---------------------------------------------------------------------------------- TypeScript

/**
 * A directory where `import ... from 'cdk-login-alerts'` resolves to the library compiled from this
 * checkout (lib/, through package.json's main and types), next to the checkout's aws-cdk-lib.
 */
export function typeScriptProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'readme-ts-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'cdk-login-alerts'), 'dir');
  for (const dependency of ['aws-cdk-lib', 'constructs']) {
    symlinkSync(join(root, 'node_modules', dependency), join(dir, 'node_modules', dependency), 'dir');
  }
  linkGeoPackages(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    // What `cdk init app --language typescript` sets that matters here: strict, Node's module resolution.
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
  }));
  return dir;
}

/**
 * README's "Where from" program installs the IP databases in the app's directory
 * (`GeoIpDatabase.fromPackage` resolves from there): this checkout's, linked into the program's.
 */
export function linkGeoPackages(dir: string): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(join(root, 'node_modules', '@ip-location-db'), join(dir, 'node_modules', '@ip-location-db'), 'dir');
}

/** Type-checks the project's .ts files as a user's `tsc` would (strict). */
export function typeCheck(projectDir: string): void {
  run(bin('tsc'), ['-p', join(projectDir, 'tsconfig.json')], projectDir);
}

/** Runs a TypeScript program with ts-node; with `nag`, cdk-nag's AWS Solutions checks run on what it synthesizes. */
export function runTypeScript(file: string, outdir: string, options: { nag?: boolean } = {}): void {
  const preload = options.nag ? ['-r', join(__dirname, 'nag-on-synth.js')] : [];
  run(bin('ts-node'), ['--transpile-only', ...preload, file], join(file, '..'), outdir);
}

// -------------------------------------------------------------------------------------- Python

let venvPython: string | undefined;

/** A fresh virtualenv with examples/python's requirements and the wheel built from this checkout. */
export function pythonWithPackage(): string {
  if (venvPython) return venvPython;
  const python = process.env.PYTHON ?? 'python3';
  const wheel = packageIfStale('python', PACKAGE_FILES.python);
  // Nothing from the machine's site-packages leaks in.
  const venv = mkdtempSync(join(tmpdir(), 'example-py-'));
  run(python, ['-m', 'venv', venv], root);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', join(root, 'examples', 'python', 'requirements.txt'), wheel], root);
  venvPython = join(venv, 'bin', 'python');
  return venvPython;
}

export function runPython(file: string, outdir: string): void {
  run(pythonWithPackage(), [file], join(file, '..'), outdir);
}

// ---------------------------------------------------------------------------------------- Java

const javaGroupPath = join('io', 'github', 'cdk-login-alerts', 'cdk-login-alerts');
let javaRepository: string | undefined;

/**
 * The Maven repository jsii-pacmak writes this checkout's Java package into (dist/java), as a
 * file:// URL for examples/java's `local-build` profile.
 */
export function javaPackageRepository(): string {
  if (javaRepository) return javaRepository;
  packageIfStale('java', PACKAGE_FILES.java);
  // Maven never re-reads a release version it has cached: drop the copy of an earlier build.
  rmSync(join(homedir(), '.m2', 'repository', javaGroupPath), { recursive: true, force: true });
  javaRepository = `file://${join(root, 'dist', 'java')}`;
  return javaRepository;
}

/** The version of the package in dist/java (package.json's: 0.0.0 in a checkout). */
export function builtJavaVersion(): string {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

/**
 * Copies examples/java's Maven project to a temporary directory, optionally with `sources`
 * (path under src/main/java → content) replacing its own, and runs `mainClass` with Maven.
 */
export function runJava(outdir: string, mainClass: string, sources?: Record<string, string>): void {
  const project = mkdtempSync(join(tmpdir(), 'example-java-'));
  cpSync(join(root, 'examples', 'java', 'pom.xml'), join(project, 'pom.xml'));
  if (sources) {
    for (const [path, content] of Object.entries(sources)) {
      mkdirSync(join(project, 'src', 'main', 'java', path, '..'), { recursive: true });
      writeFileSync(join(project, 'src', 'main', 'java', path), content);
    }
  } else {
    cpSync(join(root, 'examples', 'java', 'src'), join(project, 'src'), { recursive: true });
  }
  run('mvn', [
    '-q', '-B', '-Plocal-build',
    `-Dcdk-login-alerts.repository=${javaPackageRepository()}`,
    `-Dcdk-login-alerts.version=${builtJavaVersion()}`,
    `-Dexec.mainClass=${mainClass}`,
    'compile', 'exec:java',
  ], project, outdir);
}

// ------------------------------------------------------------------------------------------ Go

/**
 * Copies examples/go to a temporary directory, its module pointed at the Go package built from this
 * checkout (projenrc/go-package.ts, built now unless fresh), and runs it with `go run`.
 */
export function runGo(outdir: string): void {
  const goPackage = buildGoPackage();
  const project = mkdtempSync(join(tmpdir(), 'example-go-'));
  cpSync(join(root, 'examples', 'go'), project, { recursive: true });
  run('go', ['mod', 'edit', `-replace=github.com/cdk-login-alerts/cdk-login-alerts-go/cdkloginalerts=${goPackage}`], project);
  run('go', ['run', '.'], project, outdir);
}
