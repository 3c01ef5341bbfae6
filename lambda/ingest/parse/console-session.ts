import type { SessionInfo } from '../../shared/alert';
import { nonEmptyString as str } from '../../shared/values';

/**
 * The two console doors that are API calls (CloudTrail "AWS API Call" records):
 *
 * - CloudShell's `CreateSession` (CloudShell user guide, "Logging and monitoring": "occurs when a
 *   CloudShell environment is connected from the AWS Management Console"): a shell in the account,
 *   running with the console session's credentials. The request names the `EnvironmentId`.
 * - Fleet Manager Remote Desktop's `StartConnection` (`ssm-guiconnect.amazonaws.com`; Systems Manager
 *   user guide, "Logging AWS Systems Manager API calls", example 2): an RDP connection to an
 *   instance from the console. The request names `InstanceId`, `Protocol`, `AuthType` and
 *   `ConnectionType`; the response the `ConnectionArn` (its `ConnectionKey` and `ClientToken` are
 *   not read: they are not the alert's business).
 */

export function readCloudShellSession(request: Record<string, unknown>, response: Record<string, unknown>): SessionInfo {
  const environmentId = str(request.EnvironmentId) ?? str(request.environmentId);
  const sessionId = str(response.SessionId) ?? str(response.sessionId);
  return { ...(sessionId && { id: sessionId }), ...(environmentId && { environmentId }) };
}

export interface RemoteDesktop {
  readonly instanceId?: string;
  readonly session: SessionInfo;
}

export function readRemoteDesktop(request: Record<string, unknown>, response: Record<string, unknown>): RemoteDesktop {
  const instanceId = str(request.InstanceId) ?? str(request.instanceId);
  const connection = str(response.ConnectionArn);
  const protocol = str(request.Protocol);
  const authType = str(request.AuthType);
  return {
    ...(instanceId && { instanceId }),
    session: {
      ...(connection && { id: connection }),
      type: 'rdp',
      ...(protocol && { protocol }),
      ...(authType && { authType }),
      ...(instanceId && { target: instanceId }),
    },
  };
}
