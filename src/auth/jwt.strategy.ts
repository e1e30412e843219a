import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthenticatedUser } from '../common/auth/current-user.decorator';
import { ApiException, ErrorCode } from '../common/errors/api-exception';
import { Configuration } from '../config/configuration';
import { accessTokenKey } from './access-token-key';
import { SessionStatusCache } from './session-status-cache';

/** Claims of an access token: the user id and the session it was issued for. */
export interface AccessTokenPayload {
  sub: string;
  sid: string;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    config: ConfigService<Configuration, true>,
    private readonly sessionStatus: SessionStatusCache,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt's types allow only string or Buffer, but it hands the key to
      // jsonwebtoken's verify unchanged, which accepts a KeyObject.
      secretOrKey: accessTokenKey(config.get('auth', { infer: true }).accessTokenSecret) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  /** Accepts a well-signed token only while its session is active, so revocation takes effect at once. */
  async validate(payload: AccessTokenPayload): Promise<AuthenticatedUser> {
    const valid = typeof payload.sub === 'string' && typeof payload.sid === 'string';
    if (!valid || !(await this.sessionStatus.isActive(payload.sub, payload.sid))) {
      throw new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthorized, 'Session has ended; sign in again');
    }
    return { userId: payload.sub, sessionId: payload.sid };
  }
}
