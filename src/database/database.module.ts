import { Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MongooseModule, MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import { Configuration } from '../config/configuration';
import { startDevelopmentMongo, stopDevelopmentMongo } from './development-mongo';

const logger = new Logger('Database');

async function connectionOptions(config: ConfigService<Configuration, true>): Promise<MongooseModuleFactoryOptions> {
  const database = config.get('database', { infer: true });
  const uri = database.uri ?? (await startDevelopmentMongo());
  return {
    uri,
    dbName: database.dbName,
    // Fail requests after 10 s instead of queueing them while MongoDB is unreachable.
    serverSelectionTimeoutMS: 10_000,
    autoIndex: true,
    // Emits the driver's commandStarted events, which the diagnostics module counts.
    monitorCommands: config.get('diagnostics', { infer: true }).enabled,
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
