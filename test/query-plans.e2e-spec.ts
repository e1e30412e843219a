import { Document, IndexDescription } from 'mongodb';
import { refreshCookieOf, registerAccount, TestAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

/** One collection call made by Mongoose, as reported by its debug hook. */
interface CapturedOperation {
  collection: string;
  method: string;
  args: unknown[];
}

/**
 * How a hot-path request queries the database: the first call of `method`
 * on `collection` during the request, the filter in it, and the index
 * fields that filter must bind by equality.
 */
interface HotPathCase {
  name: string;
  request: () => Promise<unknown>;
  collection: string;
  method: string;
  filterOf?: (args: unknown[]) => Document;
  indexPrefix: string[];
}

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  Object.getPrototypeOf(value) === Object.prototype &&
  Object.keys(value).some((key) => key.startsWith('$'));

/** True when the filter matches `field` to one value: `field: value` or `field: { $eq: value }`. */
function bindsByEquality(filter: Document, field: string): boolean {
  if (!(field in filter)) return false;
  const condition = filter[field];
  if (!isOperatorObject(condition)) return true;
  return Object.keys(condition).length === 1 && '$eq' in condition;
}

/**
 * Returns, for each index, the leading fields that the filter binds by
 * equality. An index is usable for the query when that list is not empty.
 */
function boundIndexPrefixes(filter: Document, indexes: IndexDescription[]): string[][] {
  return indexes.map((index) => {
    const bound: string[] = [];
    for (const field of Object.keys(index.key)) {
      if (!bindsByEquality(filter, field)) break;
      bound.push(field);
    }
    return bound;
  });
}

/** Collects every `stage` name in a MongoDB plan tree, whatever the nesting (inputStage, inputStages, queryPlan). */
function planStages(plan: unknown): string[] {
  if (Array.isArray(plan)) return plan.flatMap(planStages);
  if (typeof plan !== 'object' || plan === null) return [];
  const node = plan as Record<string, unknown>;
  const own = typeof node.stage === 'string' ? [node.stage] : [];
  return [...own, ...Object.values(node).flatMap(planStages)];
}

describe('Hot-path query plans (e2e)', () => {
  let testApp: TestApp;
  let account: TestAccount;
  let captured: CapturedOperation[] = [];

  beforeAll(async () => {
    testApp = await createTestApp();
    account = await registerAccount(testApp.http);
    const auth = { Authorization: `Bearer ${account.token}` };
    await testApp.http.put('/vault/kanban-boards/seeded').set(auth).send(itemBody(1000)).expect(200);
    await testApp.http.put('/vault/kanban-boards/to-delete').set(auth).send(itemBody(1000)).expect(200);

    // Mongoose calls this hook with the filter after casting, exactly as it goes to the driver.
    testApp.connection.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      captured.push({ collection, method, args });
    });
  });

  afterAll(async () => {
    testApp.connection.set('debug', false);
    await testApp.close();
  });

  const auth = () => ({ Authorization: `Bearer ${account.token}` });

  const cases: HotPathCase[] = [
    {
      name: 'sync-status',
      request: () => testApp.http.get('/vault/sync-status').set(auth()).expect(200),
      collection: 'vault_items',
      method: 'find',
      indexPrefix: ['userId'],
    },
    {
      name: 'sync-status since',
      request: () => testApp.http.get('/vault/sync-status?since=500').set(auth()).expect(200),
      collection: 'vault_items',
      method: 'find',
      indexPrefix: ['userId'],
    },
    {
      name: 'list store',
      request: () => testApp.http.get('/vault/kanban-boards').set(auth()).expect(200),
      collection: 'vault_items',
      method: 'find',
      indexPrefix: ['userId', 'storeName'],
    },
    {
      name: 'get item',
      request: () => testApp.http.get('/vault/kanban-boards/seeded').set(auth()).expect(200),
      collection: 'vault_items',
      method: 'findOne',
      indexPrefix: ['userId', 'storeName', 'itemId'],
    },
    {
      name: 'put item',
      request: () => testApp.http.put('/vault/kanban-boards/seeded').set(auth()).send(itemBody(2000)).expect(200),
      collection: 'vault_items',
      // A PUT goes through the same bulk write as a batch push.
      method: 'bulkWrite',
      filterOf: (args) => (args[0] as { updateOne: { filter: Document } }[])[0].updateOne.filter,
      indexPrefix: ['userId', 'storeName', 'itemId'],
    },
    {
      name: 'delete item',
      request: () => testApp.http.delete('/vault/kanban-boards/to-delete').set(auth()).expect(200),
      collection: 'vault_items',
      method: 'updateOne',
      indexPrefix: ['userId', 'storeName', 'itemId'],
    },
    {
      name: 'batch push',
      request: () =>
        testApp.http
          .post('/vault/batch-push')
          .set(auth())
          .send({ items: [{ storeName: 'kanban-boards', itemId: 'pushed', ...itemBody(1000) }] })
          .expect(200),
      collection: 'vault_items',
      method: 'bulkWrite',
      filterOf: (args) => (args[0] as { updateOne: { filter: Document } }[])[0].updateOne.filter,
      indexPrefix: ['userId', 'storeName', 'itemId'],
    },
    {
      // The per-item keys sit in an $or under the userId equality, so only userId bounds the scan.
      name: 'batch pull',
      request: () =>
        testApp.http
          .post('/vault/batch-pull')
          .set(auth())
          .send({ items: [{ storeName: 'kanban-boards', itemId: 'seeded' }] })
          .expect(200),
      collection: 'vault_items',
      method: 'find',
      indexPrefix: ['userId'],
    },
    {
      name: 'login by email',
      request: () => testApp.http.post('/auth/login').send({ email: account.email, password: account.password }).expect(200),
      collection: 'users',
      method: 'findOne',
      indexPrefix: ['email'],
    },
    {
      name: 'refresh by token hash',
      request: async () => {
        const response = await testApp.http.post('/auth/refresh').set('Cookie', account.cookie).expect(200);
        account.cookie = refreshCookieOf(response.headers['set-cookie']) ?? account.cookie;
      },
      collection: 'sessions',
      method: 'findOneAndUpdate',
      indexPrefix: ['tokenHash'],
    },
  ];

  /*
   * What the plan check means on each server:
   * - MongoDB returns queryPlanner.winningPlan, a tree of stages. The test
   *   asserts that no stage is COLLSCAN and that an index stage is present.
   * - FerretDB 1.24 with its SQLite backend returns no winningPlan. Its
   *   queryPlanner.Plan is SQLite's own plan, which reads "SCAN <table>" for
   *   every filter on fields other than _id, and filterPushdown is false: it
   *   filters every document of the collection in Go whatever indexes exist.
   *   That output cannot show index use, so on FerretDB only the index check
   *   below applies.
   * On both servers the test checks that an index exists whose leading
   *   fields the filter binds by equality, so that MongoDB can use it.
   */
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s uses an index', async (_name, testCase) => {
    captured = [];
    await testCase.request();

    const operation = captured.find((call) => call.collection === testCase.collection && call.method === testCase.method);
    expect(operation).toBeDefined();
    const filter = testCase.filterOf ? testCase.filterOf(operation!.args) : (operation!.args[0] as Document);

    const collection = testApp.connection.db!.collection(testCase.collection);
    const indexes = await collection.indexes();
    expect(boundIndexPrefixes(filter, indexes)).toContainEqual(testCase.indexPrefix);

    const explained = await collection.find(filter).explain('queryPlanner');
    const winningPlan = (explained.queryPlanner as Document | undefined)?.winningPlan;
    if (winningPlan === undefined) {
      // FerretDB: its plan does not show whether an index would be used.
      expect(explained.queryPlanner).toBeDefined();
      return;
    }
    const stages = planStages(winningPlan);
    expect(stages).not.toContain('COLLSCAN');
    expect(stages.some((stage) => /IXSCAN|IDHACK/.test(stage))).toBe(true);
  });
});
