/** An error for a log line or a reason: its name when it says more than `Error`, then its message. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
