import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsBase64String, IsEpochMillis, IsItemId, IsStoreName } from '../../common/validation/decorators';

export const MAX_ITEM_NAME_LENGTH = 200;
export const MAX_BATCH_SIZE = 50;

export class ItemParams {
  @IsStoreName()
  store: string;

  @IsItemId()
  itemId: string;
}

export class StoreParams {
  @IsStoreName()
  store: string;
}

/** Converts a decimal query value to a number; anything else, such as "0x10" or "1e3", becomes NaN and fails validation. */
const decimalIntegerOrNaN = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;

export class SyncStatusQuery {
  @IsOptional()
  @Transform(decimalIntegerOrNaN)
  @IsEpochMillis({ optional: true, description: 'Only changes after this time, in epoch milliseconds; omit for all' })
  since?: number;
}

export class EncryptedPayloadDto {
  @IsBase64String('Key-derivation salt (16 bytes for the web client)', 1024)
  salt: string;

  @IsBase64String('AES-GCM initialisation vector (12 bytes for the web client)', 1024)
  iv: string;

  @IsBase64String('AES-GCM ciphertext with its tag')
  data: string;
}

export class PutItemDto {
  @IsString()
  @MaxLength(MAX_ITEM_NAME_LENGTH)
  @ApiProperty({ maxLength: MAX_ITEM_NAME_LENGTH, description: 'Plain-text name shown in lists', example: 'Sprint board' })
  itemName: string;

  @IsObject()
  @ValidateNested()
  @Type(() => EncryptedPayloadDto)
  @ApiProperty({ type: EncryptedPayloadDto })
  encryptedPayload: EncryptedPayloadDto;

  @IsEpochMillis({ description: 'Client time of the edit, in epoch milliseconds; the newest write wins' })
  updatedAt: number;
}

export class DeleteItemDto {
  @IsOptional()
  @IsEpochMillis({ optional: true, description: 'Time of the deletion; the server clock is used when omitted' })
  deletedAt?: number;
}

export class BatchPushItemDto extends PutItemDto {
  @IsStoreName()
  storeName: string;

  @IsItemId()
  itemId: string;
}

export class BatchPushDto {
  /**
   * Each item is validated on its own by the service, so that one invalid
   * item fails alone instead of failing the whole batch.
   */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_SIZE)
  @ApiProperty({ type: [BatchPushItemDto], maxItems: MAX_BATCH_SIZE })
  items: unknown[];
}

export class ItemKeyDto {
  @IsStoreName()
  storeName: string;

  @IsItemId()
  itemId: string;
}

export class BatchPullDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_SIZE)
  @ValidateNested({ each: true })
  @Type(() => ItemKeyDto)
  @ApiProperty({ type: [ItemKeyDto], maxItems: MAX_BATCH_SIZE })
  items: ItemKeyDto[];
}

export class ItemMetadataDto {
  @ApiProperty({ example: 'board-2f1c9a' })
  itemId: string;

  @ApiProperty({ example: 'Sprint board' })
  itemName: string;

  @ApiProperty({ description: 'Decoded payload size in bytes', example: 2048 })
  payloadSize: number;

  @ApiProperty({ example: 1733300000000 })
  updatedAt: number;
}

export class ItemDto extends ItemMetadataDto {
  @ApiProperty({ type: EncryptedPayloadDto })
  encryptedPayload: EncryptedPayloadDto;
}

export class SuccessDto {
  @ApiProperty({ example: true })
  success: true;
}

export class SyncItemDto {
  @ApiProperty({ example: 'kanban-boards' })
  storeName: string;

  @ApiProperty({ example: 'board-2f1c9a' })
  itemId: string;

  @ApiProperty({ example: 1733300000000 })
  updatedAt: number;
}

export class SyncDeletionDto {
  @ApiProperty({ example: 'kanban-boards' })
  storeName: string;

  @ApiProperty({ example: 'board-77aa01' })
  itemId: string;

  @ApiProperty({ example: 1733300050000 })
  deletedAt: number;
}

export class SyncStatusDto {
  @ApiProperty({ type: [SyncItemDto] })
  items: SyncItemDto[];

  @ApiProperty({ type: [SyncDeletionDto] })
  deletions: SyncDeletionDto[];
}

export class BatchPushResultDto {
  @ApiProperty({ example: 'kanban-boards' })
  storeName: string;

  @ApiProperty({ example: 'board-2f1c9a' })
  itemId: string;

  @ApiProperty()
  success: boolean;

  @ApiPropertyOptional({ description: 'Why this item was not stored', example: 'A newer copy is stored on the server' })
  error?: string;

  @ApiPropertyOptional({ description: 'Stable code of the failure', example: 'CONFLICT' })
  code?: string;

  @ApiPropertyOptional({ description: 'On CONFLICT: updatedAt of the stored copy', example: 1733300099000 })
  remoteUpdatedAt?: number;

  @ApiPropertyOptional({ description: 'On CONFLICT with a deletion: when the stored copy was deleted', example: 1733300099000 })
  deletedAt?: number;

  @ApiPropertyOptional({
    description: 'On success: server version of the stored copy (its ETag). On CONFLICT: that of the copy that won.',
    example: 12,
  })
  serverVersion?: number;
}

export class BatchPushResponseDto {
  @ApiProperty({ type: [BatchPushResultDto] })
  results: BatchPushResultDto[];
}

export class BatchPullResultDto {
  @ApiProperty({ example: 'kanban-boards' })
  storeName: string;

  @ApiProperty({ example: 'board-2f1c9a' })
  itemId: string;

  @ApiPropertyOptional({ description: 'Present and true when the item does not exist' })
  notFound?: true;

  @ApiPropertyOptional()
  itemName?: string;

  @ApiPropertyOptional({ type: EncryptedPayloadDto })
  encryptedPayload?: EncryptedPayloadDto;

  @ApiPropertyOptional()
  payloadSize?: number;

  @ApiPropertyOptional()
  updatedAt?: number;
}

export class BatchPullResponseDto {
  @ApiProperty({ type: [BatchPullResultDto] })
  results: BatchPullResultDto[];
}
