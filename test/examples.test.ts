import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  builtJavaVersion, CodeBlock, codeBlocks, javaPackageRepository, root, runGo, runJava, runPython, runTypeScript, templates, typeCheck,
  typeScriptProject, linkGeoPackages,
} from './support/language-apps';
import { AlertRules } from '../lambda/ingest/rules/rules';

/**
 * The example apps and every program in README, run as their users would run them: TypeScript
 * with ts-node, Python in a fresh virtualenv with the wheel built from this checkout, Java with
 * Maven and the Maven package built from this checkout. One program written in several languages
 * must synthesize the same template in each.
 */
const outdir = (prefix: string) => mkdtempSync(join(tmpdir(), `${prefix}-`));

/** The warnings and errors a synth recorded (cdk-nag's findings among them), in the manifest or each stack's metadata file. */
function synthFindings(out: string): string[] {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  return Object.values<any>(manifest.artifacts ?? {}).flatMap((artifact) => {
    const metadata = artifact.additionalMetadataFile ? JSON.parse(readFileSync(join(out, artifact.additionalMetadataFile), 'utf8')) : artifact.metadata ?? {};
    return Object.entries<any[]>(metadata).flatMap(([path, entries]) => entries.filter((e) => e.type === 'aws:cdk:warning' || e.type === 'aws:cdk:error').map((e) => `${path}: ${String(e.data).split('\n')[0]}`));
  });
}

/**
 * Where two templates differ, one line each; the log group grant that aws-cdk-lib 2.276 writes as the
 * ARN and ARN:* (2.257: the ARN) is one line, not three.
 */
function templateDifferences(a: any, b: any): string[] {
  const out: string[] = [];
  const walk = (x: any, y: any, path: string) => {
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    // One resource where the other has a list of it and more.
    const grant = /PolicyDocument\.Statement\.\d+\.Resource$/.test(path) && !Array.isArray(x) && Array.isArray(y)
      && y.some((r: unknown) => JSON.stringify(r) === JSON.stringify(x));
    if (grant) { out.push(`${path} (the log group's ARN, and with :* too)`); return; }
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) { out.push(`${path}: ${JSON.stringify(x)} | ${JSON.stringify(y)}`); return; }
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], path ? `${path}.${k}` : k);
  };
  walk(a, b, '');
  return out.sort();
}

/** A template without the CDK's analytics resource, which names the language it ran in. */
function comparable(template: any): any {
  const { CDKMetadata, ...resources } = template.Resources;
  return { ...template, Resources: resources };
}

function expectTheExampleStack(t: any): void {
  const resources = Object.values<any>(t.Resources);
  const ofType = (type: string) => resources.filter((r) => r.Type === type);
  // The alert topic and the pipeline alarm topic, both encrypted.
  expect(ofType('AWS::SNS::Topic')).toHaveLength(2);
  for (const topic of ofType('AWS::SNS::Topic')) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
  const functions = ofType('AWS::Lambda::Function').map((f) => f.Properties.Description);
  expect(functions.sort()).toEqual([
    'cdk-login-alerts: posts login alerts to Slack',
    'cdk-login-alerts: triggers PagerDuty incidents for login alerts',
    'cdk-login-alerts: turns SSH logins, sign-ins and every call that opens a shell or a desktop into alerts on the topic',
  ]);
  expect(ofType('AWS::Logs::SubscriptionFilter').map((f) => [f.Properties.LogGroupName, f.Properties.FilterPattern]).sort()).toEqual([
    ['/ec2/var/log/auth.log', '%sshd.*Accepted|ec2-instance-connect.*Providing%'],
    ['/ec2/var/log/secure', '%sshd.*Accepted|ec2-instance-connect.*Providing%'],
  ]);
  // Each rule's event names: the sign-in rule's, then the session rule's, each name with its own service.
  const names = (pattern: any): string[] => pattern.detail.eventName ?? pattern.detail.$or.flatMap((b: any) => b.eventName.map((n: string) => `${b.eventSource[0]} ${n}`));
  expect(ofType('AWS::Events::Rule').map((r) => names(r.Properties.EventPattern))).toEqual([
    ['ConsoleLogin', 'SwitchRole', 'PasswordRecoveryRequested', 'PasswordRecoveryCompleted', 'CredentialVerification', 'UserAuthentication'],
    [
      'ssm.amazonaws.com StartSession', 'ssm.amazonaws.com ResumeSession',
      'ec2-instance-connect.amazonaws.com SendSSHPublicKey', 'ec2-instance-connect.amazonaws.com SendSerialConsoleSSHPublicKey', 'ec2-instance-connect.amazonaws.com OpenTunnel',
      'ecs.amazonaws.com ExecuteCommand', 'cloudshell.amazonaws.com CreateSession', 'ssm-guiconnect.amazonaws.com StartConnection',
    ],
  ]);
  // Email on the alert topic; each destination on the alert topic (filtered) and the alarm topic.
  expect(ofType('AWS::SNS::Subscription').map((s) => s.Properties.Protocol).sort()).toEqual(['email', 'lambda', 'lambda', 'lambda', 'lambda']);
  const ingest = ofType('AWS::Lambda::Function').find((f) => f.Properties.Description.includes('turns SSH'));
  expect(ingest.Properties.Environment.Variables.TRUSTED_CIDRS).toBe('198.51.100.0/24,2001:db8:1234::/48');
}

describe('the example apps', () => {
  let typeScriptTemplate: any;

  test('TypeScript (examples/app.ts) synthesizes the stack, without a warning or a cdk-nag finding', () => {
    const out = outdir('example-ts');
    runTypeScript(join(root, 'examples', 'app.ts'), out, { nag: true });
    typeScriptTemplate = templates(out).LoginAlertsExample;
    expectTheExampleStack(typeScriptTemplate);
    expect(synthFindings(out)).toEqual([]);
  }, 120_000);

  test('Python (examples/python/app.py), with the wheel built from this checkout, synthesizes the same template', () => {
    const out = outdir('example-py');
    runPython(join(root, 'examples', 'python', 'app.py'), out);
    const template = templates(out).LoginAlertsExample;
    expectTheExampleStack(template);
    expect(comparable(template)).toEqual(comparable(typeScriptTemplate));
  }, 600_000);

  test('Java (examples/java), with the Maven package built from this checkout, synthesizes the same template', () => {
    const out = outdir('example-java');
    runJava(out, 'com.example.LoginAlertsExample');
    const template = templates(out).LoginAlertsExample;
    expectTheExampleStack(template);
    expect(comparable(template)).toEqual(comparable(typeScriptTemplate));
  }, 600_000);
});

describe('documentation', () => {
  const documents = ['README.md', 'docs/OPERATING.md', 'docs/RELIABILITY.md'];

  test('every JSON block parses, so what a reader copies is valid', () => {
    const json = documents.flatMap((file) => codeBlocks(join(root, file)).filter((b) => b.language === 'json').map((b) => ({ file, ...b })));
    expect(json.length).toBeGreaterThanOrEqual(5);
    for (const block of json) {
      let error = '';
      try { JSON.parse(block.code); } catch (e: any) { error = e.message; }
      expect(`${block.file}:${block.line} ${error}`).toBe(`${block.file}:${block.line} `);
    }
  });

  test('the rules file README shows is one replay --rules and the function accept', () => {
    const block = codeBlocks(join(root, 'README.md')).find((b) => b.language === 'json' && b.code.includes('"rules"'))!;
    expect(AlertRules.parse(block.code).size).toBe(3);
  });

  test("the CloudWatch agent configuration ships both auth logs with the agent's default stream name (the instance id)", () => {
    const agent = codeBlocks(join(root, 'docs', 'OPERATING.md')).find((b) => b.code.includes('collect_list'))!;
    const files = JSON.parse(agent.code).logs.logs_collected.files.collect_list;
    expect(files.map((f: any) => f.file_path).sort()).toEqual(['/var/log/auth.log', '/var/log/secure']);
    for (const file of files) expect(file.log_stream_name).toBeUndefined();
    // The log groups it writes are the ones the examples subscribe to.
    const example = readFileSync(join(root, 'examples', 'app.ts'), 'utf8');
    for (const file of files) expect(example).toContain(`'${file.log_group_name}'`);
  });
});

describe('README', () => {
  const readme = join(root, 'README.md');
  const blocks = codeBlocks(readme);
  const programs = blocks.filter((b) => ['ts', 'python', 'java'].includes(b.language));
  const where = (b: CodeBlock) => `README.md:${b.line} (${b.language}, "${b.section}")`;
  /** The stacks each TypeScript program synthesized, by README section. */
  const typeScriptBySection = new Map<string, Record<string, any>>();

  test('every TypeScript, Python and Java block is a complete program', () => {
    expect(programs.length).toBeGreaterThanOrEqual(7);
    for (const block of programs) {
      // A block that uses an `app` must create it and synthesize it; README promises copy-and-run.
      expect({ block: where(block), createsApp: /\bapp = (new App\(\)|cdk\.App\(\))|App app = new App\(\)/.test(block.code) })
        .toEqual({ block: where(block), createsApp: true });
      expect({ block: where(block), synthesizes: block.code.includes('app.synth()') }).toEqual({ block: where(block), synthesizes: true });
    }
    // Each Python or Java program has its TypeScript twin in the same section (compared below).
    const typeScriptSections = new Set(programs.filter((b) => b.language === 'ts').map((b) => b.section));
    for (const block of programs.filter((b) => b.language !== 'ts')) expect([where(block), typeScriptSections.has(block.section)]).toEqual([where(block), true]);
  });

  test('the TypeScript programs type-check (strict) against the compiled library and synthesize', () => {
    const project = typeScriptProject();
    const typeScript = programs.filter((b) => b.language === 'ts');
    typeScript.forEach((block, i) => writeFileSync(join(project, `program${i}.ts`), block.code));
    typeCheck(project);
    const findings: string[] = [];
    typeScript.forEach((block, i) => {
      const out = outdir('readme-ts-out');
      runTypeScript(join(project, `program${i}.ts`), out, { nag: true });
      const stacks = templates(out);
      // Each program builds something of this library's: a function or a rule it made.
      const ours = Object.values(stacks).flatMap((t) => Object.values<any>(t.Resources))
        .filter((r) => /^cdk-login-alerts/.test(r.Properties?.Description ?? ''));
      expect([where(block), ours.length > 0]).toEqual([where(block), true]);
      findings.push(...synthFindings(out).map((f) => `${where(block)} ${f}`));
      typeScriptBySection.set(block.section, stacks);
    });
    // What people copy and deploy synthesizes without a warning, and without a cdk-nag finding.
    expect(findings).toEqual([]);
  }, 300_000);

  test('the Python programs synthesize the same templates as their TypeScript twins', () => {
    const python = programs.filter((b) => b.language === 'python');
    expect(python.length).toBeGreaterThanOrEqual(2);
    for (const block of python) {
      const dir = outdir('readme-py');
      linkGeoPackages(dir);
      writeFileSync(join(dir, 'app.py'), block.code);
      const out = outdir('readme-py-out');
      runPython(join(dir, 'app.py'), out);
      expectSameStacks(block, templates(out));
    }
  }, 600_000);

  test('the Java programs compile with Maven and synthesize the same templates as their TypeScript twins', () => {
    const java = programs.filter((b) => b.language === 'java');
    expect(java.length).toBeGreaterThanOrEqual(1);
    for (const block of java) {
      const pkg = /^package ([\w.]+);/m.exec(block.code)?.[1];
      const cls = /public (?:final )?class (\w+)/.exec(block.code)?.[1];
      expect([where(block), Boolean(pkg && cls)]).toEqual([where(block), true]);
      const out = outdir('readme-java-out');
      runJava(out, `${pkg}.${cls}`, { [`${pkg!.replace(/\./g, '/')}/${cls}.java`]: block.code });
      expectSameStacks(block, templates(out));
    }
  }, 600_000);

  function expectSameStacks(block: CodeBlock, stacks: Record<string, any>): void {
    const twin = typeScriptBySection.get(block.section);
    expect([where(block), Object.keys(stacks).sort()]).toEqual([where(block), Object.keys(twin ?? {}).sort()]);
    for (const [name, template] of Object.entries(stacks)) expect(comparable(template)).toEqual(comparable(twin![name]));
  }

  test('Go (examples/go), with the Go package built from this checkout, synthesizes the quick start\'s template', () => {
    const twin = typeScriptBySection.get('Quick start');
    expect(twin).toBeDefined();
    const out = outdir('example-go');
    runGo(out);
    const go = templates(out);
    expect(Object.keys(go)).toEqual(Object.keys(twin!));
    // The Go module is on aws-cdk-go v2.276.0 (projenrc/go-package.ts); the TypeScript program on this
    // checkout's aws-cdk-lib. What only the CDK's version decides differs, exactly this, and nothing else:
    expect(templateDifferences(comparable(twin!.Security), comparable(go.Security))).toEqual([
      'Resources.LoginAlertsIngestFunction0971D60F.Properties.Runtime: "nodejs22.x" | "nodejs24.x"',
      'Resources.LoginAlertsIngestFunctionRoleDefaultPolicy5CA0F806.Properties.PolicyDocument.Statement.0.Resource (the log group\'s ARN, and with :* too)',
    ]);
  }, 300_000);

  test('the Maven dependency names the package this project builds, at the newest CHANGELOG version', () => {
    javaPackageRepository(); // built by the Java tests above, or now when this test runs alone
    const xml = blocks.find((b) => b.language === 'xml' && b.code.includes('<dependency>'))!;
    const tag = (text: string, name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(text)?.[1];
    const pom = readFileSync(join(root, 'examples', 'java', 'pom.xml'), 'utf8');
    const built = readFileSync(
      join(root, 'dist', 'java', 'io', 'github', 'cdk-login-alerts', 'cdk-login-alerts', builtJavaVersion(), `cdk-login-alerts-${builtJavaVersion()}.pom`), 'utf8');
    const newest = /^## \[?(\d+\.\d+\.\d+)/m.exec(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'))?.[1];
    expect(tag(xml.code, 'groupId')).toBe(tag(built, 'groupId'));
    expect(tag(xml.code, 'artifactId')).toBe(tag(built, 'artifactId'));
    expect(tag(xml.code, 'version')).toBe(newest);
    // examples/java builds against the published release by default.
    expect(tag(pom, 'cdk-login-alerts.version')).toBe(newest);
  });
});
