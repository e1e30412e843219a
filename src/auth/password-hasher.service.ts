import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as bcrypt from 'bcrypt';
import { Configuration } from '../config/configuration';

/** Hashes and checks passwords with bcrypt's asynchronous API, which runs off the event loop. */
@Injectable()
export class PasswordHasher {
  private readonly rounds: number;
  private dummyHash?: Promise<string>;

  constructor(config: ConfigService<Configuration, true>) {
    this.rounds = config.get('auth', { infer: true }).bcryptRounds;
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.rounds);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /**
   * Spends the time of one real check when there is no hash to check, so a
   * login with an unknown email takes as long as one with a wrong password.
   */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash('no account has this password', this.rounds);
    await bcrypt.compare(password, await this.dummyHash);
    return false;
  }
}
