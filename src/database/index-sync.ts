import { Logger } from '@nestjs/common';
import { Connection, IndexDefinition, IndexOptions, Model, mongo } from 'mongoose';

const logger = new Logger('Indexes');

/** Index changes made to one collection, or with `dryRun` the changes that would be made. */
export interface IndexChanges {
  collection: string;
  created: string[];
  dropped: string[];
}

/**
 * Optional indexes that no schema declares, so that servers which reject
 * them still get every index that correctness depends on. Sync keeps them.
 */
const HOUSEKEEPING_INDEXES: { collection: string; keys: IndexDefinition; options: mongo.CreateIndexesOptions & { name: string }; purpose: string }[] = [
  {
    collection: 'sessions',
    keys: { expiresAt: 1 },
    options: { name: 'expiresAt_ttl', expireAfterSeconds: 0 },
    purpose: 'deletes expired sessions, which queries already ignore',
  },
];

/**
 * Makes every model's indexes match its schema, like Mongoose's
 * syncIndexes(): creates the missing ones and drops the ones no schema
 * declares, except the housekeeping indexes. Running it again changes
 * nothing. Then tries to create the housekeeping indexes, and logs a
 * server's refusal instead of failing.
 */
export async function syncAllIndexes(connection: Connection, options: { dryRun?: boolean } = {}): Promise<IndexChanges[]> {
  const changes: IndexChanges[] = [];
  for (const model of Object.values(connection.models)) {
    changes.push(await syncModelIndexes(model, options.dryRun ?? false));
  }
  for (const index of HOUSEKEEPING_INDEXES) {
    const created = await createHousekeepingIndex(connection, index, options.dryRun ?? false);
    if (!created) continue;
    // A dry run cannot tell whether the server accepts the index.
    const name = options.dryRun ? `${index.options.name} (optional)` : index.options.name;
    const entry = changes.find((change) => change.collection === index.collection);
    if (entry) entry.created.push(name);
    else changes.push({ collection: index.collection, created: [name], dropped: [] });
  }
  return changes;
}

async function syncModelIndexes(model: Model<unknown>, dryRun: boolean): Promise<IndexChanges> {
  if (!dryRun) await model.createCollection().catch(ignoreExistingCollection);

  const housekeeping = new Set(
    HOUSEKEEPING_INDEXES.filter((index) => index.collection === model.collection.collectionName).map((index) => index.options.name),
  );
  const diff = await model.diffIndexes({ indexOptionsToCreate: true });
  const toDrop = diff.toDrop.filter((name) => !housekeeping.has(name));
  // With indexOptionsToCreate, each entry is a [keys, options] pair.
  const toCreate = diff.toCreate as unknown as [Record<string, unknown>, IndexOptions][];

  // Named first, because createIndexes() empties the list it is given.
  const created = toCreate.map(([keys, indexOptions]) => indexOptions?.name ?? defaultIndexName(keys));
  if (!dryRun) {
    await model.cleanIndexes({ toDrop });
    await model.createIndexes({ toCreate } as Parameters<typeof model.createIndexes>[0]);
  }
  return { collection: model.collection.collectionName, created, dropped: toDrop };
}

/** Returns whether the index was created (or, in a dry run, would be). */
async function createHousekeepingIndex(
  connection: Connection,
  index: (typeof HOUSEKEEPING_INDEXES)[number],
  dryRun: boolean,
): Promise<boolean> {
  const collection = connection.db!.collection(index.collection);
  const existing = await collection.listIndexes().toArray().catch(() => []);
  if (existing.some((present) => present.name === index.options.name)) return false;
  if (dryRun) return true;

  // NOTE: tested only against FerretDB 1.24, which rejects TTL indexes; the accepting path is untested.
  try {
    await collection.createIndex(index.keys as Record<string, 1>, index.options);
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn(
      `The server rejected the optional index ${index.collection}.${index.options.name} (${reason}). ` +
        `Nothing depends on it; it only ${index.purpose}.`,
    );
    return false;
  }
}

/** Returns the name MongoDB gives an index without an explicit one, such as `userId_1_storeName_1`. */
function defaultIndexName(keys: Record<string, unknown>): string {
  return Object.entries(keys)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_');
}

/** MongoDB error 48, NamespaceExists, means the collection is already there. */
function ignoreExistingCollection(error: unknown): void {
  if ((error as { code?: unknown })?.code !== 48) throw error;
}
