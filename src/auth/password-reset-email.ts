/** Subject and bodies of the password-reset email. */
export interface PasswordResetEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Builds the link to the web client's reset page:
 * `FRONTEND_URL/reset-account?token=…&email=…`, both values URL-encoded.
 */
export function buildResetLink(frontendUrl: string, email: string, token: string): string {
  return `${frontendUrl}/reset-account?token=${encodeURIComponent(token)}&email=${encodeURIComponent(email)}`;
}

/**
 * Writes the email. It warns that a reset erases the vault, because the
 * server stores only ciphertext and cannot re-encrypt it for a new password.
 */
export function buildPasswordResetEmail(link: string, ttlMinutes: number): PasswordResetEmail {
  const validity = formatMinutes(ttlMinutes);
  const lines = [
    'Someone asked to reset the password of your Tools Sync account.',
    '',
    `Open this link within ${validity} to choose a new password:`,
    link,
    '',
    'Resetting erases every document stored in your account, because they are encrypted with your old password and the server cannot read them. Other devices are signed out.',
    '',
    'If you did not ask for this, ignore this email: your password and documents stay as they are.',
  ];
  const html = [
    '<p>Someone asked to reset the password of your Tools Sync account.</p>',
    `<p>Open this link within ${validity} to choose a new password:<br><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
    '<p>Resetting erases every document stored in your account, because they are encrypted with your old password and the server cannot read them. Other devices are signed out.</p>',
    '<p>If you did not ask for this, ignore this email: your password and documents stay as they are.</p>',
  ].join('\n');

  return { subject: 'Reset your Tools Sync password', text: lines.join('\n'), html };
}

function formatMinutes(minutes: number): string {
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return hours === 1 ? '1 hour' : `${hours} hours`;
  }
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}
