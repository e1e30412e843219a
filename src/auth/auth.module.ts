import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { PassportModule } from '@nestjs/passport';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { Configuration } from '../config/configuration';
import { MailModule } from '../mail/mail.module';
import { VaultModule } from '../vault/vault.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';
import { accessTokenKey } from './access-token-key';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { PasswordHasher } from './password-hasher.service';
import { PasswordResetService } from './password-reset.service';
import { RefreshCookie } from './refresh-cookie';
import { PasswordReset, PasswordResetSchema } from './schemas/password-reset.schema';
import { Session, SessionSchema } from './schemas/session.schema';
import { User, UserSchema } from './schemas/user.schema';
import { SessionStatusCache } from './session-status-cache';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Configuration, true>) => {
        const auth = config.get('auth', { infer: true });
        const key = accessTokenKey(auth.accessTokenSecret);
        return {
          privateKey: key,
          publicKey: key,
          signOptions: { expiresIn: auth.accessTokenTtlSeconds, algorithm: 'HS256' },
        };
      },
    }),
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: Session.name, schema: SessionSchema },
      { name: PasswordReset.name, schema: PasswordResetSchema },
    ]),
    // Resetting or deleting an account erases its vault; a reset also emails a link.
    VaultModule,
    MailModule,
  ],
  controllers: [AuthController, SessionsController, AccountController],
  providers: [
    AuthService,
    AccountService,
    SessionsService,
    SessionStatusCache,
    PasswordHasher,
    PasswordResetService,
    RefreshCookie,
    JwtStrategy,
    KeyedLock,
  ],
  exports: [AuthService, SessionsService, PasswordHasher, MongooseModule],
})
export class AuthModule {}
