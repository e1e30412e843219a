import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectModel } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import { Model, Types } from 'mongoose';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { isDuplicateKeyError } from '../database/mongo-errors';
import { AuthResponseDto, UserDto } from './dto/auth-responses.dto';
import { ChangePasswordDto, LoginDto, RegisterDto } from './dto/auth.dto';
import { AccessTokenPayload } from './jwt.strategy';
import { PasswordHasher } from './password-hasher.service';
import { User, UserDocument } from './schemas/user.schema';
import { SessionDocument } from './schemas/session.schema';
import { SessionsService } from './sessions.service';

/** A successful sign-in: the response body and, when one was issued, the refresh token for the cookie. */
export interface SignInResult {
  body: AuthResponseDto;
  refreshToken?: string;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordHasher,
    private readonly jwt: JwtService,
  ) {}

  async register(dto: RegisterDto, userAgent?: string): Promise<SignInResult> {
    const passwordHash = await this.passwords.hash(dto.password);
    const vaultSalt = dto.vaultSalt ?? [...randomBytes(16)];

    let user: UserDocument;
    try {
      user = await this.users.create({ email: dto.email, passwordHash, vaultSalt });
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new ApiException(HttpStatus.CONFLICT, ErrorCode.EmailTaken, 'An account with this email already exists');
      }
      throw error;
    }

    this.logger.log(`Registered user ${String(user._id)}`);
    return this.signIn(user, userAgent);
  }

  async login(dto: LoginDto, userAgent?: string): Promise<SignInResult> {
    const user = await this.users.findOne({ email: dto.email });
    const valid = user
      ? await this.passwords.verify(dto.password, user.passwordHash)
      : await this.passwords.verifyAgainstNothing(dto.password);

    if (!user || !valid) {
      this.logger.warn(user ? `Failed login for user ${String(user._id)}` : 'Failed login for an unknown email');
      throw new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.InvalidCredentials, 'Invalid credentials');
    }
    return this.signIn(user, userAgent);
  }

  async refresh(refreshToken: string | undefined, userAgent?: string): Promise<SignInResult> {
    const issued = await this.sessions.rotate(refreshToken, userAgent);
    const user = await this.users.findById(issued.session.userId);
    if (!user) {
      await this.sessions.revoke(issued.session._id);
      throw new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.InvalidRefreshToken, 'Account no longer exists');
    }
    return {
      body: { token: await this.signAccessToken(user, issued.session), user: toUserDto(user) },
      refreshToken: issued.refreshToken,
    };
  }

  /**
   * Changes the password, signs every other device out and gives the
   * calling session a new refresh token, since its old one may be what
   * leaked.
   */
  async changePassword(userId: string, sessionId: string, dto: ChangePasswordDto): Promise<Required<SignInResult>> {
    const user = await this.requireCurrentPassword(userId, dto.currentPassword, 'password change');

    user.passwordHash = await this.passwords.hash(dto.newPassword);
    if (dto.newVaultSalt) user.vaultSalt = dto.newVaultSalt;
    await user.save();
    await this.sessions.revokeAllExcept(userId, sessionId);
    this.logger.log(`Changed password of user ${userId}; revoked the other sessions`);

    const issued = await this.sessions.reissue(sessionId);
    if (!issued) {
      throw new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthorized, 'Session has ended; sign in again');
    }
    return {
      body: { token: await this.signAccessToken(user, issued.session), user: toUserDto(user) },
      refreshToken: issued.refreshToken,
    };
  }

  /** Ends the session of the access token, and the one of the refresh cookie if it differs. */
  async logout(sessionId: string, refreshToken?: string): Promise<void> {
    await this.sessions.revoke(sessionId);
    if (refreshToken) await this.sessions.revokeByToken(refreshToken);
  }

  async signIn(user: UserDocument, userAgent?: string): Promise<SignInResult> {
    const { session, refreshToken } = await this.sessions.create(user._id, userAgent);
    return {
      body: { token: await this.signAccessToken(user, session), user: toUserDto(user) },
      refreshToken,
    };
  }

  /** Loads the user and checks the password they sent to confirm `action`; 403 when it is wrong. */
  async requireCurrentPassword(userId: string, password: string, action: string): Promise<UserDocument> {
    const user = await this.requireUser(userId);
    if (!(await this.passwords.verify(password, user.passwordHash))) {
      this.logger.warn(`Rejected ${action} for user ${userId}: wrong current password`);
      // 403, not 401: the client signs out on any 401 other than TOKEN_EXPIRED.
      throw new ApiException(HttpStatus.FORBIDDEN, ErrorCode.InvalidCurrentPassword, 'Current password is incorrect');
    }
    return user;
  }

  private async requireUser(userId: string): Promise<UserDocument> {
    const user = Types.ObjectId.isValid(userId) ? await this.users.findById(userId) : null;
    if (!user) throw new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthorized, 'Account no longer exists');
    return user;
  }

  private signAccessToken(user: UserDocument, session: SessionDocument): Promise<string> {
    const payload: AccessTokenPayload = { sub: String(user._id), sid: String(session._id) };
    return this.jwt.signAsync(payload);
  }
}

export function toUserDto(user: UserDocument): UserDto {
  return { id: String(user._id), email: user.email, vaultSalt: [...user.vaultSalt] };
}
