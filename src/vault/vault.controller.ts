import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Logger,
  Param,
  Post,
  Put,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { AuthenticatedUser, CurrentUser } from '../common/auth/current-user.decorator';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { RateLimit } from '../common/http/rate-limit';
import { ApiErrors } from '../common/swagger/api-error-response';
import { ChangeFeedService } from './change-feed.service';
import { formatEntityTag, parseIfMatch } from './conditional-request';
import { ChangesPageDto, ChangesQuery, UsageDto } from './dto/sync.dto';
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
import { VaultUsage } from './vault-usage.service';
import { VaultService } from './vault.service';

const AUTH_ERRORS: [HttpStatus, string] = [HttpStatus.UNAUTHORIZED, 'TOKEN_EXPIRED (refresh and retry) or UNAUTHORIZED'];
const STORE_ERROR: [HttpStatus, string] = [HttpStatus.BAD_REQUEST, 'UNKNOWN_STORE'];
const PRECONDITION_ERROR: [HttpStatus, string] = [
  HttpStatus.PRECONDITION_FAILED,
  'PRECONDITION_FAILED: If-Match does not match; the body carries the stored serverVersion, remoteUpdatedAt and deletedAt',
];
const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description:
    'Apply only if the stored copy has this ETag (a quoted serverVersion, e.g. "42"), or "*" for any live item. ' +
    'Replaces the Last-Write-Wins check; a mismatch answers 412.',
};
const ETAG_HEADER = {
  ETag: { description: 'Server version of the stored copy, quoted: send it back in If-Match', schema: { type: 'string', example: '"42"' } },
};

@ApiTags('vault')
@ApiBearerAuth()
@Controller('vault')
export class VaultController {
  private readonly logger = new Logger(VaultController.name);

  constructor(
    private readonly vault: VaultService,
    private readonly feed: ChangeFeedService,
    private readonly usage: VaultUsage,
  ) {}

  @Get('sync-status')
  @ApiOperation({
    summary: 'List every item and deletion of the account, or those changed after `since`',
    description: 'Compares client clocks; new clients should follow GET /vault/changes instead, which cannot miss a change.',
  })
  @ApiOkResponse({ type: SyncStatusDto })
  @ApiProduces('application/json')
  @ApiErrors(AUTH_ERRORS, [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED: since is not epoch milliseconds'])
  syncStatus(@CurrentUser() user: AuthenticatedUser, @Query() query: SyncStatusQuery): StreamableFile {
    const body = Readable.from(this.feed.streamSyncStatus(user.userId, query.since));
    return new StreamableFile(body, { type: 'application/json; charset=utf-8' }).setErrorHandler((error, handlerResponse) => {
      const response = handlerResponse as unknown as Response;
      this.logger.error(`sync-status stream for user ${user.userId} failed: ${error.stack ?? error.message}`);
      if (response.destroyed) return;
      // Once part of the body is out, only an aborted connection shows the client that the list is incomplete.
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const failure = new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.InternalError, 'Internal server error. Try again later.');
      response.statusCode = HttpStatus.INTERNAL_SERVER_ERROR;
      response.setHeader('Content-Type', 'application/json; charset=utf-8');
      response.end(JSON.stringify(failure.toBody()));
    });
  }

  @Get('changes')
  @ApiOperation({
    summary: 'List changes after a cursor, in server order',
    description:
      'Returns the latest state of every item and deletion changed after `cursor`, ordered by serverVersion. ' +
      'Repeat with nextCursor while hasMore is true, and keep nextCursor for the next sync.',
  })
  @ApiOkResponse({ type: ChangesPageDto })
  @ApiErrors(
    AUTH_ERRORS,
    [HttpStatus.GONE, 'CURSOR_EXPIRED: deletions after this cursor were purged; sync in full without a cursor'],
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED: cursor or limit is invalid'],
  )
  changes(@CurrentUser() user: AuthenticatedUser, @Query() query: ChangesQuery): Promise<ChangesPageDto> {
    return this.feed.changes(user.userId, query.cursor, query.limit);
  }

  @Get('usage')
  @ApiOperation({ summary: 'Report live items and payload bytes per store and in total, with the quota' })
  @ApiOkResponse({ type: UsageDto })
  @ApiErrors(AUTH_ERRORS)
  usageReport(@CurrentUser() user: AuthenticatedUser): Promise<UsageDto> {
    return this.usage.report(user.userId);
  }

  @Post('batch-push')
  @HttpCode(HttpStatus.OK)
  @RateLimit('batch')
  @ApiOperation({
    summary: 'Store up to 50 items; each result reports that item alone',
    description:
      'Each item follows the PUT rules without If-Match. A failed item carries code CONFLICT (with remoteUpdatedAt, ' +
      'deletedAt and serverVersion of the stored copy), QUOTA_EXCEEDED, PAYLOAD_TOO_LARGE or VALIDATION_FAILED. ' +
      'Sending the same batch again succeeds without changing anything.',
  })
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
  @ApiOkResponse({ type: ItemDto, headers: ETAG_HEADER })
  @ApiErrors(AUTH_ERRORS, STORE_ERROR, [HttpStatus.NOT_FOUND, 'ITEM_NOT_FOUND'])
  async getItem(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: ItemParams,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ItemDto> {
    const { item, serverVersion } = await this.vault.getItem(user.userId, params.store, params.itemId);
    response.setHeader('ETag', formatEntityTag(serverVersion));
    return item;
  }

  @Put(':store/:itemId')
  @ApiOperation({
    summary: 'Create or replace an item (Last-Write-Wins on updatedAt, or If-Match)',
    description:
      'Without If-Match, a stored copy with a newer updatedAt, or a deletion at or after updatedAt, is kept and the ' +
      'write gets 409. With If-Match, the write applies only to the matching server version.',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: SuccessDto, headers: ETAG_HEADER })
  @ApiErrors(
    AUTH_ERRORS,
    STORE_ERROR,
    [HttpStatus.CONFLICT, 'CONFLICT: a newer copy or a later deletion is stored; the body carries remoteUpdatedAt, deletedAt and serverVersion'],
    PRECONDITION_ERROR,
    [HttpStatus.PAYLOAD_TOO_LARGE, 'PAYLOAD_TOO_LARGE: over the decoded size limit (10 MiB by default); QUOTA_EXCEEDED: over the account quota'],
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED, also for an updatedAt too far ahead of the server clock'],
  )
  async putItem(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: ItemParams,
    @Body() dto: PutItemDto,
    @Headers('if-match') ifMatchHeader: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SuccessDto> {
    const ifMatch = parseIfMatch(ifMatchHeader);
    const serverVersion = await this.vault.putItem(user.userId, params.store, params.itemId, dto, ifMatch);
    response.setHeader('ETag', formatEntityTag(serverVersion));
    return { success: true };
  }

  @Delete(':store/:itemId')
  @ApiOperation({
    summary: 'Delete an item and record the deletion for other devices',
    description:
      'The body is optional; without deletedAt the server clock stamps the deletion. Without If-Match, a stored copy ' +
      'whose updatedAt is newer than the deletion is kept and the call answers 409.',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: SuccessDto, headers: { ETag: { description: 'Server version of the deletion', schema: { type: 'string' } } } })
  @ApiErrors(
    AUTH_ERRORS,
    STORE_ERROR,
    [HttpStatus.NOT_FOUND, 'ITEM_NOT_FOUND: absent or already deleted'],
    [HttpStatus.CONFLICT, 'CONFLICT: the stored copy is newer than the deletion; the body carries remoteUpdatedAt'],
    PRECONDITION_ERROR,
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED, also for a deletedAt too far ahead of the server clock'],
  )
  async deleteItem(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: ItemParams,
    @Body() dto: DeleteItemDto,
    @Headers('if-match') ifMatchHeader: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SuccessDto> {
    const ifMatch = parseIfMatch(ifMatchHeader);
    const serverVersion = await this.vault.deleteItem(user.userId, params.store, params.itemId, dto.deletedAt, ifMatch);
    response.setHeader('ETag', formatEntityTag(serverVersion));
    return { success: true };
  }
}
