import { demoConfig } from './lib/config';
import { DemoConfigError, startupNotices } from './lib/demo';

/**
 * Runs once when the Next.js server starts: a bad setting (malformed ABLY_API_KEY, short
 * SESSION_SECRET, ...) stops it with a message, as the other examples do, instead of failing on
 * the first request; then the shared startup notices (dev-key banner, random session secret).
 * The app has no Edge routes or proxy, so this file is only ever built for Node.
 */
export function register(): void {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  try {
    for (const notice of startupNotices(demoConfig())) console.log(notice);
  } catch (error) {
    if (!(error instanceof DemoConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
}
