import { BeforeApplicationShutdown, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { describeError } from '../common/logging/describe-error';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { Configuration } from '../config/configuration';
import { EmailLanguage } from '../mail/email-language';
import { MailResult, MailService } from '../mail/mail.service';
import { VaultService } from '../vault/vault.service';
import { AuthService, SignInResult } from './auth.service';
import { ResetAccountDto } from './dto/auth.dto';
import { PasswordHasher } from './password-hasher.service';
import { buildPasswordResetEmail, buildResetLink } from './password-reset-email';
import { PasswordReset, PasswordResetDocument } from './schemas/password-reset.schema';
import { User, UserDocument } from './schemas/user.schema';
import { SessionsService } from './sessions.service';
import { createOpaqueToken, hashToken } from './token-hash';

const MINUTE_MS = 60_000;

interface ValidReset {
  reset: PasswordResetDocument;
  user: UserDocument;
}

/**
 * Password reset by email: issues single-use links, checks them, and resets
 * the account. A reset erases the vault, since its items are encrypted with
 * a key derived from the old password, which the server never receives.
 */
@Injectable()
export class PasswordResetService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PasswordResetService.name);
  private readonly ttlMinutes: number;
  private readonly frontendUrl: string;
  private readonly requestsInProgress = new Set<Promise<void>>();

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @InjectModel(PasswordReset.name) private readonly resets: Model<PasswordReset>,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordHasher,
    private readonly vault: VaultService,
    private readonly mail: MailService,
    private readonly lock: KeyedLock,
    config: ConfigService<Configuration, true>,
  ) {
    this.ttlMinutes = config.get('auth', { infer: true }).passwordResetTtlMinutes;
    this.frontendUrl = config.get('mail', { infer: true }).frontendUrl;
  }

  /**
   * Starts a reset for the account of `email` and returns before any lookup,
   * so neither the response nor its timing shows whether the account
   * exists. The email is written in `language`. Failures are logged,
   * because nothing awaits the result.
   */
  requestReset(email: string, language: EmailLanguage): void {
    const request = this.issueAndSend(email, language).catch((error: unknown) => {
      this.logger.error(`Password-reset request failed: ${describeError(error, [email])}`);
    });
    this.requestsInProgress.add(request);
    void request.finally(() => this.requestsInProgress.delete(request));
  }

  /** Lets requests in progress finish their database writes and email before the connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.requestsInProgress);
  }

  /** Throws INVALID_RESET_TOKEN unless `token` is the current, unexpired reset token of the account of `email`. */
  async verifyToken(email: string, token: string): Promise<void> {
    await this.findValidReset(email, token);
  }

  /**
   * Uses a reset token once: sets the new password, signs out every device,
   * erases the vault and signs the caller in. The vault salt changes only
   * when `newVaultSalt` is sent, as on a password change.
   */
  async resetAccount(dto: ResetAccountDto, userAgent?: string): Promise<SignInResult> {
    // FerretDB 1.x has no transactions, so a crash can stop a reset after any
    // step. The order keeps every such state recoverable with a new link:
    // 1. The token is used up first, so two requests with one link cannot
    //    both reset. After a crash the person requests a new link, which
    //    forgot-password always issues.
    // 2. Sessions are revoked before the vault is erased, so no device can
    //    refresh and push items encrypted with the old key into the new vault.
    // 3. The password changes last. Until then only the forgotten password
    //    works, so the person requests a new link and the reset runs again,
    //    and every step is safe to repeat. Once the new password works, the
    //    vault is already empty, so the client never loads items that the new
    //    key cannot decrypt.
    const user = await this.consumeToken(dto.email, dto.token);
    const userId = String(user._id);

    const revokedSessions = await this.sessions.revokeAllForUser(user._id);
    const deletedItems = await this.vault.deleteAllForUser(userId);

    user.passwordHash = await this.passwords.hash(dto.newPassword);
    if (dto.newVaultSalt) user.vaultSalt = dto.newVaultSalt;
    await user.save();

    this.logger.log(
      `Reset account of user ${userId}: revoked ${revokedSessions} sessions, deleted ${deletedItems} vault items and tombstones`,
    );
    return this.auth.signIn(user, userAgent);
  }

  private async issueAndSend(email: string, language: EmailLanguage): Promise<void> {
    const user = await this.users.findOne({ email });
    if (!user) {
      this.logger.log('Password reset requested for an unknown email, so no email was sent');
      return;
    }

    const userId = String(user._id);
    const token = await this.issueToken(user._id);
    const link = buildResetLink(this.frontendUrl, user.email, token);
    const message = buildPasswordResetEmail(link, this.ttlMinutes, language);

    let result: MailResult;
    try {
      result = await this.mail.send({ to: user.email, ...message });
    } catch (error) {
      // Logged here, where the token, link and address are known, so that the log line can mask them.
      this.logger.error(
        `Sending the password-reset email to user ${userId} failed: ${describeError(error, [token, link, user.email])}`,
      );
      return;
    }

    if (result.delivered) {
      this.logger.log(`Sent password-reset email to user ${userId}`);
    } else {
      this.logger.warn(
        `SMTP_HOST is unset, so the password-reset email to user ${userId} was written to the development outbox file ${result.outboxFile} instead of being sent`,
      );
    }
  }

  /** Stores a new token for the account, replacing its earlier one, and removes every expired token. */
  private async issueToken(userId: Types.ObjectId): Promise<string> {
    const token = createOpaqueToken();
    await this.lock.run(`password-reset-user:${String(userId)}`, async () => {
      const now = new Date();
      await this.resets.deleteMany({ $or: [{ userId }, { expiresAt: { $lte: now } }] });
      await this.resets.create({
        userId,
        tokenHash: hashToken(token),
        expiresAt: new Date(now.getTime() + this.ttlMinutes * MINUTE_MS),
      });
    });
    return token;
  }

  /** Deletes the token so that it works once. Of two requests racing with one token, only one gets through. */
  private consumeToken(email: string, token: string): Promise<UserDocument> {
    const tokenHash = hashToken(token);
    return this.lock.run(`password-reset-token:${tokenHash}`, async () => {
      const { reset, user } = await this.findValidReset(email, token);
      const { deletedCount } = await this.resets.deleteOne({ _id: reset._id });
      if (deletedCount === 0) throw invalidResetToken();
      return user;
    });
  }

  private async findValidReset(email: string, token: string): Promise<ValidReset> {
    const reset = await this.resets.findOne({ tokenHash: hashToken(token), expiresAt: { $gt: new Date() } });
    const user = reset ? await this.users.findById(reset.userId) : null;
    // A token sent with another account's email is rejected like an unknown one.
    if (!reset || !user || user.email !== email) throw invalidResetToken();
    return { reset, user };
  }
}

function invalidResetToken(): ApiException {
  return new ApiException(
    HttpStatus.BAD_REQUEST,
    ErrorCode.InvalidResetToken,
    'This reset link is invalid, already used or expired. Request a new one.',
  );
}
