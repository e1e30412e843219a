import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/** The client's AES-GCM output, each part as the base64 text the client sent. */
export interface EncryptedPayload {
  salt: string;
  iv: string;
  data: string;
}

/**
 * One vault item, or the tombstone of a deleted one. A deletion keeps the
 * document with `deletedAt` set and the payload removed, so that the unique
 * key also covers deletions and one conditional write decides between a
 * write and a deletion.
 */
@Schema({ collection: 'vault_items', versionKey: false })
export class VaultItem {
  @Prop({ type: Types.ObjectId, required: true })
  userId: Types.ObjectId;

  @Prop({ required: true })
  storeName: string;

  @Prop({ required: true })
  itemId: string;

  @Prop({ type: String })
  itemName?: string;

  @Prop({ type: { salt: String, iv: String, data: String, _id: false } })
  encryptedPayload?: EncryptedPayload;

  /** Decoded size of the payload in bytes. */
  @Prop({ required: true, default: 0 })
  payloadSize: number;

  /** Client clock, milliseconds since the epoch, of the last accepted write. */
  @Prop({ required: true })
  updatedAt: number;

  /** Milliseconds since the epoch of the deletion, or null for a live item. */
  @Prop({ type: Number, default: null })
  deletedAt: number | null;

  /**
   * Per-user position of the last accepted write or deletion in the change
   * feed, stamped by the server and strictly increasing per user.
   */
  // NOTE: documents written before server versions existed have none and
  // are missing from the change feed until they are written again.
  @Prop({ required: true, default: 0 })
  serverVersion: number;

  /** Server clock, milliseconds since the epoch, of the last accepted write or deletion. */
  @Prop({ required: true, default: 0 })
  serverUpdatedAt: number;

  /** SHA-256 of the item name and payload, so an identical retry is recognised without comparing payloads. */
  @Prop({ type: String })
  contentHash?: string;
}

export type VaultItemDocument = HydratedDocument<VaultItem>;
export const VaultItemSchema = SchemaFactory.createForClass(VaultItem);

VaultItemSchema.index({ userId: 1, storeName: 1, itemId: 1 }, { unique: true });
VaultItemSchema.index({ userId: 1, serverVersion: 1 });
// FerretDB 1.x has no partial indexes, so the purge job's index covers live items too.
VaultItemSchema.index({ deletedAt: 1, serverUpdatedAt: 1 });
