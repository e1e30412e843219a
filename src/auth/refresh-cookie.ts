import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { CookieOptions, Request, Response } from 'express';
import { Configuration } from '../config/configuration';

export const REFRESH_COOKIE_NAME = 'refreshToken';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Reads and writes the refresh-token cookie. It is always HttpOnly. In
 * production it is `Secure` and `SameSite=Strict`. In development it is
 * `SameSite=Lax`, so that a client on another localhost port still sends it.
 */
@Injectable()
export class RefreshCookie {
  private readonly options: CookieOptions;

  constructor(config: ConfigService<Configuration, true>) {
    const auth = config.get('auth', { infer: true });
    this.options = {
      httpOnly: true,
      secure: auth.secureCookies,
      sameSite: auth.secureCookies ? 'strict' : 'lax',
      // Path `/` keeps the cookie working when a proxy serves the API under a prefix.
      path: '/',
      maxAge: auth.refreshTokenTtlDays * DAY_MS,
    };
  }

  read(request: Request): string | undefined {
    const cookies = request.cookies as Record<string, unknown> | undefined;
    const value = cookies?.[REFRESH_COOKIE_NAME];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  }

  write(response: Response, refreshToken: string): void {
    response.cookie(REFRESH_COOKIE_NAME, refreshToken, this.options);
  }

  clear(response: Response): void {
    const { maxAge: _maxAge, ...options } = this.options;
    response.clearCookie(REFRESH_COOKIE_NAME, options);
  }
}
