import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_CHANGES_LIMIT = 500;
export const MAX_CHANGES_LIMIT = 5000;

export class ChangesQuery {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @ApiPropertyOptional({
    description: 'nextCursor of the previous page; omit to read the whole feed from the start',
    example: 'djE6MTI',
  })
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_CHANGES_LIMIT)
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CHANGES_LIMIT, default: DEFAULT_CHANGES_LIMIT })
  limit?: number;
}

/** One entry of the change feed: the latest state of an item, live or deleted. */
export class ChangeDto {
  @ApiProperty({ example: 'kanban-boards' })
  storeName: string;

  @ApiProperty({ example: 'board-2f1c9a' })
  itemId: string;

  @ApiProperty({ description: 'Server-assigned position in this account\'s feed; also the item\'s ETag', example: 12 })
  serverVersion: number;

  @ApiProperty({ description: 'Client time of the last accepted write', example: 1733300000000 })
  updatedAt: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Time of the deletion, or null for a live item' })
  deletedAt: number | null;

  @ApiPropertyOptional({ description: 'Live items only', example: 'Sprint board' })
  itemName?: string;

  @ApiPropertyOptional({ description: 'Live items only: decoded payload size in bytes', example: 2048 })
  payloadSize?: number;
}

export class ChangesPageDto {
  @ApiProperty({ type: [ChangeDto], description: 'In increasing serverVersion order' })
  changes: ChangeDto[];

  @ApiProperty({ description: 'Cursor to send next time, also when the page is empty', example: 'djE6MTI' })
  nextCursor: string;

  @ApiProperty({ description: 'True when more changes are ready now; fetch again at once with nextCursor' })
  hasMore: boolean;
}

export class UsageTotalDto {
  @ApiProperty({ example: 12 })
  items: number;

  @ApiProperty({ example: 24576 })
  bytes: number;
}

export class StoreUsageDto extends UsageTotalDto {
  @ApiProperty({ example: 'kanban-boards' })
  storeName: string;
}

export class UsageDto {
  @ApiProperty({ type: [StoreUsageDto], description: 'Stores that hold at least one live item, by name' })
  stores: StoreUsageDto[];

  @ApiProperty({ type: UsageTotalDto })
  total: UsageTotalDto;

  @ApiProperty({ type: UsageTotalDto, description: 'Per-account limits. A write past them gets 413 QUOTA_EXCEEDED' })
  quota: UsageTotalDto;
}
