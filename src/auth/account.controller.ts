import { Body, Controller, Delete, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedUser, CurrentUser } from '../common/auth/current-user.decorator';
import { RateLimit } from '../common/http/rate-limit';
import { ApiErrors } from '../common/swagger/api-error-response';
import { AccountService } from './account.service';
import { MessageResponseDto } from './dto/auth-responses.dto';
import { DeleteAccountDto } from './dto/delete-account.dto';
import { RefreshCookie } from './refresh-cookie';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/account')
export class AccountController {
  constructor(
    private readonly accounts: AccountService,
    private readonly cookie: RefreshCookie,
  ) {}

  @Delete()
  @RateLimit('auth')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Delete the account with every session, vault item and deletion record',
    description: 'Requires the current password. Clears the refresh cookie.',
  })
  @ApiOkResponse({ type: MessageResponseDto })
  @ApiErrors(
    [HttpStatus.FORBIDDEN, 'INVALID_CURRENT_PASSWORD'],
    [HttpStatus.UNAUTHORIZED, 'TOKEN_EXPIRED or UNAUTHORIZED'],
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED'],
    [HttpStatus.TOO_MANY_REQUESTS, 'RATE_LIMITED'],
  )
  async deleteAccount(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: DeleteAccountDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MessageResponseDto> {
    await this.accounts.deleteAccount(user.userId, dto.currentPassword);
    this.cookie.clear(response);
    return { message: 'Account deleted' };
  }
}
