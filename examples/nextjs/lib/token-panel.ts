/**
 * What the page's token panel shows, read from the Ably JWT in the browser. The browser has no
 * key and needs none to display a token, so nothing here verifies it (the server did the signing,
 * and Ably verifies). Browser-safe: no Node built-ins, no core import (core's root loads its signer).
 */

/** Core's Chat feature table (`CHAT_FEATURES`): feature name -> the operations it needs. */
export type FeatureTable = Readonly<Record<string, readonly string[]>>;

/** A room pattern of the token's capability, as the panel lists it. */
export interface TokenRoom {
  /** The capability's resource: a room name or pattern (`lobby`, `dms:alice:*`). */
  readonly room: string;
  /** The Chat features its operations fully enable, in the table's order. */
  readonly features: readonly string[];
  readonly operations: readonly string[];
  /** What others see about the user there: the user claim's display name (and role), or undefined. */
  readonly seen: string | undefined;
}

/** An Ably JWT, read for display. */
export interface TokenView {
  readonly jwt: string;
  /** The `kid` header: the key name that signed it (`appId.keyId`). */
  readonly keyName: string | undefined;
  readonly clientId: string | undefined;
  readonly expiresAt: number;
  /** Rooms sorted by name. */
  readonly rooms: readonly TokenRoom[];
}

/**
 * Reads an Ably JWT for the panel.
 * @throws Error when the text is not a JWT (the token route always answers one).
 * @example const view = readToken(jwt, CHAT_FEATURES); view.rooms.map((r) => r.room);
 */
export function readToken(jwt: string, table: FeatureTable): TokenView {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new Error('The token route did not answer with a JWT.');
  const header = decodePart(parts[0]!);
  const payload = decodePart(parts[1]!);
  const raw = payload['x-ably-capability'];
  const capability = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as Record<string, string[]>;
  const claims = userClaimsOf(payload);
  return {
    jwt,
    keyName: typeof header.kid === 'string' ? header.kid : undefined,
    clientId: typeof payload['x-ably-clientId'] === 'string' ? payload['x-ably-clientId'] : undefined,
    expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : Number.NaN,
    rooms: Object.keys(capability)
      .sort()
      .map((room) => {
        const operations = capability[room] ?? [];
        return { room, operations, features: featuresOf(operations, table), seen: describeClaim(claims[room] ?? claims['*']) };
      }),
  };
}

/** The features whose operations all appear in `operations` (`*` grants every one). */
export function featuresOf(operations: readonly string[], table: FeatureTable): string[] {
  const all = operations.includes('*');
  return Object.keys(table).filter((feature) => all || (table[feature] ?? []).every((op) => operations.includes(op)));
}

// The demo's claims are per exact room or '*' (demoUserClaims), so the panel looks up those two; the
// shared page implements Ably's full most-specific-pattern rule for arbitrary claims.
function describeClaim(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = JSON.parse(value) as { display_name?: unknown; role?: unknown };
    const name = typeof parsed.display_name === 'string' ? parsed.display_name : '(no name)';
    return typeof parsed.role === 'string' ? `${name} \u00b7 ${parsed.role}` : name;
  } catch {
    return value;
  }
}

function userClaimsOf(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (name.startsWith('ably.room.') && typeof value === 'string') claims[name.slice('ably.room.'.length)] = value;
  }
  return claims;
}

function decodePart(part: string): Record<string, unknown> {
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}
