export { ChatSessionProvider, useChatSession, type ChatSessionProviderProps } from './chat-session-provider.js';
export type { ChatSession, ChatSessionState } from '../session/types.js';
