import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { KeyedLock } from '../common/concurrency/keyed-lock';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { Configuration } from '../config/configuration';
import { SessionDto } from './dto/session.dto';
import { Session, SessionDocument } from './schemas/session.schema';
import { SessionStatusCache } from './session-status-cache';
import { createOpaqueToken, hashToken } from './token-hash';
import { summariseUserAgent } from './user-agent-summary';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Time a refresh token stays usable after it was rotated. Tabs of one
 * browser share the cookie and refresh at the same moment on page load, so
 * the slower ones present the token that the first one just rotated.
 */
export const ROTATION_GRACE_MS = 30_000;

const USER_AGENT_MAX_LENGTH = 256;

/**
 * Rotated token hashes kept per session for reuse detection. A stolen token
 * presented after this many further rotations is rejected without revoking
 * the session.
 */
export const MAX_RETIRED_TOKENS = 100;

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
    private readonly statusCache: SessionStatusCache,
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
   * token. A token rotated earlier is treated as stolen and revokes the
   * session, whichever of its last {@link MAX_RETIRED_TOKENS} tokens it is.
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
            lastUsedAt: now,
            expiresAt: new Date(now.getTime() + this.ttlMs),
            userAgent: userAgent.slice(0, USER_AGENT_MAX_LENGTH),
          },
          $push: {
            retiredTokens: { $each: [{ hash: presentedHash, retiredAt: now }], $slice: -MAX_RETIRED_TOKENS },
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
      'retiredTokens.hash': presentedHash,
      revokedAt: null,
      expiresAt: { $gt: now },
    });
    if (!session) throw invalidRefreshToken('Refresh token is invalid or expired');

    const retired = session.retiredTokens.find((token) => token.hash === presentedHash);
    const rotatedAgoMs = now.getTime() - (retired?.retiredAt.getTime() ?? 0);
    if (rotatedAgoMs <= ROTATION_GRACE_MS) return session;

    await this.revoke(session._id);
    this.logger.warn(
      `Refresh token reused ${Math.round(rotatedAgoMs / 1000)} s after rotation; revoked session ${String(session._id)} of user ${String(session.userId)}`,
    );
    throw invalidRefreshToken('Refresh token was already used; sign in again');
  }

  async revoke(sessionId: Types.ObjectId | string): Promise<void> {
    await this.sessions.updateOne({ _id: sessionId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    this.statusCache.forget([sessionId]);
  }

  /** Revokes every session of an account, which signs out all of its devices at their next refresh. */
  async revokeAllForUser(userId: Types.ObjectId): Promise<number> {
    const result = await this.sessions.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    this.statusCache.forgetUser(String(userId));
    return result.modifiedCount;
  }

  /** Revokes the session that owns a refresh token, if the token is current or just rotated. */
  async revokeByToken(refreshToken: string): Promise<void> {
    const tokenHash = hashToken(refreshToken);
    const session = await this.sessions.findOneAndUpdate(
      { $or: [{ tokenHash }, { 'retiredTokens.hash': tokenHash }], revokedAt: null },
      { $set: { revokedAt: new Date() } },
    );
    if (session) this.statusCache.forget([session._id]);
  }

  /** Lists the user's active sessions, most recently used first. */
  async list(userId: string, currentSessionId: string): Promise<SessionDto[]> {
    const sessions = await this.sessions
      .find({ userId: new Types.ObjectId(userId), revokedAt: null, expiresAt: { $gt: new Date() } })
      .sort({ lastUsedAt: -1 })
      .lean();
    return sessions.map((session) => ({
      id: String(session._id),
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      device: summariseUserAgent(session.userAgent),
      current: String(session._id) === currentSessionId,
    }));
  }

  /** Revokes one of the user's sessions; 404 when the id is unknown, revoked or another user's. */
  async revokeOwned(userId: string, sessionId: string): Promise<void> {
    const result = Types.ObjectId.isValid(sessionId)
      ? await this.sessions.updateOne(
          { _id: new Types.ObjectId(sessionId), userId: new Types.ObjectId(userId), revokedAt: null },
          { $set: { revokedAt: new Date() } },
        )
      : { matchedCount: 0 };
    this.statusCache.forget([sessionId]);
    if (result.matchedCount === 0) {
      throw new ApiException(HttpStatus.NOT_FOUND, ErrorCode.SessionNotFound, `Session ${sessionId} not found`);
    }
  }

  /** Revokes every session of the user except `keepSessionId`, for example after a password change. */
  async revokeAllExcept(userId: string, keepSessionId: string): Promise<void> {
    await this.sessions.updateMany(
      { userId: new Types.ObjectId(userId), _id: { $ne: new Types.ObjectId(keepSessionId) }, revokedAt: null },
      { $set: { revokedAt: new Date() } },
    );
    this.statusCache.forgetUser(userId);
  }

  /**
   * Gives a session a new refresh token and drops the retired ones, so an
   * old cookie gets a plain 401 instead of a grace window or a revocation.
   * Returns null when the session is no longer active.
   */
  async reissue(sessionId: string): Promise<Required<IssuedSession> | null> {
    const refreshToken = createOpaqueToken();
    const now = new Date();
    const session = await this.sessions.findOneAndUpdate(
      { _id: new Types.ObjectId(sessionId), revokedAt: null, expiresAt: { $gt: now } },
      {
        $set: {
          tokenHash: hashToken(refreshToken),
          retiredTokens: [],
          lastUsedAt: now,
          expiresAt: new Date(now.getTime() + this.ttlMs),
        },
      },
      { new: true },
    );
    return session ? { session, refreshToken } : null;
  }

  /** Deletes every session of the user, revoked ones included, for account deletion. */
  async deleteAllOfUser(userId: string): Promise<void> {
    await this.sessions.deleteMany({ userId: new Types.ObjectId(userId) });
    this.statusCache.forgetUser(userId);
  }
}

function invalidRefreshToken(message: string): ApiException {
  return new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.InvalidRefreshToken, message);
}
