import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser } from '../common/auth/current-user.decorator';
import { RateLimit } from '../common/http/rate-limit';
import { ApiErrors } from '../common/swagger/api-error-response';
import {
  BatchPullDto,
  BatchPullResponseDto,
  BatchPushDto,
  BatchPushResponseDto,
  DeleteItemDto,
  ItemDto,
  ItemMetadataDto,
  ItemParams,
  PutItemDto,
  StoreParams,
  SuccessDto,
  SyncStatusDto,
  SyncStatusQuery,
} from './dto/vault.dto';
import { VaultService } from './vault.service';

const AUTH_ERRORS: [HttpStatus, string] = [HttpStatus.UNAUTHORIZED, 'TOKEN_EXPIRED (refresh and retry) or UNAUTHORIZED'];
const STORE_ERROR: [HttpStatus, string] = [HttpStatus.BAD_REQUEST, 'UNKNOWN_STORE'];

@ApiTags('vault')
@ApiBearerAuth()
@Controller('vault')
export class VaultController {
  constructor(private readonly vault: VaultService) {}

  @Get('sync-status')
  @ApiOperation({ summary: 'List every item and deletion of the account, or those changed after `since`' })
  @ApiOkResponse({ type: SyncStatusDto })
  @ApiErrors(AUTH_ERRORS, [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED: since is not epoch milliseconds'])
  syncStatus(@CurrentUser() user: AuthenticatedUser, @Query() query: SyncStatusQuery): Promise<SyncStatusDto> {
    return this.vault.syncStatus(user.userId, query.since);
  }

  @Post('batch-push')
  @HttpCode(HttpStatus.OK)
  @RateLimit('batch')
  @ApiOperation({ summary: 'Store up to 50 items; each result reports that item alone' })
  @ApiOkResponse({ type: BatchPushResponseDto })
  @ApiErrors(AUTH_ERRORS, [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED: items is not an array of 1 to 50'])
  async batchPush(@CurrentUser() user: AuthenticatedUser, @Body() dto: BatchPushDto): Promise<BatchPushResponseDto> {
    return { results: await this.vault.batchPush(user.userId, dto.items) };
  }

  @Post('batch-pull')
  @HttpCode(HttpStatus.OK)
  @RateLimit('batch')
  @ApiOperation({ summary: 'Fetch up to 50 items; a missing one is returned with notFound: true' })
  @ApiOkResponse({ type: BatchPullResponseDto })
  @ApiErrors(AUTH_ERRORS, STORE_ERROR, [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED'])
  async batchPull(@CurrentUser() user: AuthenticatedUser, @Body() dto: BatchPullDto): Promise<BatchPullResponseDto> {
    return { results: await this.vault.batchPull(user.userId, dto.items) };
  }

  @Get(':store')
  @ApiOperation({ summary: "List a store's items, metadata only" })
  @ApiOkResponse({ type: [ItemMetadataDto] })
  @ApiErrors(AUTH_ERRORS, STORE_ERROR)
  listStore(@CurrentUser() user: AuthenticatedUser, @Param() params: StoreParams): Promise<ItemMetadataDto[]> {
    return this.vault.listStore(user.userId, params.store);
  }

  @Get(':store/:itemId')
  @ApiOperation({ summary: 'Fetch one item with its encrypted payload' })
  @ApiOkResponse({ type: ItemDto })
  @ApiErrors(AUTH_ERRORS, STORE_ERROR, [HttpStatus.NOT_FOUND, 'ITEM_NOT_FOUND'])
  getItem(@CurrentUser() user: AuthenticatedUser, @Param() params: ItemParams): Promise<ItemDto> {
    return this.vault.getItem(user.userId, params.store, params.itemId);
  }

  @Put(':store/:itemId')
  @ApiOperation({
    summary: 'Create or replace an item (Last-Write-Wins on updatedAt)',
    description: 'A stored copy with a newer updatedAt is kept, and the response is 409 with remoteUpdatedAt.',
  })
  @ApiOkResponse({ type: SuccessDto })
  @ApiErrors(
    AUTH_ERRORS,
    STORE_ERROR,
    [HttpStatus.CONFLICT, 'CONFLICT: a newer copy is stored; the body carries remoteUpdatedAt'],
    [HttpStatus.PAYLOAD_TOO_LARGE, 'PAYLOAD_TOO_LARGE: over the decoded size limit (10 MiB by default)'],
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED'],
  )
  async putItem(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: ItemParams,
    @Body() dto: PutItemDto,
  ): Promise<SuccessDto> {
    await this.vault.putItem(user.userId, params.store, params.itemId, dto);
    return { success: true };
  }

  @Delete(':store/:itemId')
  @ApiOperation({
    summary: 'Delete an item and record the deletion for other devices',
    description: 'The body is optional; without deletedAt the server clock stamps the deletion.',
  })
  @ApiOkResponse({ type: SuccessDto })
  @ApiErrors(AUTH_ERRORS, STORE_ERROR, [HttpStatus.NOT_FOUND, 'ITEM_NOT_FOUND: absent or already deleted'])
  async deleteItem(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: ItemParams,
    @Body() dto: DeleteItemDto,
  ): Promise<SuccessDto> {
    await this.vault.deleteItem(user.userId, params.store, params.itemId, dto.deletedAt);
    return { success: true };
  }
}
