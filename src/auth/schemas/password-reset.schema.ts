import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/**
 * A pending password reset. Only the SHA-256 hash of the emailed token is
 * stored. An account has at most one: a new request replaces it, and a
 * successful reset deletes it.
 */
@Schema({ collection: 'password_resets', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class PasswordReset {
  @Prop({ type: Types.ObjectId, required: true, index: true })
  userId: Types.ObjectId;

  @Prop({ required: true, unique: true })
  tokenHash: string;

  /** Expiry time, checked on every lookup because FerretDB 1.x has no TTL indexes to delete expired documents. */
  @Prop({ required: true, index: true })
  expiresAt: Date;

  createdAt: Date;
}

export type PasswordResetDocument = HydratedDocument<PasswordReset>;
export const PasswordResetSchema = SchemaFactory.createForClass(PasswordReset);
