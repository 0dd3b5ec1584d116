import { crossSiteRefusal } from '../../lib/demo';
import { getDemoSession } from '../../lib/session';

export const dynamic = 'force-dynamic';

/** `POST /logout`: 204 and the session cookie cleared; 403 (and no cookie) when another site posted it. */
export async function POST(request: Request): Promise<Response> {
  const refusal = crossSiteRefusal(request.headers);
  if (refusal) return Response.json(refusal.body, { status: refusal.status });
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  const session = await getDemoSession(request, headers);
  session.destroy();
  return new Response(null, { status: 204, headers });
}
