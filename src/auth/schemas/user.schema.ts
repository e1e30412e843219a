import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

@Schema({ collection: 'users', timestamps: true, versionKey: false })
export class User {
  /** Trimmed and lower-cased, so lookups ignore case. */
  @Prop({ required: true, unique: true })
  email: string;

  /** bcrypt hash of the password the client sends, which is itself a derived key. */
  @Prop({ required: true })
  passwordHash: string;

  /** Salt for the client's key derivation: 16 numbers from 0 to 255. The server never uses it. */
  @Prop({ type: [Number], required: true })
  vaultSalt: number[];

  createdAt: Date;
  updatedAt: Date;
}

export type UserDocument = HydratedDocument<User>;
export const UserSchema = SchemaFactory.createForClass(User);
