/* Before measuring, check that a framework's three routes answer the same thing: a 200
 * application/jwt, no-store, an HS256 JWT signed with the bench key whose kid, clientId and
 * capability are identical. A bench of routes that do different work would be meaningless. */
import { jwtVerify } from 'jose';
import { KEY_NAME, KEY_SECRET_FOR_VERIFY, ROUTES, USER_HEADER, type RouteName } from '../servers/shared';

const secret = new TextEncoder().encode(KEY_SECRET_FOR_VERIFY);

async function tokenFrom(ports: Record<RouteName, number>, route: RouteName, user: string): Promise<{ capability: unknown; clientId: unknown; bytes: number }> {
  const response = await fetch(`http://127.0.0.1:${ports[route]}${ROUTES[route]}`, { headers: { [USER_HEADER]: user, connection: 'close' } });
  const body = await response.text();
  const where = `${route} route (${ROUTES[route]})`;
  if (response.status !== 200) throw new Error(`${where} answered ${response.status}: ${body.slice(0, 200)}`);
  if (response.headers.get('content-type')?.split(';')[0] !== 'application/jwt')
    throw new Error(`${where}: Content-Type ${response.headers.get('content-type')}`);
  if (response.headers.get('cache-control') !== 'no-store') throw new Error(`${where}: Cache-Control ${response.headers.get('cache-control')}`);
  const { payload, protectedHeader } = await jwtVerify(body, secret, { algorithms: ['HS256'] });
  if (protectedHeader.kid !== KEY_NAME) throw new Error(`${where}: kid ${protectedHeader.kid}`);
  if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat < 3500)
    throw new Error(`${where}: iat/exp ${payload.iat}/${payload.exp}`);
  return { capability: payload['x-ably-capability'], clientId: payload['x-ably-clientId'], bytes: body.length };
}

/** Returns the token sizes per route; throws if the routes disagree. */
export async function verifyRoutes(ports: Record<RouteName, number>): Promise<Record<RouteName, number>> {
  const user = 'user-00042';
  const adapter = await tokenFrom(ports, 'adapter', user);
  const bare = await tokenFrom(ports, 'bare', user);
  const seed = await tokenFrom(ports, 'seed', user);
  for (const [name, other] of [
    ['bare', bare],
    ['seed', seed],
  ] as const) {
    if (other.capability !== adapter.capability || other.clientId !== adapter.clientId) {
      throw new Error(
        `The ${name} route's token differs from the adapter's:\n  adapter ${String(adapter.clientId)} ${String(adapter.capability)}\n  ${name} ${String(other.clientId)} ${String(other.capability)}`,
      );
    }
  }
  if (adapter.clientId !== user) throw new Error(`clientId ${String(adapter.clientId)}, expected ${user}`);
  const anonymous = await fetch(`http://127.0.0.1:${ports.adapter}${ROUTES.adapter}`, { headers: { connection: 'close' } });
  await anonymous.arrayBuffer();
  if (anonymous.status !== 401) throw new Error(`The adapter route answered ${anonymous.status} without a user; expected 401.`);
  return { adapter: adapter.bytes, bare: bare.bytes, seed: seed.bytes };
}
