import { BadRequestException, Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { DEMO_ROUTES, validateUsername } from '@ably-chat-auth-examples/shared';
import type { Request, Response } from 'express';
import { SESSION_COOKIE, endSession, startSession } from './demo-session.js';
import { SameSiteGuard } from './same-site.guard.js';

/** `POST /login` (JSON or form `username`, no password: a demo) and `POST /logout`, both refused cross-site. */
@Controller()
@UseGuards(SameSiteGuard)
export class SessionController {
  @Post(DEMO_ROUTES.login)
  @HttpCode(200)
  async login(@Body() body: unknown, @Req() req: Request): Promise<{ username: string }> {
    const check = validateUsername((body as { username?: unknown } | undefined)?.username);
    if (!check.ok) throw new BadRequestException(check.error);
    await startSession(req, { username: check.username });
    return { username: check.username };
  }

  @Post(DEMO_ROUTES.logout)
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await endSession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax' });
  }
}
