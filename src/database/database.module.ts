import { Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MongooseModule, MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import { Configuration } from '../config/configuration';
import { startDevelopmentMongo, stopDevelopmentMongo } from './development-mongo';

const logger = new Logger('Database');

/**
 * How long a query waits for a reachable MongoDB server. MongoDB documents
 * about 12 s as the usual upper bound of a replica-set election, so a query
 * during an election can get a 503, which clients retry.
 */
const SERVER_SELECTION_TIMEOUT_MS = 5_000;

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
    connectionFactory: (connection) => {
      connection.on('disconnected', () => logger.warn('MongoDB connection lost; the driver keeps retrying'));
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
export class DatabaseModule implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopDevelopmentMongo();
  }
}
