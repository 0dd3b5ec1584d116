export { startAblyStandIn, Action, type AblyStandIn, type AblyStandInOptions, type StandInConnection, type StandInEvent } from './stand-in.js';
export { operationsOn, patternCovers, CHAT_CHANNEL_SUFFIX, type Capability } from './capability.js';
export { validateAblyJwt, type AblyErrorInfo, type ValidToken } from './token.js';
