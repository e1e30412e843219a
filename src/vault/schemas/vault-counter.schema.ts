import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * Per-user sync bookkeeping, one document per user with `_id` = user id.
 * Every field is changed only inside that user's `KeyedLock`, because
 * FerretDB 1.x applies `$inc` as a read followed by a write.
 */
@Schema({ collection: 'vault_counters', versionKey: false })
export class VaultCounter {
  @Prop({ type: Types.ObjectId, required: true })
  _id: Types.ObjectId;

  /** Highest server version handed out; the next write gets a larger one. */
  @Prop({ required: true, default: 0 })
  lastVersion: number;

  /** Highest server version of a purged tombstone; older change-feed cursors are expired. */
  @Prop({ required: true, default: 0 })
  purgedThrough: number;

  /**
   * Upper bounds of the live item count and payload bytes, raised by the
   * worst case of every write and reset to the exact values whenever a
   * write would pass the quota on the bound alone.
   */
  @Prop({ required: true, default: 0 })
  itemsUpperBound: number;

  @Prop({ required: true, default: 0 })
  bytesUpperBound: number;

  /** False until the upper bounds have been computed from the stored items once. */
  @Prop({ required: true, default: false })
  usageVerified: boolean;
}

export const VaultCounterSchema = SchemaFactory.createForClass(VaultCounter);
