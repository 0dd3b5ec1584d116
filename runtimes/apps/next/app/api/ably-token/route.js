// A Next.js App Router route on the edge runtime. The key is read per token, so `next build` needs none.
import { createRoute } from '../../../route.mjs';

export const runtime = 'edge';
export const dynamic = 'force-dynamic';

const handler = createRoute(() => process.env.ABLY_API_KEY);
// Every method goes to core, so PUT and the rest get its 405 in Ably's shape, with no-store.
export { handler as GET, handler as POST, handler as PUT, handler as DELETE, handler as PATCH };
