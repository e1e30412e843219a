import { registerAccount, TestAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

describe('Concurrent writes (e2e)', () => {
  let testApp: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    testApp = await createTestApp();
    account = await registerAccount(testApp.http);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const auth = () => ({ Authorization: `Bearer ${account.token}` });

  it('keeps the newest of concurrent PUTs of one item', async () => {
    for (let round = 0; round < 10; round += 1) {
      const itemId = `race-${round}`;
      // Timestamps sent in shuffled order so the newest is neither first nor last.
      const times = [3, 1, 5, 2, 4].map((offset) => 1_000 * round + offset);
      const responses = await Promise.all(
        times.map((updatedAt) => testApp.http.put(`/vault/kanban-boards/${itemId}`).set(auth()).send(itemBody(updatedAt, `v${updatedAt}`))),
      );

      for (const response of responses) expect([200, 409]).toContain(response.status);
      const stored = await testApp.http.get(`/vault/kanban-boards/${itemId}`).set(auth()).expect(200);
      expect(stored.body.updatedAt).toBe(1_000 * round + 5);
      expect(stored.body.itemName).toBe(`v${1_000 * round + 5}`);
      const newest = responses[times.indexOf(1_000 * round + 5)];
      expect(newest.status).toBe(200);
    }
  });

  it('keeps the newest across concurrent batch pushes and PUTs', async () => {
    const items = (updatedAt: number) =>
      Array.from({ length: 20 }, (_, index) => ({ storeName: 'svg-projects', itemId: `mixed-${index}`, ...itemBody(updatedAt, `t${updatedAt}`) }));

    await Promise.all([
      testApp.http.post('/vault/batch-push').set(auth()).send({ items: items(100) }).expect(200),
      testApp.http.post('/vault/batch-push').set(auth()).send({ items: items(300) }).expect(200),
      ...Array.from({ length: 20 }, (_, index) =>
        testApp.http.put(`/vault/svg-projects/mixed-${index}`).set(auth()).send(itemBody(200, 't200')),
      ),
    ]);

    const list = await testApp.http.get('/vault/svg-projects').set(auth()).expect(200);
    const mixed = list.body.filter((item: { itemId: string }) => item.itemId.startsWith('mixed-'));
    expect(mixed).toHaveLength(20);
    for (const item of mixed) expect(item).toMatchObject({ updatedAt: 300, itemName: 't300' });
  });

  it('keeps one account for concurrent registrations of one email', async () => {
    const email = `race-${Date.now()}@example.com`;
    const responses = await Promise.all(
      [1, 2, 3, 4].map(() => testApp.http.post('/auth/register').send({ email, password: 'derived-key-race' })),
    );

    expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await testApp.connection.collection('users').countDocuments({ email })).toBe(1);
  });
});
