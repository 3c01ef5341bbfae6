import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestInput } from './package-if-stale';

/**
 * The Go package: jsii-pacmak writes the code (`--code-only`: its own build would resolve
 * aws-cdk-go v2.257.0, whose dependency graph the Go module proxy refuses in part), then the module
 * requires aws-cdk-go v2.276.0 (the oldest release that resolves here), and `go mod tidy` and
 * `go build` check it. The npm peer range stays `^2.257.0`: only Go users need the newer CDK
 * (README, "Install"). Skipped when dist/go is newer than the library and every bundle.
 */

export const AWS_CDK_GO_VERSION = 'v2.276.0';
const root = join(__dirname, '..');
export const GO_PACKAGE_DIR = join(root, 'dist', 'go', 'cdkloginalerts');

export function buildGoPackage(): string {
  const built = join(GO_PACKAGE_DIR, 'go.sum');
  if (existsSync(built) && statSync(built).mtimeMs > newestInput()) return GO_PACKAGE_DIR;
  execFileSync(join(root, 'node_modules', '.bin', 'jsii-pacmak'), ['-v', '--target', 'go', '--code-only'], { cwd: root, stdio: 'pipe' });
  const go = (...args: string[]) => execFileSync('go', args, { cwd: GO_PACKAGE_DIR, stdio: 'pipe', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  // The indirect requirements pacmak wrote are aws-cdk-go v2.257.0's: tidy finds v2.276.0's.
  go('mod', 'edit', `-require=github.com/aws/aws-cdk-go/awscdk/v2@${AWS_CDK_GO_VERSION}`,
    '-droprequire=github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v53',
    '-droprequire=github.com/cdklabs/awscdk-asset-awscli-go/awscliv1/v2',
    '-droprequire=github.com/cdklabs/awscdk-asset-node-proxy-agent-go/nodeproxyagentv6/v2');
  go('mod', 'tidy');
  go('build', './...');
  return GO_PACKAGE_DIR;
}

if (require.main === module) {
  process.stdout.write(`package:go: ${buildGoPackage().slice(root.length + 1)}\n`);
}
