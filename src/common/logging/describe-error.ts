const REDACTED = '[redacted]';

// Loose on purpose: masking a few non-addresses costs less than logging one address.
const EMAIL_ADDRESS = /[^\s<>"'@,;:()[\]]+@[^\s<>"'@,;:()[\]]+/g;

/**
 * Describes a caught error for one log line: its name, its `code` when it has
 * one (Node and nodemailer set it) and its message. Every value in `secrets`,
 * also in URL-encoded form, and everything shaped like an email address is
 * replaced by "[redacted]", because error messages may quote the data that
 * failed, such as nodemailer's envelope errors listing the recipients.
 */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  let description = formatError(error);

  const variants = secrets.filter((secret) => secret.length > 0).flatMap((secret) => [secret, encodeURIComponent(secret)]);
  // Longer values first, so that a link is masked whole before the token inside it.
  for (const secret of [...new Set(variants)].sort((a, b) => b.length - a.length)) {
    description = description.split(secret).join(REDACTED);
  }

  return description.replace(EMAIL_ADDRESS, REDACTED);
}

function formatError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);

  const code = (error as { code?: unknown }).code;
  const name = typeof code === 'string' || typeof code === 'number' ? `${error.name} (${code})` : error.name;
  return `${name}: ${error.message}`;
}
