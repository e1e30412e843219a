import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser } from '../common/auth/current-user.decorator';
import { ApiErrors } from '../common/swagger/api-error-response';
import { MessageResponseDto } from './dto/auth-responses.dto';
import { SessionDto } from './dto/session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ summary: "List the account's signed-in devices, most recently used first" })
  @ApiOkResponse({ type: [SessionDto] })
  @ApiErrors([HttpStatus.UNAUTHORIZED, 'TOKEN_EXPIRED or UNAUTHORIZED'])
  list(@CurrentUser() user: AuthenticatedUser): Promise<SessionDto[]> {
    return this.sessions.list(user.userId, user.sessionId);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign a device out',
    description: "The session's refresh cookie and access tokens stop working at once.",
  })
  @ApiOkResponse({ type: MessageResponseDto })
  @ApiErrors(
    [HttpStatus.UNAUTHORIZED, 'TOKEN_EXPIRED or UNAUTHORIZED'],
    [HttpStatus.NOT_FOUND, 'SESSION_NOT_FOUND: unknown, already revoked or not this account'],
  )
  async revoke(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<MessageResponseDto> {
    await this.sessions.revokeOwned(user.userId, id);
    return { message: 'Session revoked' };
  }
}
