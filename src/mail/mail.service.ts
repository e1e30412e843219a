import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MailerService } from '@nestjs-modules/mailer';
import { Configuration } from '../config/configuration';
import { DevelopmentOutbox } from './development-outbox';

/** One email with the same content as plain text and as HTML. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** BCP 47 tag of the content, sent as the Content-Language header. */
  language: string;
}

/** Destination of a message: the SMTP server, or a development outbox file when SMTP_HOST is unset. */
export type MailResult = { delivered: true } | { delivered: false; outboxFile: string };

/**
 * Sends account email through the SMTP server configured by the SMTP_*
 * variables. Without SMTP_HOST, which only development and test allow, it
 * writes each message to the development outbox (MAIL_OUTBOX_DIR) instead.
 */
@Injectable()
export class MailService {
  private readonly outbox?: DevelopmentOutbox;
  private readonly from: string;

  constructor(
    private readonly mailer: MailerService,
    config: ConfigService<Configuration, true>,
  ) {
    const mail = config.get('mail', { infer: true });
    this.from = mail.from;
    if (!mail.smtp && mail.outboxDir) this.outbox = new DevelopmentOutbox(mail.outboxDir);
  }

  /**
   * Sends one message. Rejects with nodemailer's error when the SMTP server
   * refuses it or cannot be reached, or with the file system's error when
   * the outbox file cannot be written. Logs nothing, because only the caller
   * has an id that names the recipient without revealing the address.
   */
  async send(mail: OutgoingMail): Promise<MailResult> {
    const { language, ...content } = mail;
    // Without SMTP this is nodemailer's JSON transport: it checks and renders the message but sends nothing.
    const info = await this.mailer.sendMail({ ...content, headers: { 'Content-Language': language } });
    if (!this.outbox) return { delivered: true };

    const outboxFile = await this.outbox.write({
      messageId: String(info.messageId),
      date: new Date(),
      from: this.from,
      ...mail,
    });
    return { delivered: false, outboxFile };
  }
}
