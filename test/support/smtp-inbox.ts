import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients, as the SMTP client sent them in RCPT TO. */
  recipients: string[];
  subject: string;
  /** Value of the Content-Language header, or '' when absent. */
  language: string;
  text: string;
  html: string;
}

/**
 * An SMTP server on 127.0.0.1 that keeps every message it receives, so e2e
 * tests can read what the app sent. It offers neither STARTTLS nor AUTH,
 * which makes nodemailer send in plain text without credentials.
 */
export class SmtpInbox {
  readonly messages: ReceivedMail[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly server: SMTPServer) {}

  static async start(): Promise<SmtpInbox> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            inbox.receive({
              recipients: session.envelope.rcptTo.map((recipient) => recipient.address),
              subject: parsed.subject ?? '',
              language: String(parsed.headers.get('content-language') ?? ''),
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    const inbox = new SmtpInbox(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return inbox;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  /** Settings for createTestApp that make the app send its email here. */
  get appSettings(): Record<string, string> {
    return { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(this.port) };
  }

  /** Waits for the first message to `recipient` that has arrived or will arrive after `after` messages. */
  async waitForMessageTo(recipient: string, after = 0): Promise<ReceivedMail> {
    const find = () => this.messages.slice(after).find((message) => message.recipients.includes(recipient));
    for (;;) {
      const message = find();
      if (message) return message;
      await new Promise<void>((resolve) => this.listeners.add(resolve));
    }
  }

  messagesTo(recipient: string): ReceivedMail[] {
    return this.messages.filter((message) => message.recipients.includes(recipient));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(message: ReceivedMail): void {
    this.messages.push(message);
    for (const listener of this.listeners) listener();
    this.listeners.clear();
  }
}

/** Finds the password-reset link in a message's plain-text body. */
export function resetLinkIn(message: Pick<ReceivedMail, 'text'>): URL {
  const match = /https?:\/\/\S*\/reset-account\?\S+/.exec(message.text);
  if (!match) throw new Error(`No reset link in the email text:\n${message.text}`);
  return new URL(match[0]);
}
