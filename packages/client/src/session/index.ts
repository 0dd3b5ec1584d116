export { createChatSession } from './session.js';
export { clientIdOf } from './client-id.js';
export type { ChatSession, ChatSessionOptions, ChatSessionState, SessionRealtimeOptions } from './types.js';
