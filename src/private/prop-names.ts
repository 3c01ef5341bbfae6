/**
 * How a synth error names a property: as TypeScript and Java write it and as Python does, so the
 * message reads in any of the library's languages.
 */

/** `sshLogGroups` → "sshLogGroups (ssh_log_groups in Python)", so the message reads in any language. */
export function prop(name: string): string {
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return snake === name ? name : `${name} (${snake} in Python)`;
}
