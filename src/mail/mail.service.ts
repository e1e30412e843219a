import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MailerService } from '@nestjs-modules/mailer';
import { Configuration } from '../config/configuration';

/** One email with the same content as plain text and as HTML. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** BCP 47 tag of the content, sent as the Content-Language header. */
  language: string;
}

export interface MailResult {
  /** False when SMTP_HOST is unset: the message was rendered but sent nowhere. */
  delivered: boolean;
}

/** Sends account email through the SMTP server configured by the SMTP_* variables. */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);
  private readonly hasSmtpServer: boolean;

  constructor(
    private readonly mailer: MailerService,
    config: ConfigService<Configuration, true>,
  ) {
    this.hasSmtpServer = config.get('mail', { infer: true }).smtp !== undefined;
  }

  /** Sends one message; rejects with nodemailer's error when the SMTP server refuses it or cannot be reached. */
  async send(mail: OutgoingMail): Promise<MailResult> {
    const { language, ...content } = mail;
    await this.mailer.sendMail({ ...content, headers: { 'Content-Language': language } });
    if (!this.hasSmtpServer) {
      this.logger.warn(`SMTP_HOST is unset, so the email "${mail.subject}" was not delivered`);
    }
    return { delivered: this.hasSmtpServer };
  }
}
