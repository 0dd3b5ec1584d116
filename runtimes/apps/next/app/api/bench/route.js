// The matrix's signing-speed probe, on the edge runtime like the token route.
import { createRoute } from '../../../route.mjs';

export const runtime = 'edge';
export const dynamic = 'force-dynamic';

export const GET = createRoute(() => process.env.ABLY_API_KEY);
