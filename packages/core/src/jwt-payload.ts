import { nullPrototype } from './plain-data.js';

/** What one JWT payload holds, every part already checked. */
export interface JwtPayloadParts {
  claims: Record<string, unknown> | undefined;
  /** `[ably.room.<pattern>, serialised value]` pairs. */
  userClaims: ReadonlyArray<readonly [string, string]>;
  iat: number;
  exp: number;
  /** The `x-ably-capability` claim, already a JSON string literal. */
  capabilityJson: string;
  clientId: string;
  revocationKey: string | undefined;
}

/**
 * The payload JSON, written in this order: the extra claims, the user claims (`ably.room.<pattern>`,
 * in the order given), iat, exp, x-ably-capability, x-ably-clientId, x-ably-revocation-key (what
 * JSON.stringify of such an object gives, without building the object). The claims' checks
 * already ran, so no extra claim collides with a user claim; a claim named `__proto__` stays a
 * claim, as JSON.stringify of a prototype-less copy keeps it.
 */
export function jwtPayloadJson(parts: JwtPayloadParts): string {
  const { claims, userClaims, iat, exp, capabilityJson, clientId, revocationKey } = parts;
  let extra = claims ? JSON.stringify(Object.assign(nullPrototype<unknown>(), claims)).slice(1, -1) : '';
  for (const [name, value] of userClaims) extra += `${extra ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}`;
  return (
    `{${extra}${extra ? ',' : ''}"iat":${iat},"exp":${exp},"x-ably-capability":${capabilityJson},"x-ably-clientId":${JSON.stringify(clientId)}` +
    `${revocationKey !== undefined ? `,"x-ably-revocation-key":${JSON.stringify(revocationKey)}` : ''}}`
  );
}
