import { ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { isObservable, map, type Observable } from 'rxjs';
import type { TokenRouteGuard } from './ably-chat-auth.interfaces.js';

/**
 * The 403 of a guard of the built-in route that returned `false` (rather than throwing): Nest's
 * own denial, told apart by its class, so {@link AblyChatAuthExceptionFilter} can warn that the
 * Ably client treats 403 as final.
 */
export class TokenRouteGuardDenial extends ForbiddenException {
  constructor() {
    super('Forbidden: a guard of the token route refused this request.');
    this.name = 'TokenRouteGuardDenial';
  }
}

type GuardResult = boolean | Promise<boolean> | Observable<boolean>;

function denyOnFalse(result: GuardResult): GuardResult {
  const check = (allowed: boolean): boolean => {
    if (!allowed) throw new TokenRouteGuardDenial();
    return true;
  };
  if (isObservable(result)) return result.pipe(map(check));
  if (result instanceof Promise) return result.then(check);
  return check(result);
}

/**
 * A guard of the built-in route, with its `false` turned into {@link TokenRouteGuardDenial}. A
 * class stays a class (a subclass, so Nest still injects its dependencies); an instance is wrapped.
 */
export function reportingDenial(guard: TokenRouteGuard): TokenRouteGuard {
  if (typeof guard !== 'function') return { canActivate: (context: ExecutionContext) => denyOnFalse(guard.canActivate(context)) };
  const Guard = guard;
  const Reporting = class extends Guard {
    override canActivate(context: ExecutionContext): GuardResult {
      return denyOnFalse(super.canActivate(context));
    }
  };
  Object.defineProperty(Reporting, 'name', { value: Guard.name });
  return Reporting;
}
