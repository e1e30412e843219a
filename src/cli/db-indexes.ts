import { NestFactory } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { AppModule } from '../app.module';
import { syncAllIndexes } from '../database/index-sync';

const USAGE = `Usage: npm run db:indexes [-- --dry-run]

Creates every index the models declare and drops the indexes that no model
declares, in the database of MONGODB_URI (and MONGODB_DB_NAME). Running it
again changes nothing. --dry-run prints the changes without making them.`;

/** Syncs the indexes and prints one line per collection; exits 1 on failure. */
async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const unknown = argv.filter((argument) => argument !== '--dry-run');
  if (unknown.length > 0) throw new Error(`Unknown argument ${unknown.join(' ')}\n\n${USAGE}`);
  if (!process.env.MONGODB_URI) throw new Error('MONGODB_URI is not set: set it to the database whose indexes to sync');
  const dryRun = argv.includes('--dry-run');

  // Index builds at start-up would hide what this command creates, and metrics need no listener here.
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ MONGODB_AUTO_INDEX: 'false', METRICS_PORT: '' }), {
    logger: ['error', 'warn'],
  });
  try {
    const changes = await syncAllIndexes(app.get<Connection>(getConnectionToken()), { dryRun });
    const [create, drop] = dryRun ? ['would create', 'would drop'] : ['created', 'dropped'];
    for (const { collection, created, dropped } of changes) {
      const parts = [
        ...(created.length > 0 ? [`${create} ${created.join(', ')}`] : []),
        ...(dropped.length > 0 ? [`${drop} ${dropped.join(', ')}`] : []),
      ];
      console.log(`${collection}: ${parts.length > 0 ? parts.join('; ') : 'up to date'}`);
    }
    const createdCount = changes.reduce((sum, change) => sum + change.created.length, 0);
    const droppedCount = changes.reduce((sum, change) => sum + change.dropped.length, 0);
    console.log(
      dryRun
        ? `Dry run: would create ${createdCount} and drop ${droppedCount} indexes`
        : `Created ${createdCount} and dropped ${droppedCount} indexes`,
    );
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`db:indexes failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
