import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { VaultService } from '../vault/vault.service';
import { AuthService } from './auth.service';
import { User } from './schemas/user.schema';
import { SessionsService } from './sessions.service';

/** Deletes accounts together with everything stored for them. */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly vault: VaultService,
  ) {}

  /**
   * Deletes the user, every session, vault item and tombstone after
   * checking the current password. Sessions go first, so the account's
   * tokens stop working before its data is removed.
   */
  async deleteAccount(userId: string, currentPassword: string): Promise<void> {
    const user = await this.auth.requireCurrentPassword(userId, currentPassword, 'account deletion');

    await this.sessions.deleteAllOfUser(userId);
    const deletedItems = await this.vault.deleteAllForUser(userId);
    await this.users.deleteOne({ _id: user._id });
    this.logger.log(`Deleted user ${userId} with ${deletedItems} vault items and tombstones`);
  }
}
