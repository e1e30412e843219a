import { registerAccount, TestAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { itemBody } from './support/vault-fixtures';

describe('Vault (e2e)', () => {
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

  describe('PUT /vault/:store/:itemId', () => {
    it('keeps the newer copy when an older one arrives', async () => {
      await testApp.http.put('/vault/kanban-boards/b1').set(auth()).send(itemBody(2000)).expect(200, { success: true });
      const response = await testApp.http.put('/vault/kanban-boards/b1').set(auth()).send(itemBody(1000)).expect(409);
      expect(response.body.remoteUpdatedAt).toBe(2000);
      expect(response.body.code).toBe('CONFLICT');
    });
  });
});
