import 'reflect-metadata';
import { Catch, Controller, Get, Injectable, type ArgumentsHost, type CallHandler, type ExceptionFilter, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { catchError, map, throwError, type Observable } from 'rxjs';

export interface AppUser {
  id: string;
  role?: 'moderator' | 'banned';
}

/** Bearer tokens the test apps accept, as a real app's session or JWT store would. */
export const USERS_BY_TOKEN: Record<string, AppUser> = {
  'token-alice': { id: 'alice' },
  'token-bob': { id: 'bob' },
  'token-mod': { id: 'mia', role: 'moderator' },
  'token-banned': { id: 'zed', role: 'banned' },
};

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** The module policy of the test apps: lobby for everyone, a DM namespace per user, nothing for banned users. */
export function appPolicy(user: AppUser): Record<string, 'all' | 'moderator' | ('send' | 'receive' | 'history')[]> | null {
  if (user.role === 'banned') return null;
  return { lobby: user.role === 'moderator' ? 'moderator' : 'all', [`dms:${user.id}:*`]: ['send', 'receive', 'history'] };
}

/** A real @nestjs/passport strategy: `Authorization: Bearer <token>`; an unknown token fails (AuthGuard throws 401). */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  validate(token: string): AppUser | null {
    return USERS_BY_TOKEN[token] ?? null;
  }
}

/** An app-wide filter that answers every error with its own 418 body, on either platform. */
@Catch()
export class HijackingExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}
  catch(_exception: unknown, host: ArgumentsHost): void {
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { hijacked: true }, 418);
  }
}

/** An app-wide interceptor that wraps every returned value in `{ data }`, as many Nest apps do. */
@Injectable()
export class WrappingInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((data: unknown) => ({ data })));
  }
}

/** An app-wide interceptor that records every error passing through it and rethrows it, as logging interceptors do. */
@Injectable()
export class ErrorWatchingInterceptor implements NestInterceptor {
  readonly seen: unknown[] = [];
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        this.seen.push(error);
        return throwError(() => error);
      }),
    );
  }
}

/** Ordinary app routes, to show the app-wide filter and interceptor are really active. */
@Controller()
export class ControlController {
  @Get('hello')
  hello(): string {
    return 'hi';
  }

  @Get('boom')
  boom(): never {
    throw new Error('boom');
  }
}
