import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { crossSiteRefusal } from '@ably-chat-auth-examples/shared';
import type { Request } from 'express';

/**
 * Login CSRF: refuses a login or logout that a page on another site posted, with a JSON 403
 * (answered by `JsonErrorFilter`). Guards run after express-session, which is safe here only
 * because of `saveUninitialized: false` and no rolling cookie: a request the guard refuses leaves
 * the session unmodified, so express-session sends no cookie.
 */
@Injectable()
export class SameSiteGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const refusal = crossSiteRefusal(context.switchToHttp().getRequest<Request>().headers);
    if (refusal) throw new ForbiddenException(refusal.body.error);
    return true;
  }
}
