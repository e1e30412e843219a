/**
 * `npm run bench`: starts the built API (dist/main.js) against MONGODB_URI
 * with a fresh database, runs each scenario in turn with autocannon, prints
 * one table of figures and the targets, then drops the database and stops
 * the server. See docs/performance.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import { ApiClient } from './api-client';
import { BenchContext } from './bench-context';
import { measureScenario, ScenarioResult } from './measure';
import { ProcessStats } from './process-stats';
import { formatResults, formatTargets } from './report';
import { SCENARIOS } from './scenarios';
import { ApiServer } from './server';
import { TARGETS } from './targets';

const REPOSITORY_ROOT = join(__dirname, '..');
const BUILT_ENTRY_POINT = join(REPOSITORY_ROOT, 'dist', 'main.js');

const USAGE = `Usage: npm run bench [-- --only=ID[,ID...]]

Needs MONGODB_URI and a build (npm run build). Scenario ids:
${SCENARIOS.map((scenario) => `  ${scenario.id.padEnd(24)} ${scenario.title}`).join('\n')}`;

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function selectScenarios(argv: string[]) {
  const only = argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length);
  if (!only) return SCENARIOS;
  const ids = only.split(',').map((id) => id.trim());
  const unknown = ids.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) fail(`Unknown scenario id: ${unknown.join(', ')}\n\n${USAGE}`);
  return SCENARIOS.filter((scenario) => ids.includes(scenario.id));
}

function newestModificationMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModificationMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function checkPrerequisites(): string {
  const mongodbUri = process.env.MONGODB_URI;
  if (!mongodbUri) {
    fail('MONGODB_URI is not set. Point it at a MongoDB or FerretDB server, for example with `source scripts/ferretdb.sh --background`.');
  }
  if (!existsSync(BUILT_ENTRY_POINT)) {
    fail(`${BUILT_ENTRY_POINT} not found. The benchmark runs the built server: run \`npm run build\` first.`);
  }
  if (newestModificationMs(join(REPOSITORY_ROOT, 'src')) > statSync(BUILT_ENTRY_POINT).mtimeMs) {
    log('warning: src/ changed after the last build, so the figures are for older code; run `npm run build` to measure it');
  }
  return mongodbUri;
}

function describeMachine(databaseName: string): string {
  const [oneMinuteLoad] = loadavg();
  return (
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ` +
    `1-minute load average ${oneMinuteLoad.toFixed(2)} at the end, database ${databaseName}`
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const scenarios = selectScenarios(argv);
  const mongodbUri = checkPrerequisites();
  const databaseName = `bench_${randomBytes(4).toString('hex')}`;
  const startedAt = Date.now();

  const client = await mongo.MongoClient.connect(mongodbUri, { serverSelectionTimeoutMS: 10_000 });
  let server: ApiServer | undefined;
  let cleanedUp = false;
  let interrupted = false;
  const cleanUp = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    await server?.stop().catch((error: unknown) => log(`stopping the server failed: ${String(error)}`));
    await client
      .db(databaseName)
      .dropDatabase()
      .catch((error: unknown) => log(`dropping database ${databaseName} failed: ${String(error)}`));
    await client.close();
  };
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted; dropping the database and stopping the server');
    void cleanUp().finally(() => process.exit(130));
  });

  const results: ScenarioResult[] = [];
  const failed: string[] = [];
  try {
    log(`starting node dist/main on loopback with database ${databaseName}`);
    server = await ApiServer.start({ repositoryRoot: REPOSITORY_ROOT, mongodbUri, databaseName });
    const context = new BenchContext(new ApiClient(server.baseUrl), client.db(databaseName));
    const stats = new ProcessStats(server.pid);

    for (const [index, scenario] of scenarios.entries()) {
      if (interrupted) break;
      log(`(${index + 1}/${scenarios.length}) ${scenario.title}`);
      try {
        const result = await measureScenario(scenario, context, stats);
        results.push(result);
        log(
          `  ${result.requests} requests, ${result.requestsPerSecond.toFixed(1)} req/s, ` +
            `${result.cpuMsPerRequest?.toFixed(2) ?? 'n/a'} ms CPU/req, ${result.errors} errors, ` +
            `responses by status ${JSON.stringify(result.statusCounts)}, ` +
            `database commands ${JSON.stringify(result.databaseCommandsByName)}`,
        );
      } catch (error) {
        failed.push(scenario.id);
        log(`  scenario ${scenario.id} failed: ${error instanceof Error ? error.message : String(error)}`);
        log(`  last server log lines:\n${server.log}`);
      }
    }
  } finally {
    await cleanUp();
  }

  const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
  process.stdout.write(`\n${formatResults(results)}\n\n${formatTargets(TARGETS, results)}\n\n`);
  process.stdout.write(`${describeMachine(databaseName)}; whole run ${minutes} min.\n`);
  process.stdout.write('CPU is utime + stime from /proc/<pid>/stat of the API process.\n');
  if (failed.length > 0) fail(`Scenarios that failed: ${failed.join(', ')}`);
}

main().catch((error: unknown) => fail(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
