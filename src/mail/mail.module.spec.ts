import { MailConfig } from '../config/configuration';
import { buildMailerOptions } from './mail.module';

const base: MailConfig = { frontendUrl: 'http://localhost:5173', from: 'Tools <no-reply@example.com>' };

describe('buildMailerOptions', () => {
  it('renders without sending when SMTP is unset', () => {
    const options = buildMailerOptions(base);
    expect(options.transport).toEqual({ jsonTransport: true });
    expect(options.defaults).toMatchObject({ from: base.from });
  });

  it('uses the SMTP server and credentials when set', () => {
    const options = buildMailerOptions({
      ...base,
      smtp: { host: 'smtp.example.com', port: 465, secure: true, user: 'mailer', password: 'secret' },
    });
    expect(options.transport).toMatchObject({
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      auth: { user: 'mailer', pass: 'secret' },
    });
  });

  it('sends no credentials without SMTP_USER', () => {
    const options = buildMailerOptions({ ...base, smtp: { host: 'smtp.example.com', port: 587, secure: false } });
    expect(options.transport).toMatchObject({ auth: undefined });
  });
});
