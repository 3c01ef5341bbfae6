import type { SessionType } from '../../shared/alert';
import { isObject, nonEmptyString as str } from '../../shared/values';

/**
 * What a Session Manager `StartSession` is for, from its `documentName` and `parameters` (Session
 * Manager user guide, "Session document schema" and the AWS-owned session documents). The caller
 * writes both, so they describe what the caller asked for, never who the caller is.
 */

const RDP_PORT = 3389;

/** AWS-owned session documents and what they open. */
const DOCUMENTS: Record<string, SessionType> = {
  'SSM-SessionManagerRunShell': 'shell',
  'AWS-StartSSHSession': 'ssh',
  'AWS-StartPortForwardingSession': 'port-forwarding',
  'AWS-StartPortForwardingSessionToRemoteHost': 'port-forwarding',
  'AWS-StartPortForwardingSessionToSocket': 'port-forwarding',
  'AWS-StartInteractiveCommand': 'command',
  'AWS-StartNonInteractiveCommand': 'command',
};

export interface SessionDocument {
  readonly type: SessionType;
  /** `shell` for the default session, else the document's name. */
  readonly document: string;
  readonly portNumber?: number;
  readonly remoteHost?: string;
}

export function readSessionDocument(documentName: string | undefined, parameters: unknown): SessionDocument {
  // No document: the default shell session (SSM-SessionManagerRunShell).
  if (!documentName) return { type: 'shell', document: 'shell' };
  // Own keys only: a document named `constructor` is a custom document.
  const known = Object.hasOwn(DOCUMENTS, documentName) ? DOCUMENTS[documentName] : undefined;
  const params = isObject(parameters) ? parameters : {};
  const portNumber = port(first(params.portNumber));
  const remoteHost = documentName === 'AWS-StartPortForwardingSessionToRemoteHost' ? first(params.host) : undefined;
  const type: SessionType = known === 'port-forwarding' && portNumber === RDP_PORT ? 'rdp' : known ?? 'custom';
  return {
    type,
    document: documentName,
    ...(portNumber !== undefined && { portNumber }),
    ...(remoteHost && { remoteHost }),
  };
}

/** Session document parameters are lists of strings (`{"portNumber": ["3389"]}`); a bare string is read too. */
function first(value: unknown): string | undefined {
  return Array.isArray(value) ? str(value[0]) : str(value);
}

function port(text: string | undefined): number | undefined {
  if (!text || !/^\d{1,5}$/.test(text)) return undefined;
  const value = Number(text);
  return value > 0 && value <= 65535 ? value : undefined;
}
