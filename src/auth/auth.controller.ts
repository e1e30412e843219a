import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthenticatedUser, CurrentUser } from '../common/auth/current-user.decorator';
import { Public } from '../common/auth/public.decorator';
import { RateLimit, RateLimitPerAccount } from '../common/http/rate-limit';
import { ApiErrors } from '../common/swagger/api-error-response';
import { chooseEmailLanguage } from '../mail/email-language';
import { AuthService, SignInResult } from './auth.service';
import { AuthResponseDto, ChangePasswordResponseDto, MessageResponseDto, ResetTokenValidDto } from './dto/auth-responses.dto';
import {
  ChangePasswordDto,
  ForgotPasswordDto,
  LoginDto,
  RegisterDto,
  ResetAccountDto,
  VerifyResetTokenDto,
} from './dto/auth.dto';
import { PasswordResetService } from './password-reset.service';
import { REFRESH_COOKIE_NAME, RefreshCookie } from './refresh-cookie';

/** The forgot-password response, identical whether or not the account exists. */
export const FORGOT_PASSWORD_MESSAGE = 'If an account exists for this email, a password reset link has been sent to it.';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly passwordReset: PasswordResetService,
    private readonly cookie: RefreshCookie,
  ) {}

  @Public()
  @RateLimit('auth')
  @Post('register')
  @ApiOperation({ summary: 'Create an account and sign in; sets the refresh cookie' })
  @ApiCreatedResponse({ type: AuthResponseDto })
  @ApiErrors(
    [HttpStatus.CONFLICT, 'EMAIL_TAKEN: an account with this email exists'],
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED'],
    [HttpStatus.TOO_MANY_REQUESTS, 'RATE_LIMITED'],
  )
  async register(@Body() dto: RegisterDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.withCookie(response, await this.auth.register(dto, request.get('user-agent')));
  }

  @Public()
  @RateLimit('auth')
  @RateLimitPerAccount()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in on this device; sets the refresh cookie' })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiErrors(
    [HttpStatus.UNAUTHORIZED, 'INVALID_CREDENTIALS: wrong email or password'],
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED'],
    [HttpStatus.TOO_MANY_REQUESTS, 'RATE_LIMITED'],
  )
  async login(@Body() dto: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.withCookie(response, await this.auth.login(dto, request.get('user-agent')));
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiCookieAuth(REFRESH_COOKIE_NAME)
  @ApiOperation({
    summary: 'Exchange the refresh cookie for a new access token',
    description:
      'Rotates the refresh cookie. Tabs that refresh at the same moment with the same cookie all succeed: ' +
      'a token rotated less than 30 seconds ago returns the session without setting a new cookie.',
  })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiErrors([HttpStatus.UNAUTHORIZED, 'INVALID_REFRESH_TOKEN: missing, expired, revoked or reused cookie'])
  async refresh(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.withCookie(response, await this.auth.refresh(this.cookie.read(request), request.get('user-agent')));
  }

  @RateLimit('auth')
  @Post('change-password')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change the password; the vault salt changes only when newVaultSalt is sent',
    description: 'Signs every other device out and returns a new access token and refresh cookie for this one.',
  })
  @ApiOkResponse({ type: ChangePasswordResponseDto })
  @ApiErrors(
    [HttpStatus.FORBIDDEN, 'INVALID_CURRENT_PASSWORD'],
    [HttpStatus.UNAUTHORIZED, 'TOKEN_EXPIRED or UNAUTHORIZED'],
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED'],
  )
  async changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: ChangePasswordDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChangePasswordResponseDto> {
    const result = await this.auth.changePassword(user.userId, user.sessionId, dto);
    return { message: 'Password changed', ...this.withCookie(response, result) };
  }

  @Post('logout')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiCookieAuth(REFRESH_COOKIE_NAME)
  @ApiOperation({ summary: 'End this session and clear the refresh cookie' })
  @ApiOkResponse({ type: MessageResponseDto })
  @ApiErrors([HttpStatus.UNAUTHORIZED, 'TOKEN_EXPIRED or UNAUTHORIZED'])
  async logout(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MessageResponseDto> {
    await this.auth.logout(user.sessionId, this.cookie.read(request));
    this.cookie.clear(response);
    return { message: 'Logged out' };
  }

  @Public()
  @RateLimit('forgotPassword')
  @Post('forgot-password')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Email a password-reset link if an account has this email',
    description: 'Returns the same message whether or not the account exists; the email is sent in the background.',
  })
  @ApiHeader({
    name: 'Accept-Language',
    required: false,
    description: 'Language of the email: Spanish when `es` (or a regional `es-*`) ranks above English, English otherwise.',
  })
  @ApiOkResponse({ type: MessageResponseDto })
  @ApiErrors([HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED'], [HttpStatus.TOO_MANY_REQUESTS, 'RATE_LIMITED'])
  forgotPassword(@Body() dto: ForgotPasswordDto, @Headers('accept-language') acceptLanguage?: string): MessageResponseDto {
    // The header is read here because the email is written after the response, when the request is gone.
    this.passwordReset.requestReset(dto.email, chooseEmailLanguage(acceptLanguage));
    return { message: FORGOT_PASSWORD_MESSAGE };
  }

  @Public()
  @RateLimit('auth')
  @Post('verify-reset-token')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Check a password-reset link without using it' })
  @ApiOkResponse({ type: ResetTokenValidDto })
  @ApiErrors(
    [HttpStatus.BAD_REQUEST, 'INVALID_RESET_TOKEN: unknown, used or expired token, or another email'],
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED'],
    [HttpStatus.TOO_MANY_REQUESTS, 'RATE_LIMITED'],
  )
  async verifyResetToken(@Body() dto: VerifyResetTokenDto): Promise<ResetTokenValidDto> {
    await this.passwordReset.verifyToken(dto.email, dto.token);
    return { valid: true };
  }

  @Public()
  @RateLimit('auth')
  @Post('reset-account')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Set a new password with a reset link, erasing the vault; sets the refresh cookie',
    description:
      'Deletes every vault item and deletion record of the account and ends all its sessions, then signs in on this device. ' +
      'The reset token works once. The vault salt changes only when newVaultSalt is sent.',
  })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiErrors(
    [HttpStatus.BAD_REQUEST, 'INVALID_RESET_TOKEN: unknown, used or expired token, or another email'],
    [HttpStatus.UNPROCESSABLE_ENTITY, 'VALIDATION_FAILED'],
    [HttpStatus.TOO_MANY_REQUESTS, 'RATE_LIMITED'],
  )
  async resetAccount(
    @Body() dto: ResetAccountDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AuthResponseDto> {
    return this.withCookie(response, await this.passwordReset.resetAccount(dto, request.get('user-agent')));
  }

  private withCookie(response: Response, result: SignInResult): AuthResponseDto {
    if (result.refreshToken) this.cookie.write(response, result.refreshToken);
    return result.body;
  }
}
