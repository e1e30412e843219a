import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MailerModule, MailerOptions } from '@nestjs-modules/mailer';
import { Configuration, MailConfig } from '../config/configuration';
import { MailService } from './mail.service';

/**
 * Builds the nodemailer transport. Without SMTP_HOST (allowed outside
 * production) messages go to nodemailer's JSON transport, which renders them
 * and sends nothing, and MailService writes them to the development outbox.
 */
export function buildMailerOptions(mail: MailConfig): MailerOptions {
  const defaults = {
    from: mail.from,
    // Messages are built from code, never from attachments or remote URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  if (!mail.smtp) return { transport: { jsonTransport: true }, defaults };

  const { host, port, secure, user, password } = mail.smtp;
  return {
    transport: {
      host,
      port,
      secure,
      auth: user ? { user, pass: password } : undefined,
      // nodemailer waits up to 2 minutes to connect and 10 minutes on a silent socket by default.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    },
    defaults,
  };
}

/** Sends account email; password reset is its only user so far. */
@Module({
  imports: [
    MailerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Configuration, true>) => buildMailerOptions(config.get('mail', { infer: true })),
    }),
  ],
  providers: [MailService],
  exports: [MailService],
})
export class MailModule {}
