import { chooseEmailLanguage } from './email-language';

describe('chooseEmailLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['es', 'es'],
    ['ES', 'es'],
    ['es-ES', 'es'],
    ['es-MX,es;q=0.9,en;q=0.5', 'es'],
    ['es-419;q=0.9, en;q=0.8', 'es'],
    ['en;q=0.8, es;q=0.9', 'es'],
    ['es;q=0.5, en', 'en'],
    ['en-US,en;q=0.9,es;q=0.8', 'en'],
    ['fr', 'en'],
    ['fr-FR, fr;q=0.9', 'en'],
    ['fr, es;q=0.5', 'es'],
    ['es;q=0', 'en'],
    ['en;q=0, es', 'es'],
    ['*', 'en'],
    ['es;q=abc', 'en'],
    [';;;,,', 'en'],
    ['x'.repeat(4096), 'en'],
  ])('maps %p to %p', (header, expected) => {
    expect(chooseEmailLanguage(header)).toBe(expected);
  });
});
