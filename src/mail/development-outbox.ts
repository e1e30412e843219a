import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One rendered message, as the development outbox stores it. */
export interface OutboxMessage {
  messageId: string;
  date: Date;
  from: string;
  to: string;
  subject: string;
  language: string;
  text: string;
  html: string;
}

export const OUTBOX_LABEL = 'DEVELOPMENT OUTBOX: this email was not sent, because SMTP_HOST is unset.';

/**
 * Stores email as readable text files while no SMTP server is configured,
 * so a developer can open the links it contains. Files are plain UTF-8
 * rather than MIME, whose quoted-printable encoding would break long links.
 */
export class DevelopmentOutbox {
  constructor(readonly directory: string) {}

  /** Writes one message to a new file and returns the file's path. */
  async write(message: OutboxMessage): Promise<string> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const file = join(this.directory, outboxFileName(message.date));
    // The file contains a live reset link, so only the owner may read it.
    await writeFile(file, formatOutboxMessage(message), { flag: 'wx', mode: 0o600 });
    return file;
  }
}

/** Names a file by its time, so that a directory listing is in sending order. */
function outboxFileName(date: Date): string {
  return `${date.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.txt`;
}

export function formatOutboxMessage(message: OutboxMessage): string {
  return [
    OUTBOX_LABEL,
    '',
    `Message-ID: ${message.messageId}`,
    `Date: ${message.date.toUTCString()}`,
    `From: ${message.from}`,
    `To: ${message.to}`,
    `Subject: ${message.subject}`,
    `Content-Language: ${message.language}`,
    '',
    '----- text/plain -----',
    message.text,
    '',
    '----- text/html -----',
    message.html,
    '',
  ].join('\n');
}
