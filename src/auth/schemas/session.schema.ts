import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

export interface RetiredToken {
  hash: string;
  retiredAt: Date;
}

/**
 * One signed-in device or browser. The refresh token itself is never
 * stored: only its SHA-256 hash, which is enough because the token is
 * 256 random bits.
 */
@Schema({ collection: 'sessions', timestamps: true, versionKey: false })
export class Session {
  @Prop({ type: Types.ObjectId, required: true })
  userId: Types.ObjectId;

  @Prop({ required: true, unique: true })
  tokenHash: string;

  /**
   * Hashes of the tokens this session had before, oldest first and capped,
   * with the time each was rotated: for the concurrent-refresh grace window
   * and for reuse detection.
   */
  @Prop({ type: [{ hash: String, retiredAt: Date, _id: false }], default: [] })
  retiredTokens: RetiredToken[];

  @Prop({ required: true })
  expiresAt: Date;

  @Prop({ required: true })
  lastUsedAt: Date;

  @Prop({ type: String, default: '' })
  userAgent: string;

  @Prop({ type: Date, default: null })
  revokedAt: Date | null;

  createdAt: Date;
  updatedAt: Date;
}

export type SessionDocument = HydratedDocument<Session>;
export const SessionSchema = SchemaFactory.createForClass(Session);

SessionSchema.index({ 'retiredTokens.hash': 1 });
// Serves the device list (newest use first) and the per-user revocations and deletions.
SessionSchema.index({ userId: 1, lastUsedAt: -1 });
