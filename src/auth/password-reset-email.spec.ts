import { buildPasswordResetEmail, buildResetLink } from './password-reset-email';

describe('buildResetLink', () => {
  it('URL-encodes token and email', () => {
    const link = buildResetLink('https://tools.example.com', 'ana+sync@example.com', 'a/b=c&d');
    expect(link).toBe('https://tools.example.com/reset-account?token=a%2Fb%3Dc%26d&email=ana%2Bsync%40example.com');
  });

  it('keeps a path in the frontend URL', () => {
    const link = new URL(buildResetLink('https://example.com/app', 'ana@example.com', 'token123'));
    expect(link.pathname).toBe('/app/reset-account');
    expect(link.searchParams.get('token')).toBe('token123');
    expect(link.searchParams.get('email')).toBe('ana@example.com');
  });
});

describe('buildPasswordResetEmail', () => {
  const link = 'https://example.com/reset-account?token=abc&email=a%40b.c';

  it('puts the link in both bodies', () => {
    const email = buildPasswordResetEmail(link, 60);
    expect(email.text).toContain(link);
    expect(email.html).toContain('href="https://example.com/reset-account?token=abc&amp;email=a%40b.c"');
  });

  it('escapes markup in the HTML body', () => {
    const email = buildPasswordResetEmail('https://example.com/"><script>', 60);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it.each([
    [60, 'within 1 hour'],
    [120, 'within 2 hours'],
    [30, 'within 30 minutes'],
    [90, 'within 90 minutes'],
  ])('states a lifetime of %i minutes', (minutes, phrase) => {
    const email = buildPasswordResetEmail(link, minutes);
    expect(email.text).toContain(phrase);
    expect(email.html).toContain(phrase);
  });

  it('warns that the vault is erased', () => {
    expect(buildPasswordResetEmail(link, 60).text).toContain('erases every document');
  });
});

describe('buildPasswordResetEmail in Spanish', () => {
  const link = 'https://example.com/reset-account?token=abc&email=a%40b.c';
  const email = buildPasswordResetEmail(link, 60, 'es');

  it('writes subject and bodies in Spanish', () => {
    expect(email.language).toBe('es');
    expect(email.subject).toBe('Restablece tu contraseña de Tools Sync');
    expect(email.text).toContain('restablecer la contraseña de tu cuenta');
    expect(email.html).toContain('<div lang="es">');
    expect(email.html).toContain('restablecer la contraseña de tu cuenta');
  });

  it('puts the link in both bodies', () => {
    expect(email.text).toContain(link);
    expect(email.html).toContain('href="https://example.com/reset-account?token=abc&amp;email=a%40b.c"');
  });

  it('warns that the vault is erased', () => {
    expect(email.text).toContain('se borrarán todos los documentos sincronizados');
    expect(email.html).toContain('se borrarán todos los documentos sincronizados');
  });

  it.each([
    [60, 'durante 1 hora:'],
    [120, 'durante 2 horas:'],
    [30, 'durante 30 minutos:'],
    [90, 'durante 90 minutos:'],
  ])('states a lifetime of %i minutes', (minutes, phrase) => {
    const localised = buildPasswordResetEmail(link, minutes, 'es');
    expect(localised.text).toContain(phrase);
    expect(localised.html).toContain(phrase);
  });

  it('escapes markup in the HTML body', () => {
    const escaped = buildPasswordResetEmail('https://example.com/"><script>', 60, 'es');
    expect(escaped.html).not.toContain('<script>');
    expect(escaped.html).toContain('&quot;&gt;&lt;script&gt;');
  });
});
