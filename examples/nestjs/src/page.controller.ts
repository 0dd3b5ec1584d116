import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Controller, Get, Header, NotFoundException, Req, Res, StreamableFile } from '@nestjs/common';
import { CHAT_PAGE_HEADERS, DEMO_ROUTES, chatPageAssets, renderChatPage, type StaticAsset } from '@ably-chat-auth-examples/shared';
import type { Request, Response } from 'express';

const ASSETS = new Map<string, StaticAsset>(chatPageAssets.map((asset) => [asset.path, asset]));

/** Paths served outside the `api` global prefix (the page, its files, login and logout). */
export const UNPREFIXED_PATHS: readonly string[] = [DEMO_ROUTES.page, DEMO_ROUTES.login, DEMO_ROUTES.logout, ...ASSETS.keys()];

/** The chat page and the files it loads (its script and stylesheet, the `ably` and `@ably/chat` SDKs). */
@Controller()
export class PageController {
  private readonly page = renderChatPage({ framework: 'NestJS' });

  @Get(DEMO_ROUTES.page)
  chatPage(@Res({ passthrough: true }) res: Response): string {
    res.set(CHAT_PAGE_HEADERS);
    return this.page;
  }

  // Streamed by hand: each asset is one file named by absolute path with its content type given
  // by the shared asset table, not a directory a static helper would serve.
  @Get([...ASSETS.keys()])
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'public, max-age=3600')
  async asset(@Req() req: Request): Promise<StreamableFile> {
    // The route's own path: Express matches paths case-insensitively, the map does not.
    const asset = ASSETS.get((req.route as { path?: string } | undefined)?.path ?? req.path);
    if (!asset) throw new NotFoundException();
    const { size } = await stat(asset.file);
    return new StreamableFile(createReadStream(asset.file), { type: asset.contentType, length: size });
  }
}
