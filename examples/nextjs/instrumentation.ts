/**
 * Runs once when the Next.js server starts: a bad setting (malformed ABLY_API_KEY, short
 * SESSION_SECRET, ...) stops it with a message, as the other examples do, instead of failing on
 * the first request; then the shared startup notices (dev-key banner, random session secret).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { demoConfig } = await import('./lib/config');
  const { DemoConfigError, startupNotices } = await import('./lib/demo');
  try {
    for (const notice of startupNotices(demoConfig())) console.log(notice);
  } catch (error) {
    if (!(error instanceof DemoConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
}
