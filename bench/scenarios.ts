import type { Request } from 'autocannon';
import { refreshCookieOf } from '../test/support/accounts';
import { BATCH_PUSH_MAX_ITEMS, BenchUser } from './api-client';
import { itemBody } from '../test/support/vault-fixtures';
import { BenchContext, benchItem, SEED_UPDATED_AT } from './bench-context';

/** One autocannon run: its bounds and the requests it cycles through. */
export interface LoadSpec {
  connections: number;
  /** The run stops at whichever bound comes first. */
  durationSeconds: number;
  maxRequests: number;
  /** Per-request timeout; autocannon's default is 10 s. */
  timeoutSeconds?: number;
  requests: Request[];
}

export interface ScenarioLoad {
  /** The load whose throughput and latency are reported. */
  load: LoadSpec;
  /** Load applied at the same time and not reported on its own, such as logins during vault calls. */
  backgroundLoad?: LoadSpec;
}

export interface Scenario {
  /** Short name for `--only` and for the targets. */
  id: string;
  title: string;
  /** Seeds what the scenario needs and builds its load; runs before measuring starts. */
  prepare(context: BenchContext): Promise<ScenarioLoad>;
}

type PreparedRequest = Required<Pick<Request, 'method' | 'path'>> & Pick<Request, 'headers' | 'body'>;

const bearer = (user: BenchUser) => ({ authorization: `Bearer ${user.token}` });
const jsonHeaders = (user?: BenchUser) => ({ 'content-type': 'application/json', ...(user && bearer(user)) });

/** Spreads the connections' requests over a list, in turn, across all connections. */
function cycle(requests: PreparedRequest[]): Request[] {
  let next = 0;
  return [
    {
      setupRequest: (request) => {
        const prepared = requests[next % requests.length];
        next += 1;
        return { ...request, ...prepared };
      },
    },
  ];
}

/** Builds one request per (user, item) pair, so the load spreads over every user's items. */
function perUserItem(users: BenchUser[], itemIds: string[], build: (user: BenchUser, itemId: string) => PreparedRequest) {
  return itemIds.flatMap((itemId) => users.map((user) => build(user, itemId)));
}

const itemIds = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

async function getItemRequests(context: BenchContext): Promise<PreparedRequest[]> {
  const users = await context.vaultUsers();
  const ids = itemIds('get', BATCH_PUSH_MAX_ITEMS);
  for (const user of users) await context.api.pushItems(user, ids.map((itemId) => benchItem('markdown-documents', itemId)));
  return perUserItem(users, ids, (user, itemId) => ({ method: 'GET', path: `/vault/markdown-documents/${itemId}`, headers: bearer(user) }));
}

function loginRequests(user: BenchUser): Request[] {
  return [{ method: 'POST', path: '/auth/login', headers: jsonHeaders(), body: JSON.stringify({ email: user.email, password: user.password }) }];
}

/**
 * Every scenario, in the order they run. Adding one is one entry here.
 * NOTE: keep the 100,000-item scenario last. FerretDB 1.24 on SQLite
 * filters every query by scanning the whole collection, so after that seed
 * every other vault call would scan 100,000 more documents.
 */
export const SCENARIOS: Scenario[] = [
  {
    id: 'put-item',
    title: 'PUT small item',
    prepare: async (context) => {
      const users = await context.vaultUsers();
      const requests = perUserItem(users, itemIds('put', 100), (user, itemId) => ({
        method: 'PUT',
        path: `/vault/kanban-boards/${itemId}`,
        headers: jsonHeaders(user),
        body: JSON.stringify(itemBody(SEED_UPDATED_AT, `Bench ${itemId}`)),
      }));
      return { load: { connections: 50, durationSeconds: 15, maxRequests: 20_000, requests: cycle(requests) } };
    },
  },
  {
    id: 'get-item',
    title: 'GET item',
    prepare: async (context) => ({
      load: { connections: 50, durationSeconds: 15, maxRequests: 20_000, requests: cycle(await getItemRequests(context)) },
    }),
  },
  {
    id: 'list-store-1k',
    title: 'List a store of 1,000 items',
    prepare: async (context) => {
      const user = await context.api.register('list');
      const items = itemIds('list', 1_000).map((itemId) => benchItem('devtools-snippets', itemId));
      await context.api.pushItems(user, items);
      const requests: Request[] = [{ method: 'GET', path: '/vault/devtools-snippets', headers: bearer(user) }];
      return { load: { connections: 10, durationSeconds: 15, maxRequests: 3_000, requests } };
    },
  },
  {
    id: 'batch-push-50',
    title: 'Batch push of 50 items',
    prepare: async (context) => {
      const users = await context.vaultUsers();
      const items = itemIds('batch', BATCH_PUSH_MAX_ITEMS).map((itemId) => benchItem('svg-projects', itemId));
      const requests = users.map((user): PreparedRequest => ({
        method: 'POST',
        path: '/vault/batch-push',
        headers: jsonHeaders(user),
        body: JSON.stringify({ items }),
      }));
      // Bounded mainly by count: on FerretDB one push can take seconds, and a
      // 15-second window then contains too few requests for a per-request figure.
      return { load: { connections: 2, durationSeconds: 45, maxRequests: 200, timeoutSeconds: 60, requests: cycle(requests) } };
    },
  },
  {
    id: 'login',
    title: 'Login (bcrypt cost 12)',
    prepare: async (context) => {
      const [user] = await context.vaultUsers();
      return { load: { connections: 4, durationSeconds: 15, maxRequests: 200, requests: loginRequests(user) } };
    },
  },
  {
    id: 'refresh',
    title: 'Refresh (rotating the cookie)',
    prepare: async (context) => {
      const connections = 10;
      const [user] = await context.vaultUsers();
      // One session per connection, so that every request rotates a current token
      // instead of hitting the 30-second grace path for a just-rotated one.
      const cookies = await Promise.all(Array.from({ length: connections }, () => context.api.login(user)));
      let nextSession = 0;
      const requests: Request[] = [
        {
          method: 'POST',
          path: '/auth/refresh',
          setupRequest: (request, context: { cookie?: string }) => {
            context.cookie ??= cookies[nextSession++ % cookies.length];
            return { ...request, headers: { cookie: context.cookie } };
          },
          onResponse: (_status, _body, context: { cookie?: string }, headers) => {
            context.cookie = refreshCookieOf(headers?.['set-cookie']) ?? context.cookie;
          },
        },
      ];
      return { load: { connections, durationSeconds: 15, maxRequests: 10_000, requests } };
    },
  },
  {
    id: 'get-item-during-logins',
    title: 'GET item while 20 logins run',
    prepare: async (context) => {
      const [user] = await context.vaultUsers();
      return {
        load: { connections: 10, durationSeconds: 15, maxRequests: 20_000, requests: cycle(await getItemRequests(context)) },
        backgroundLoad: { connections: 20, durationSeconds: 15, maxRequests: 1_000, timeoutSeconds: 60, requests: loginRequests(user) },
      };
    },
  },
  {
    id: 'sync-status-10k',
    title: 'sync-status over 10,000 items',
    prepare: async (context) => {
      const user = await context.userWithItems(10_000);
      const requests: Request[] = [{ method: 'GET', path: '/vault/sync-status', headers: bearer(user) }];
      return { load: { connections: 4, durationSeconds: 20, maxRequests: 1_000, timeoutSeconds: 60, requests } };
    },
  },
  {
    id: 'sync-status-100k',
    title: 'sync-status over 100,000 items',
    prepare: async (context) => {
      const user = await context.userWithItems(100_000);
      const requests: Request[] = [{ method: 'GET', path: '/vault/sync-status', headers: bearer(user) }];
      // One at a time, so that the RSS growth is that of a single response.
      return { load: { connections: 1, durationSeconds: 30, maxRequests: 10, timeoutSeconds: 120, requests } };
    },
  },
];

