import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevelopmentMongo } from './development-mongo';

describe('startDevelopmentMongo', () => {
  const saved = { ...process.env };
  let downloadDir: string;

  beforeEach(() => {
    downloadDir = mkdtempSync(join(tmpdir(), 'mongoms-'));
    // A closed loopback port makes the binary download fail at once, as it does offline.
    process.env.MONGOMS_DOWNLOAD_MIRROR = 'https://127.0.0.1:9';
    process.env.MONGOMS_DOWNLOAD_DIR = downloadDir;
    process.env.MONGOMS_SYSTEM_BINARY = '';
  });

  afterEach(() => {
    process.env = { ...saved };
    rmSync(downloadDir, { recursive: true, force: true });
  });

  it('says which variable to set when MongoDB cannot start', async () => {
    const start = startDevelopmentMongo();

    await expect(start).rejects.toThrow(/Could not start an in-memory MongoDB/);
    await expect(start).rejects.toThrow(/Set MONGODB_URI to a running MongoDB/);
  });
});
