import { registerAccount, TestAccount } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { encryptedPayload, itemBody } from './support/vault-fixtures';

/** One malformed request: a JSON value or a raw string as body, and its content type. */
interface BadRequest {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  /** Send no access token. */
  anonymous?: boolean;
  /** Expected status when one specific status is the correct answer. */
  status?: number;
  code?: string;
}

const MAX_ITEM_BYTES = 4096;
const PUT_PATH = '/vault/kanban-boards/corpus-item';
const validPut = () => itemBody(1_000);

const MALFORMED_JSON = [
  '{',
  '{"itemName":}',
  "{'itemName':'x'}",
  '{"itemName":"x",}',
  '[1,2',
  '"unterminated',
  '{"a":1}}',
  'NaN',
  'undefined',
  '{"updatedAt":NaN}',
  '{"updatedAt":Infinity}',
  '{"updatedAt":0x10}',
  '{"itemName":"x"\u0000}',
  '{itemName:"x"}',
];

const WRONG_TYPES: [string, Record<string, unknown>][] = [
  ['itemName number', { ...validPut(), itemName: 42 }],
  ['itemName array', { ...validPut(), itemName: ['a'] }],
  ['itemName object', { ...validPut(), itemName: { text: 'a' } }],
  ['itemName null', { ...validPut(), itemName: null }],
  ['itemName boolean', { ...validPut(), itemName: true }],
  ['payload string', { ...validPut(), encryptedPayload: 'abc=' }],
  ['payload array', { ...validPut(), encryptedPayload: ['a', 'b', 'c'] }],
  ['payload null', { ...validPut(), encryptedPayload: null }],
  ['payload number', { ...validPut(), encryptedPayload: 7 }],
  ['payload salt number', { ...validPut(), encryptedPayload: { ...encryptedPayload(), salt: 1234 } }],
  ['payload iv array', { ...validPut(), encryptedPayload: { ...encryptedPayload(), iv: ['AAAA'] } }],
  ['payload data object', { ...validPut(), encryptedPayload: { ...encryptedPayload(), data: { b: 1 } } }],
  ['updatedAt string', { ...validPut(), updatedAt: '1733300000000' }],
  ['updatedAt boolean', { ...validPut(), updatedAt: true }],
  ['updatedAt null', { ...validPut(), updatedAt: null }],
  ['updatedAt array', { ...validPut(), updatedAt: [1] }],
  ['updatedAt object', { ...validPut(), updatedAt: { ms: 1 } }],
  ['body array', [validPut()] as unknown as Record<string, unknown>],
];

const BAD_TIMESTAMPS: [string, unknown][] = [
  ['negative', -1],
  ['float', 1.5],
  ['huge', 1e300],
  ['past the Date range', 8_640_000_000_000_001],
  ['negative zero point five', -0.5],
  ['exponent float', 1.0000000000001e12],
];

const INVALID_BASE64 = ['not base64!', 'a b c d', '====', 'abc', '@@@@', 'SGVsbG8=\n', 'SGVs bG8=', 'ü==='];

const OPERATOR_BODIES: [string, string, unknown][] = [
  ['login email $ne', '/auth/login', { email: { $ne: null }, password: 'x'.repeat(16) }],
  ['login $where', '/auth/login', { email: 'a@example.com', password: 'x'.repeat(16), $where: 'sleep(1000)' }],
  ['login password $gt', '/auth/login', { email: 'a@example.com', password: { $gt: '' } }],
  ['register $set', '/auth/register', { email: 'b@example.com', password: 'x'.repeat(16), $set: { admin: true } }],
  ['batch-pull itemId $gt', '/vault/batch-pull', { items: [{ storeName: 'kanban-boards', itemId: { $gt: '' } }] }],
  ['batch-pull $or', '/vault/batch-pull', { items: [{ storeName: 'kanban-boards', itemId: 'a', $or: [{}] }] }],
  ['batch-push nested $inc', '/vault/batch-push', { items: [{ ...itemBody(1), storeName: 'kanban-boards', itemId: 'a', $inc: { x: 1 } }] }],
  ['batch-push payload $rename', '/vault/batch-push', { items: [{ ...itemBody(1), storeName: 'kanban-boards', itemId: 'a', encryptedPayload: { ...encryptedPayload(), $rename: {} } }] }],
  ['deep $ key', '/vault/batch-pull', { items: [{ storeName: 'kanban-boards', itemId: 'a', x: [[{ y: { $expr: 1 } }]] }] }],
];

const PROTOTYPE_BODIES: [string, string][] = [
  ['login __proto__', '{"email":"a@example.com","password":"xxxxxxxxxxxx","__proto__":{"admin":true}}'],
  ['login constructor', '{"email":"a@example.com","password":"xxxxxxxxxxxx","constructor":{"prototype":{"admin":true}}}'],
  ['login prototype', '{"email":"a@example.com","password":"xxxxxxxxxxxx","prototype":{}}'],
  ['nested __proto__', '{"items":[{"storeName":"kanban-boards","itemId":"a","__proto__":{"x":1}}]}'],
  ['array nested constructor', '{"items":[[{"constructor":1}]]}'],
];

function buildCorpus(): BadRequest[] {
  const corpus: BadRequest[] = [];

  for (const raw of MALFORMED_JSON) {
    corpus.push({ name: `PUT malformed JSON ${JSON.stringify(raw)}`, method: 'put', path: PUT_PATH, raw, status: 400 });
    corpus.push({ name: `login malformed JSON ${JSON.stringify(raw)}`, method: 'post', path: '/auth/login', raw, anonymous: true, status: 400 });
  }

  for (const [name, body] of WRONG_TYPES) {
    corpus.push({ name: `PUT ${name}`, method: 'put', path: PUT_PATH, body, status: 422, code: 'VALIDATION_FAILED' });
  }

  for (const [name, value] of BAD_TIMESTAMPS) {
    corpus.push({ name: `PUT updatedAt ${name}`, method: 'put', path: PUT_PATH, body: { ...validPut(), updatedAt: value }, status: 422 });
    corpus.push({ name: `DELETE deletedAt ${name}`, method: 'delete', path: PUT_PATH, body: { deletedAt: value }, status: 422 });
  }
  for (const since of ['abc', '-5', '1.5', '1e400', 'NaN', 'Infinity', '0x10']) {
    corpus.push({ name: `sync-status since=${since}`, method: 'get', path: `/vault/sync-status?since=${since}`, status: 422 });
  }

  for (const value of INVALID_BASE64) {
    for (const part of ['salt', 'iv', 'data'] as const) {
      const body = { ...validPut(), encryptedPayload: { ...encryptedPayload(), [part]: value } };
      corpus.push({ name: `PUT ${part} ${JSON.stringify(value)}`, method: 'put', path: PUT_PATH, body, status: 422 });
    }
  }

  corpus.push(
    { name: 'itemName 201 characters', method: 'put', path: PUT_PATH, body: { ...validPut(), itemName: 'n'.repeat(201) }, status: 422 },
    { name: 'itemId 201 characters in path', method: 'put', path: `/vault/kanban-boards/${'i'.repeat(201)}`, body: validPut(), status: 422 },
    { name: 'itemId 201 characters in batch-pull', method: 'post', path: '/vault/batch-pull', body: { items: [{ storeName: 'kanban-boards', itemId: 'i'.repeat(201) }] }, status: 422 },
    { name: 'itemId with encoded slash', method: 'get', path: '/vault/kanban-boards/a%2Fb', status: 422 },
    { name: 'itemId with NUL', method: 'get', path: '/vault/kanban-boards/a%00b', status: 422 },
    { name: 'itemId dot dot encoded', method: 'get', path: '/vault/kanban-boards/%2E%2E', status: 422 },
    { name: 'itemId lone surrogate', method: 'post', path: '/vault/batch-pull', raw: '{"items":[{"storeName":"kanban-boards","itemId":"a\\ud800"}]}', status: 422 },
    { name: 'email 300 characters', method: 'post', path: '/auth/register', body: { email: `${'e'.repeat(290)}@example.com`, password: 'x'.repeat(16) }, anonymous: true, status: 422 },
    { name: 'password 73 bytes', method: 'post', path: '/auth/register', body: { email: 'c@example.com', password: 'x'.repeat(73) }, anonymous: true, status: 422 },
    { name: 'password too short', method: 'post', path: '/auth/register', body: { email: 'c@example.com', password: 'short' }, anonymous: true, status: 422 },
    { name: 'vaultSalt 15 numbers', method: 'post', path: '/auth/register', body: { email: 'c@example.com', password: 'x'.repeat(16), vaultSalt: new Array(15).fill(1) }, anonymous: true, status: 422 },
    { name: 'vaultSalt number 256', method: 'post', path: '/auth/register', body: { email: 'c@example.com', password: 'x'.repeat(16), vaultSalt: new Array(16).fill(256) }, anonymous: true, status: 422 },
    { name: 'batch-pull 51 items', method: 'post', path: '/vault/batch-pull', body: { items: Array.from({ length: 51 }, (_, index) => ({ storeName: 'kanban-boards', itemId: `i${index}` })) }, status: 422 },
    { name: 'batch-push 51 items', method: 'post', path: '/vault/batch-push', body: { items: Array.from({ length: 51 }, (_, index) => ({ ...itemBody(1), storeName: 'kanban-boards', itemId: `i${index}` })) }, status: 422 },
  );

  for (const store of ['nope', 'Kanban-Boards', 'kanban-boards%20', '__proto__', 'constructor', '%24where']) {
    corpus.push({ name: `GET unknown store ${store}`, method: 'get', path: `/vault/${store}`, status: 400, code: 'UNKNOWN_STORE' });
  }
  corpus.push(
    { name: 'PUT unknown store', method: 'put', path: '/vault/passwords/x', body: validPut(), status: 400, code: 'UNKNOWN_STORE' },
    { name: 'batch-pull unknown store', method: 'post', path: '/vault/batch-pull', body: { items: [{ storeName: 'passwords', itemId: 'x' }] }, status: 400, code: 'UNKNOWN_STORE' },
  );

  for (const [name, path, body] of OPERATOR_BODIES) {
    corpus.push({ name: `operator key: ${name}`, method: 'post', path, body, anonymous: path.startsWith('/auth'), status: 400, code: 'FORBIDDEN_KEY' });
  }
  corpus.push({ name: 'operator key in PUT payload', method: 'put', path: PUT_PATH, body: { ...validPut(), encryptedPayload: { $where: '1' } }, status: 400, code: 'FORBIDDEN_KEY' });
  corpus.push({ name: 'operator key in query', method: 'get', path: '/vault/sync-status?since[$gt]=0', status: 422 });
  for (const [name, raw] of PROTOTYPE_BODIES) {
    const path = name.startsWith('login') ? '/auth/login' : '/vault/batch-pull';
    corpus.push({ name: `prototype key: ${name}`, method: 'post', path, raw, anonymous: path === '/auth/login', status: 400, code: 'FORBIDDEN_KEY' });
  }

  corpus.push(
    { name: 'register empty body', method: 'post', path: '/auth/register', body: {}, anonymous: true, status: 422 },
    { name: 'login missing password', method: 'post', path: '/auth/login', body: { email: 'a@example.com' }, anonymous: true, status: 422 },
    { name: 'login unknown field', method: 'post', path: '/auth/login', body: { email: 'a@example.com', password: 'x'.repeat(16), remember: true }, anonymous: true, status: 422 },
    { name: 'PUT empty body', method: 'put', path: PUT_PATH, body: {}, status: 422 },
    { name: 'PUT missing iv', method: 'put', path: PUT_PATH, body: { ...validPut(), encryptedPayload: { salt: 'AAAA', data: 'AAAA' } }, status: 422 },
    { name: 'PUT unknown field', method: 'put', path: PUT_PATH, body: { ...validPut(), owner: 'someone' }, status: 422 },
    { name: 'PUT unknown payload field', method: 'put', path: PUT_PATH, body: { ...validPut(), encryptedPayload: { ...encryptedPayload(), tag: 'AAAA' } }, status: 422 },
    { name: 'batch-push empty body', method: 'post', path: '/vault/batch-push', body: {}, status: 422 },
    { name: 'batch-push items not array', method: 'post', path: '/vault/batch-push', body: { items: 'all' }, status: 422 },
    { name: 'batch-pull empty items', method: 'post', path: '/vault/batch-pull', body: { items: [] }, status: 422 },
    { name: 'change-password empty body', method: 'post', path: '/auth/change-password', body: {}, status: 422 },
    { name: 'sync-status unknown query', method: 'get', path: '/vault/sync-status?admin=1', status: 422 },
  );

  corpus.push(
    { name: 'login as text/plain', method: 'post', path: '/auth/login', raw: '{"email":"a@example.com","password":"xxxxxxxxxxxx"}', contentType: 'text/plain', anonymous: true, status: 415 },
    { name: 'register as form', method: 'post', path: '/auth/register', raw: 'email=a%40example.com&password=xxxxxxxxxxxx', contentType: 'application/x-www-form-urlencoded', anonymous: true, status: 415 },
    { name: 'PUT as XML', method: 'put', path: PUT_PATH, raw: '<item/>', contentType: 'application/xml', status: 415 },
    { name: 'PUT as multipart', method: 'put', path: PUT_PATH, raw: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x', status: 415 },
    { name: 'PUT JSON in UTF-16', method: 'put', path: PUT_PATH, raw: '{}', contentType: 'application/json; charset=utf-16' },
    { name: 'PUT JSON in unknown charset', method: 'put', path: PUT_PATH, raw: '{}', contentType: 'application/json; charset=x-unknown', status: 415 },
  );

  corpus.push(
    { name: 'body over the size limit', method: 'put', path: PUT_PATH, body: { ...validPut(), itemName: 'x', encryptedPayload: { ...encryptedPayload(), data: 'A'.repeat(200_000) } }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'decoded payload over the item limit', method: 'put', path: PUT_PATH, body: itemBody(1_000, 'big', MAX_ITEM_BYTES + 1), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  );

  corpus.push(
    { name: 'vault without token', method: 'get', path: '/vault/sync-status', anonymous: true, status: 401, code: 'UNAUTHORIZED' },
    { name: 'unknown route', method: 'get', path: '/admin', anonymous: true, status: 404, code: 'ROUTE_NOT_FOUND' },
  );
  return corpus;
}

describe('Bad requests (e2e)', () => {
  let testApp: TestApp;
  let account: TestAccount;
  const corpus = buildCorpus();

  beforeAll(async () => {
    testApp = await createTestApp({ MAX_ITEM_BYTES: String(MAX_ITEM_BYTES) });
    account = await registerAccount(testApp.http);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('corpus has at least 100 requests', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
  });

  it.each(corpus.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    let call = testApp.http[entry.method](entry.path);
    if (!entry.anonymous) call = call.set('Authorization', `Bearer ${account.token}`);
    if (entry.raw !== undefined) {
      call = call.set('Content-Type', entry.contentType ?? 'application/json').send(entry.raw);
    } else if (entry.body !== undefined) {
      call = call.send(entry.body as object);
    }
    const response = await call;

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    if (entry.status !== undefined) expect(response.status).toBe(entry.status);
    expect(response.body.statusCode).toBe(response.status);
    expect(typeof response.body.error).toBe('string');
    expect(response.body.message).toBe(response.body.error);
    expect(typeof response.body.code).toBe('string');
    if (entry.code !== undefined) expect(response.body.code).toBe(entry.code);
  });

  it('server stays healthy afterwards', async () => {
    await testApp.http.get('/').expect(200);
    const auth = { Authorization: `Bearer ${account.token}` };
    await testApp.http.put('/vault/kanban-boards/after-corpus').set(auth).send(itemBody(5_000)).expect(200);
    const item = await testApp.http.get('/vault/kanban-boards/after-corpus').set(auth).expect(200);
    expect(item.body.updatedAt).toBe(5_000);
    const changes = await testApp.http.get('/vault/sync-status?since=4999').set(auth).expect(200);
    expect(changes.body.items).toHaveLength(1);
    const stored = await testApp.connection.collection('vault_items').countDocuments({});
    expect(stored).toBe(1);
    const users = await testApp.connection.collection('users').countDocuments({});
    expect(users).toBe(1);
  });
});
