import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { syncAllIndexes } from '../src/database/index-sync';
import { createTestApp, TestApp, uniqueDatabaseName } from './support/test-app';

const projectRoot = `${__dirname}/..`;

jest.setTimeout(180_000);

async function runDbIndexes(databaseName: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/db-indexes.js', ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', MONGODB_URI: process.env.MONGODB_URI, MONGODB_DB_NAME: databaseName },
  });
  return stdout;
}

async function indexNames(connection: mongoose.Connection, collection: string): Promise<string[]> {
  const indexes = await connection.db!.collection(collection).listIndexes().toArray();
  return indexes.map((index) => String(index.name));
}

/** Every index the vault item schema declares, sorted, with MongoDB's default `_id_`. */
const VAULT_INDEXES = ['_id_', 'deletedAt_1_serverUpdatedAt_1', 'userId_1_serverVersion_1', 'userId_1_storeName_1_itemId_1'];

describe('db:indexes (e2e)', () => {
  describe('the npm script', () => {
    const databaseName = uniqueDatabaseName();
    let connection: mongoose.Connection;

    beforeAll(async () => {
      connection = await mongoose.createConnection(process.env.MONGODB_URI ?? '', { dbName: databaseName }).asPromise();
    });

    afterAll(async () => {
      await connection.dropDatabase();
      await connection.close();
    });

    it('creates indexes once, then nothing', async () => {
      const first = await runDbIndexes(databaseName);
      expect(first).toContain('users: created email_1');
      expect(first).toContain('vault_items: created userId_1_storeName_1_itemId_1');
      expect(first).toMatch(/sessions: created .*tokenHash_1/);
      const vaultIndexes = await connection.db!.collection('vault_items').listIndexes().toArray();
      const unique = vaultIndexes.find((index) => index.name === 'userId_1_storeName_1_itemId_1');
      expect(unique?.key).toEqual({ userId: 1, storeName: 1, itemId: 1 });
      expect(unique?.unique).toBe(true);

      const second = await runDbIndexes(databaseName);
      expect(second).toContain('users: up to date');
      expect(second).toContain('sessions: up to date');
      expect(second).toContain('vault_items: up to date');
      expect(second).toContain('Created 0 and dropped 0 indexes');
    });
  });

  describe('syncAllIndexes', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp({ MONGODB_AUTO_INDEX: 'false' });
    });

    afterAll(async () => {
      await testApp?.close();
    });

    it('leaves indexes to the sync when autoIndex is off', async () => {
      await testApp.connection.db!.collection('vault_items').insertOne({ probe: true });
      expect(await indexNames(testApp.connection, 'vault_items')).toEqual(['_id_']);
    });

    it('dry run changes nothing', async () => {
      const changes = await syncAllIndexes(testApp.connection, { dryRun: true });
      const vault = changes.find((change) => change.collection === 'vault_items');
      expect(vault?.created.sort()).toEqual(VAULT_INDEXES.filter((name) => name !== '_id_'));
      expect(await indexNames(testApp.connection, 'vault_items')).toEqual(['_id_']);
    });

    it('drops indexes no schema declares', async () => {
      await syncAllIndexes(testApp.connection);
      await testApp.connection.db!.collection('vault_items').createIndex({ itemName: 1 });

      const changes = await syncAllIndexes(testApp.connection);
      const vault = changes.find((change) => change.collection === 'vault_items');
      expect(vault).toEqual({ collection: 'vault_items', created: [], dropped: ['itemName_1'] });
      expect((await indexNames(testApp.connection, 'vault_items')).sort()).toEqual(VAULT_INDEXES);
    });
  });
});
