import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { VaultService } from '../vault/vault.service';
import { PasswordHasher } from './password-hasher.service';
import { User } from './schemas/user.schema';
import { SessionsService } from './sessions.service';

/** Deletes accounts together with everything stored for them. */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordHasher,
    private readonly vault: VaultService,
  ) {}

  /**
   * Deletes the user, every session, vault item and tombstone after
   * checking the current password. Sessions go first, so the account's
   * tokens stop working before its data is removed.
   */
  async deleteAccount(userId: string, currentPassword: string): Promise<void> {
    const user = Types.ObjectId.isValid(userId) ? await this.users.findById(userId) : null;
    if (!user) throw new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthorized, 'Account no longer exists');

    if (!(await this.passwords.verify(currentPassword, user.passwordHash))) {
      this.logger.warn(`Rejected account deletion for user ${userId}: wrong password`);
      // 403, not 401: the client signs out on any 401 other than TOKEN_EXPIRED.
      throw new ApiException(HttpStatus.FORBIDDEN, ErrorCode.InvalidCurrentPassword, 'Current password is incorrect');
    }

    await this.sessions.deleteAllOfUser(userId);
    const deletedItems = await this.vault.deleteAllOfUser(userId);
    await this.users.deleteOne({ _id: user._id });
    this.logger.log(`Deleted user ${userId} with ${deletedItems} vault items and tombstones`);
  }
}
