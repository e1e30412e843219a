import { BeforeApplicationShutdown, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectConnection, MongooseModule, MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { Configuration } from '../config/configuration';
import { startDevelopmentMongo, stopDevelopmentMongo } from './development-mongo';

const logger = new Logger('Database');

/**
 * How long a query waits for a reachable MongoDB server. MongoDB documents
 * about 12 s as the usual upper bound of a replica-set election, so a query
 * during an election can get a 503, which clients retry.
 */
const SERVER_SELECTION_TIMEOUT_MS = 5_000;

function warnDisconnected(): void {
  logger.warn('MongoDB connection lost; the driver keeps retrying');
}

async function connectionOptions(config: ConfigService<Configuration, true>): Promise<MongooseModuleFactoryOptions> {
  const database = config.get('database', { infer: true });
  const uri = database.uri ?? (await startDevelopmentMongo());
  return {
    uri,
    dbName: database.dbName,
    // While MongoDB is unreachable, a query fails after this wait with a 503 instead of hanging.
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    // Without buffering a query goes straight to the driver, so the wait above is the only one.
    // With it, Mongoose would first queue queries for up to 10 s while disconnected.
    bufferCommands: false,
    autoIndex: database.autoIndex,
    // Emits the driver's commandStarted events, which the diagnostics module counts.
    monitorCommands: config.get('diagnostics', { infer: true }).enabled,
    connectionFactory: (connection) => {
      connection.on('disconnected', warnDisconnected);
      connection.on('reconnected', () => logger.log('MongoDB connection restored'));
      return connection;
    },
  };
}

/** Connects Mongoose to MONGODB_URI, or to an in-memory MongoDB outside production when it is unset. */
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [ConfigService],
      useFactory: connectionOptions,
    }),
  ],
})
export class DatabaseModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** Runs before the connection closes, so that closing it on purpose logs no warning. */
  beforeApplicationShutdown(): void {
    this.connection.off('disconnected', warnDisconnected);
  }

  async onApplicationShutdown(): Promise<void> {
    await stopDevelopmentMongo();
  }
}
