import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { Configuration } from '../config/configuration';
import { Session, SessionDocument } from './schemas/session.schema';
import { createOpaqueToken, hashToken } from './token-hash';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long a refresh token stays usable after it was rotated. Tabs of one
 * browser share the cookie and refresh at the same moment on page load; the
 * slower ones present the token the first one just rotated.
 */
export const ROTATION_GRACE_MS = 30_000;

const USER_AGENT_MAX_LENGTH = 256;

export interface IssuedSession {
  session: SessionDocument;
  /** The new refresh token; absent when a concurrent refresh already set the cookie. */
  refreshToken?: string;
}

/** Creates, rotates and revokes refresh-token sessions, one per device or login. */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  private readonly ttlMs: number;

  constructor(
    @InjectModel(Session.name) private readonly sessions: Model<Session>,
    private readonly lock: KeyedLock,
    config: ConfigService<Configuration, true>,
  ) {
    this.ttlMs = config.get('auth', { infer: true }).refreshTokenTtlDays * DAY_MS;
  }

  async create(userId: Types.ObjectId, userAgent = ''): Promise<Required<IssuedSession>> {
    const refreshToken = createOpaqueToken();
    const now = new Date();
    const session = await this.sessions.create({
      userId,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(now.getTime() + this.ttlMs),
      lastUsedAt: now,
      userAgent: userAgent.slice(0, USER_AGENT_MAX_LENGTH),
    });
    return { session, refreshToken };
  }

  /**
   * Exchanges a refresh token for a new one. A token rotated less than
   * {@link ROTATION_GRACE_MS} ago still returns its session, without a new
   * token; an older rotated token is treated as stolen and revokes the session.
   */
  async rotate(refreshToken: string | undefined, userAgent = ''): Promise<IssuedSession> {
    if (!refreshToken) throw invalidRefreshToken('Refresh token cookie is missing');
    const presentedHash = hashToken(refreshToken);

    return this.lock.run(`refresh:${presentedHash}`, async () => {
      const now = new Date();
      const nextToken = createOpaqueToken();
      const rotated = await this.sessions.findOneAndUpdate(
        { tokenHash: presentedHash, revokedAt: null, expiresAt: { $gt: now } },
        {
          $set: {
            tokenHash: hashToken(nextToken),
            previousTokenHash: presentedHash,
            rotatedAt: now,
            lastUsedAt: now,
            expiresAt: new Date(now.getTime() + this.ttlMs),
            userAgent: userAgent.slice(0, USER_AGENT_MAX_LENGTH),
          },
        },
        { new: true },
      );
      if (rotated) return { session: rotated, refreshToken: nextToken };

      return { session: await this.acceptRecentlyRotated(presentedHash, now) };
    });
  }

  private async acceptRecentlyRotated(presentedHash: string, now: Date): Promise<SessionDocument> {
    const session = await this.sessions.findOne({
      previousTokenHash: presentedHash,
      revokedAt: null,
      expiresAt: { $gt: now },
    });
    if (!session) throw invalidRefreshToken('Refresh token is invalid or expired');

    const rotatedAgoMs = now.getTime() - (session.rotatedAt?.getTime() ?? 0);
    if (rotatedAgoMs <= ROTATION_GRACE_MS) return session;

    await this.revoke(session._id);
    this.logger.warn(
      `Refresh token reused ${Math.round(rotatedAgoMs / 1000)} s after rotation; revoked session ${String(session._id)} of user ${String(session.userId)}`,
    );
    throw invalidRefreshToken('Refresh token was already used; sign in again');
  }

  async revoke(sessionId: Types.ObjectId | string): Promise<void> {
    await this.sessions.updateOne({ _id: sessionId, revokedAt: null }, { $set: { revokedAt: new Date() } });
  }

  /** Revokes every session of an account, which signs out all of its devices at their next refresh. */
  async revokeAllForUser(userId: Types.ObjectId): Promise<number> {
    const result = await this.sessions.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    return result.modifiedCount;
  }

  /** Revokes the session that owns a refresh token, if the token is current or just rotated. */
  async revokeByToken(refreshToken: string): Promise<void> {
    const tokenHash = hashToken(refreshToken);
    await this.sessions.updateOne(
      { $or: [{ tokenHash }, { previousTokenHash: tokenHash }], revokedAt: null },
      { $set: { revokedAt: new Date() } },
    );
  }
}

function invalidRefreshToken(message: string): ApiException {
  return new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.InvalidRefreshToken, message);
}
