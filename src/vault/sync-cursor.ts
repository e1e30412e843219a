/**
 * Change-feed cursors are opaque to clients: base64url of `v1:<serverVersion>`,
 * the server version of the last change the client has seen. The prefix
 * lets the format change later without old cursors being misread.
 */
const CURSOR_PATTERN = /^v1:(0|[1-9]\d{0,15})$/;

export function encodeCursor(serverVersion: number): string {
  return Buffer.from(`v1:${serverVersion}`, 'utf8').toString('base64url');
}

/** Returns the server version inside a cursor, or undefined when the text is not a cursor this server issued. */
export function decodeCursor(cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const match = CURSOR_PATTERN.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const version = Number(match[1]);
  return Number.isSafeInteger(version) ? version : undefined;
}
