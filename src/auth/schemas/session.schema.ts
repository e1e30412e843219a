import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/**
 * One signed-in device or browser. The refresh token itself is never
 * stored: only its SHA-256 hash, which is enough because the token is
 * 256 random bits.
 */
@Schema({ collection: 'sessions', timestamps: true, versionKey: false })
export class Session {
  @Prop({ type: Types.ObjectId, required: true, index: true })
  userId: Types.ObjectId;

  @Prop({ required: true, unique: true })
  tokenHash: string;

  /** Hash of the token this session had before its last rotation, for the concurrent-refresh grace window. */
  @Prop({ type: String, default: null, index: true })
  previousTokenHash: string | null;

  @Prop({ type: Date, default: null })
  rotatedAt: Date | null;

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
