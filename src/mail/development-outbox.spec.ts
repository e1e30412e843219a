import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevelopmentOutbox, formatOutboxMessage, OUTBOX_LABEL, OutboxMessage } from './development-outbox';

const message: OutboxMessage = {
  messageId: '<1@localhost>',
  date: new Date('2025-03-04T05:06:07.089Z'),
  from: 'Tools Sync <no-reply@localhost>',
  to: 'ana@example.com',
  subject: 'Restablece tu contraseña de Tools Sync',
  language: 'es',
  text: 'Abre este enlace:\nhttps://example.com/reset-account?token=abc&email=ana%40example.com',
  html: '<p><a href="https://example.com/reset-account?token=abc&amp;email=ana%40example.com">enlace</a></p>',
};

describe('formatOutboxMessage', () => {
  const formatted = formatOutboxMessage(message);

  it('starts with the outbox label', () => {
    expect(formatted.startsWith(`${OUTBOX_LABEL}\n`)).toBe(true);
  });

  it('lists the headers', () => {
    expect(formatted).toContain('\nMessage-ID: <1@localhost>\n');
    expect(formatted).toContain('\nDate: Tue, 04 Mar 2025 05:06:07 GMT\n');
    expect(formatted).toContain('\nFrom: Tools Sync <no-reply@localhost>\n');
    expect(formatted).toContain('\nTo: ana@example.com\n');
    expect(formatted).toContain('\nSubject: Restablece tu contraseña de Tools Sync\n');
    expect(formatted).toContain('\nContent-Language: es\n');
  });

  it('keeps both bodies unencoded', () => {
    expect(formatted).toContain(`----- text/plain -----\n${message.text}\n`);
    expect(formatted).toContain(`----- text/html -----\n${message.html}\n`);
  });
});

describe('DevelopmentOutbox', () => {
  let directory: string;

  beforeEach(async () => {
    directory = join(await mkdtemp(join(tmpdir(), 'outbox-spec-')), 'nested', 'outbox');
  });

  afterEach(async () => {
    await rm(join(directory, '..', '..'), { recursive: true, force: true });
  });

  it('creates the folder and writes one file per message', async () => {
    const outbox = new DevelopmentOutbox(directory);

    const first = await outbox.write(message);
    const second = await outbox.write(message);

    expect(first).not.toBe(second);
    expect((await readdir(directory)).sort()).toEqual([first, second].map((file) => file.slice(directory.length + 1)).sort());
    expect(await readFile(first, 'utf8')).toBe(formatOutboxMessage(message));
  });

  it('names files by sending time', async () => {
    const file = await new DevelopmentOutbox(directory).write(message);
    expect(file).toMatch(/[/\\]2025-03-04T05-06-07-089Z-[0-9a-f]{8}\.txt$/);
  });

  it('makes files readable by the owner only', async () => {
    const file = await new DevelopmentOutbox(directory).write(message);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
