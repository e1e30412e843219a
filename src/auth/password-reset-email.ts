import { DEFAULT_EMAIL_LANGUAGE, EmailLanguage } from '../mail/email-language';

/** Subject and bodies of the password-reset email, in one language. */
export interface PasswordResetEmail {
  language: EmailLanguage;
  subject: string;
  text: string;
  html: string;
}

/** Sentences of the email, each one paragraph. `validity` is the link lifetime in words. */
interface EmailWording {
  subject: string;
  requested: string;
  openLink: (validity: string) => string;
  dataLoss: string;
  notRequested: string;
  minutes: (count: number) => string;
  hours: (count: number) => string;
}

// The Spanish uses "tú" throughout and avoids words that differ between
// Spain and Latin America, because readers come from both.
const WORDING: Record<EmailLanguage, EmailWording> = {
  en: {
    subject: 'Reset your Tools Sync password',
    requested: 'Someone asked to reset the password of your Tools Sync account.',
    openLink: (validity) => `Open this link within ${validity} to choose a new password:`,
    dataLoss:
      'Resetting erases every document stored in your account, because they are encrypted with your old password and the server cannot read them. Other devices are signed out.',
    notRequested: 'If you did not ask for this, ignore this email: your password and documents stay as they are.',
    minutes: (count) => (count === 1 ? '1 minute' : `${count} minutes`),
    hours: (count) => (count === 1 ? '1 hour' : `${count} hours`),
  },
  es: {
    subject: 'Restablece tu contraseña de Tools Sync',
    requested: 'Recibimos una solicitud para restablecer la contraseña de tu cuenta de Tools Sync.',
    openLink: (validity) => `Para elegir una contraseña nueva, abre este enlace. Solo es válido durante ${validity}:`,
    dataLoss:
      'Al restablecer la contraseña se borrarán todos los documentos sincronizados con tu cuenta, porque están cifrados con tu contraseña anterior y el servidor no puede leerlos. También se cerrará la sesión en tus otros dispositivos.',
    notRequested: 'Si no solicitaste este cambio, ignora este correo: tu contraseña y tus documentos no cambiarán.',
    minutes: (count) => (count === 1 ? '1 minuto' : `${count} minutos`),
    hours: (count) => (count === 1 ? '1 hora' : `${count} horas`),
  },
};

/**
 * Builds the link to the web client's reset page:
 * `FRONTEND_URL/reset-account?token=…&email=…`, both values URL-encoded.
 */
export function buildResetLink(frontendUrl: string, email: string, token: string): string {
  return `${frontendUrl}/reset-account?token=${encodeURIComponent(token)}&email=${encodeURIComponent(email)}`;
}

/**
 * Writes the email in `language`. It warns that a reset erases the vault,
 * because the server stores only ciphertext and cannot re-encrypt it for a
 * new password.
 */
export function buildPasswordResetEmail(link: string, ttlMinutes: number, language: EmailLanguage = DEFAULT_EMAIL_LANGUAGE): PasswordResetEmail {
  const wording = WORDING[language];
  const validity = formatLifetime(ttlMinutes, wording);

  const text = [wording.requested, '', wording.openLink(validity), link, '', wording.dataLoss, '', wording.notRequested].join('\n');
  // The link carries the user's email address, so it is escaped like every other value.
  const safeLink = escapeHtml(link);
  const html = [
    `<div lang="${language}">`,
    `<p>${escapeHtml(wording.requested)}</p>`,
    `<p>${escapeHtml(wording.openLink(validity))}<br><a href="${safeLink}">${safeLink}</a></p>`,
    `<p>${escapeHtml(wording.dataLoss)}</p>`,
    `<p>${escapeHtml(wording.notRequested)}</p>`,
    '</div>',
  ].join('\n');

  return { language, subject: wording.subject, text, html };
}

function formatLifetime(minutes: number, wording: EmailWording): string {
  return minutes % 60 === 0 ? wording.hours(minutes / 60) : wording.minutes(minutes);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}
