import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Session } from './schemas/session.schema';

/**
 * Time one instance trusts its last lookup of a session. The instance that
 * revokes a session drops its cached entry at once, and other instances of
 * the API notice the revocation within this time.
 */
export const SESSION_STATUS_CACHE_MS = 2_000;

/** Upper bound of cached entries, so a flood of distinct tokens cannot grow the map without limit. */
const MAX_ENTRIES = 10_000;

interface CachedStatus {
  userId: string;
  active: boolean;
  checkedAt: number;
}

/**
 * Tells whether the session of an access token is still active, so that a
 * revoked session's access tokens stop working before they expire.
 */
@Injectable()
export class SessionStatusCache {
  private readonly entries = new Map<string, CachedStatus>();

  constructor(@InjectModel(Session.name) private readonly sessions: Model<Session>) {}

  /** Returns true when the session exists, belongs to the user and is neither revoked nor expired. */
  async isActive(userId: string, sessionId: string): Promise<boolean> {
    const now = Date.now();
    const cached = this.entries.get(sessionId);
    if (cached && now - cached.checkedAt < SESSION_STATUS_CACHE_MS) {
      return cached.active && cached.userId === userId;
    }

    const status = await this.load(sessionId, now);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(sessionId, status);
    return status.active && status.userId === userId;
  }

  forget(sessionIds: Iterable<Types.ObjectId | string>): void {
    for (const sessionId of sessionIds) this.entries.delete(String(sessionId));
  }

  forgetUser(userId: Types.ObjectId | string): void {
    const owner = String(userId);
    for (const [sessionId, status] of this.entries) {
      if (status.userId === owner) this.entries.delete(sessionId);
    }
  }

  private async load(sessionId: string, now: number): Promise<CachedStatus> {
    const session = Types.ObjectId.isValid(sessionId)
      ? await this.sessions.findById(sessionId, { userId: 1, revokedAt: 1, expiresAt: 1 }).lean()
      : null;
    return {
      userId: session ? String(session.userId) : '',
      active: !!session && !session.revokedAt && session.expiresAt.getTime() > now,
      checkedAt: now,
    };
  }
}
