export { AblyApiKey, type ApiKeySource } from './api-key.js';
export { compileGrants, type AblyCapability, type ChatGrants, type CompiledCapability } from './capability.js';
export {
  allows,
  explainCapability,
  explainDecision,
  parseCapability,
  resourceMatches,
  CHAT_FEATURE_NAMES,
  type AllowsDecision,
  type RoomExplanation,
} from './capability-reading.js';
export type { AllowedOrigins } from './cors.js';
export { isCrossSiteRequest } from './cross-site.js';
export type { RequestHeaders } from './read-header.js';
export type { Duration } from './duration.js';
export { AblyChatAuthError, isAblyChatAuthError, type AblyChatAuthErrorCode } from './errors.js';
export {
  ABLY_OPERATIONS,
  CHAT_FEATURES,
  CHAT_PRESETS,
  featuresOfOperations,
  isAblyOperation,
  operation,
  operationsOfGrantItem,
  type AblyOperation,
  type ChatFeature,
  type ChatPreset,
  type GrantItem,
  type RawOperation,
} from './features.js';
export { createTokenRoute, type MaybeUser, type TokenRoute, type TokenRouteCallOptions, type TokenRouteRequest } from './token-route.js';
export type { ResolvedTokenRouteOptions, TokenRouteHooks, TokenRouteOptions, UserClaimsFunction, UserResolver } from './token-route-options.js';
export type { TokenRouteOutcome, TokenRoutePhase } from './token-route-decision.js';
export { definePolicy, type ChatPolicy, type PolicyFunction, type PolicyResult } from './policy.js';
export { refusalResponse, type TokenResponseFormat, type TokenRouteResponse } from './responses.js';
export { DEFAULT_TOKEN_PATH } from './adapter-route.js';
export { assertClientId, defaultClientId } from './client-id.js';
export { createTokenIssuer, type IssuedToken, type IssueTokenParams, type TokenIssuer, type TokenRequestParams } from './issuer.js';
export type { ResolvedTokenIssuerOptions, TokenIssuerOptions } from './issuer-options.js';
export { MAX_CLIENT_ID_LENGTH, MAX_CLOCK_SKEW_SECONDS, MAX_REVOCABLE_TTL_SECONDS, MAX_TOKEN_BYTES, MAX_TTL_SECONDS, MIN_TTL_SECONDS } from './limits.js';
export { consoleLogger, silentLogger, type Logger } from './logger.js';
export { assertRoomPattern, assertRoomSegment, isRoomPattern, room, rooms, MAX_ROOM_PATTERN_LENGTH, type RoomPattern } from './room-pattern.js';
export { decodeAblyToken, userClaimFor, verifyAblyToken, type DecodedAblyToken } from './token-inspection.js';
export { MAX_USER_CLAIM_BYTES, USER_CLAIM_PREFIX, type AppliedUserClaim, type UserClaims, type UserClaimValue } from './user-claims.js';
export { signTokenRequest, type AblyTokenRequest } from './token-request.js';
export { recordRateLimited, type TelemetryMeterProvider, type TelemetryTracerProvider, type TokenRouteTelemetryOptions } from './telemetry.js';
export { revokeTokens, DEFAULT_ABLY_REST_URL, type RevocationBatchResult, type RevocationTarget, type RevokeTokensOptions } from './revocation.js';

// Compiled-capability brand, privileged operations, plain-data checks.
export { grantsPrivilegedOperations, isCompiledCapability, type CompileGrantsOptions } from './capability.js';
export { PRIVILEGED_OPERATIONS } from './features.js';
export { assertPlainJson, MAX_PLAIN_JSON_DEPTH, type JsonValue } from './plain-data.js';
