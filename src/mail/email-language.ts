import Negotiator from 'negotiator';

/** Languages that account email is written in, as BCP 47 primary language tags. */
export const EMAIL_LANGUAGES = ['en', 'es'] as const;

export type EmailLanguage = (typeof EMAIL_LANGUAGES)[number];

export const DEFAULT_EMAIL_LANGUAGE: EmailLanguage = 'en';

/**
 * Chooses the email language from an Accept-Language header value. Regional
 * tags match their primary language (`es-419` selects `es`), q-values rank
 * the choices, and a missing, malformed or unsupported header gives English.
 */
export function chooseEmailLanguage(acceptLanguage: string | undefined): EmailLanguage {
  const negotiator = new Negotiator({ headers: { 'accept-language': acceptLanguage } });
  const preferred = negotiator.language([...EMAIL_LANGUAGES]);
  return isEmailLanguage(preferred) ? preferred : DEFAULT_EMAIL_LANGUAGE;
}

function isEmailLanguage(value: string | undefined): value is EmailLanguage {
  return (EMAIL_LANGUAGES as readonly (string | undefined)[]).includes(value);
}
