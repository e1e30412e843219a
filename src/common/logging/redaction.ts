/** Value written in place of a redacted secret. */
export const REDACTED = '[redacted]';

/** Field names whose values are secret wherever they appear in a logged object. */
const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'resetToken',
  'resetLink',
  'resetUrl',
  'secret',
];

/**
 * Field paths pino replaces in every log line. Headers carry the access
 * token and the refresh cookie. The secret fields are covered at the top
 * level and one level down, because pino's `*` matches one level only.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
];

/** Query parameters and `name=value` pairs in free text whose values are secret, such as a reset link's token. */
const SECRET_PARAMETER = /([?&;\s](?:token|reset_?token|access_?token|refresh_?token|password|secret)=)[^&;\s"']+/gi;

/** Bearer credentials and refresh cookies that appear inside free text. */
const SECRET_IN_TEXT = /(Bearer\s+|refreshToken=)[A-Za-z0-9._~+/=-]+/g;

/** Replaces secret values inside a URL or a log message with {@link REDACTED}. */
export function redactText(text: string): string {
  return text.replace(SECRET_PARAMETER, `$1${REDACTED}`).replace(SECRET_IN_TEXT, `$1${REDACTED}`);
}
