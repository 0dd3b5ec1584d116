import { BadRequestException, Controller, HttpCode, HttpException, Post, Req, Res, UseGuards } from '@nestjs/common';
import { DEMO_ROUTES, readLoginBody, validateUsername } from '@ably-chat-auth-examples/shared';
import type { Request, Response } from 'express';
import { SESSION_COOKIE, endSession, startSession } from './demo-session.js';
import { SameSiteGuard } from './same-site.guard.js';

/** `POST /login` (JSON or form `username` of at most 1 kB, no password: a demo) and `POST /logout`, both refused cross-site. */
@Controller()
@UseGuards(SameSiteGuard)
export class SessionController {
  @Post(DEMO_ROUTES.login)
  @HttpCode(200)
  async login(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ username: string }> {
    // The app mounts no body parser: readLoginBody stops reading at 1 kB.
    const body = await readLoginBody(req);
    if ('error' in body) {
      // Close the connection rather than read the rest of an oversized body.
      if (body.status === 413) res.setHeader('Connection', 'close');
      throw new HttpException(body.error, body.status);
    }
    const check = validateUsername(body.username);
    if (!check.ok) throw new BadRequestException(check.error);
    await startSession(req, { username: check.username });
    return { username: check.username };
  }

  @Post(DEMO_ROUTES.logout)
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await endSession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.secure });
  }
}
